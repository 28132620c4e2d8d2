import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import {
  allowedCpus,
  applyPlacement,
  applySplitPlacement,
  describePlacement,
  parseCpuList,
  processGroupMembers,
  splitCpus,
} from '../../harness/target/placement.js';

const twoOrMore = (allowedCpus() ?? []).length >= 2;

describe('CPU placement', () => {
  it('reads CPU lists as the kernel writes them', () => {
    assert.deepEqual(parseCpuList('0-2,5'), [0, 1, 2, 5]);
    assert.deepEqual(parseCpuList('1\n'), [1]);
    assert.throws(() => parseCpuList('0-a'), /not a CPU list: '0-a'/);
  });

  it('gives the services the upper half of the CPUs, rounded up, and has nothing to split on one', () => {
    assert.deepEqual(splitCpus([0, 1]), { harness: [0], services: [1] });
    assert.deepEqual(splitCpus([0, 1, 2]), { harness: [0], services: [1, 2] });
    assert.deepEqual(splitCpus([2, 3, 6, 7]), { harness: [2, 3], services: [6, 7] });
    assert.equal(splitCpus([0]), null);
  });

  it('goes on unpinned, saying why, when taskset cannot run', () => {
    const placement = applySplitPlacement({ tasksetPath: '/nonexistent/taskset' });
    assert.equal(placement.record.state, 'off');
    assert.match(placement.record.state === 'off' ? placement.record.reason : '', /could not run|only CPU/);
    assert.equal(placement.moveService(process.pid, 'measured'), null);
  });

  it('none pins nothing', () => {
    assert.deepEqual(applyPlacement('none').record, { state: 'off', reason: 'placement: none' });
    assert.equal(describePlacement(applyPlacement('none').record), 'CPU placement off (placement: none)');
  });

  it('says where a split run put things, as every view prints it', () => {
    assert.equal(
      describePlacement({ state: 'split', harnessCpus: [0, 1], serviceCpus: [2, 3] }),
      'services on CPU 2,3 while measured; load generators, sink and waiting services on CPU 0,1',
    );
  });

  it('pins the harness to its half, moves a whole service process group to the other and back, and gives the CPUs back', {
    skip: twoOrMore ? false : 'needs 2 CPUs or more',
  }, async () => {
    const before = allowedCpus()!;
    // A service that started a child of its own: both must move.
    const service = spawn('sh', ['-c', 'sleep 30 & sleep 30'], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const members = processGroupMembers(service.pid!);
      assert.ok(members.length >= 2, `the group holds the shell and its sleeps: ${members.join(',')}`);
      const placement = applySplitPlacement();
      assert.equal(placement.record.state, 'split');
      if (placement.record.state !== 'split') return;
      try {
        assert.deepEqual(allowedCpus(), placement.record.harnessCpus);
        assert.equal(placement.moveService(service.pid!, 'measured'), null);
        for (const pid of members) assert.deepEqual(allowedCpus(pid), placement.record.serviceCpus);
        assert.equal(placement.moveService(service.pid!, 'idle'), null);
        for (const pid of members) assert.deepEqual(allowedCpus(pid), placement.record.harnessCpus);
      } finally {
        placement.release();
      }
      assert.deepEqual(allowedCpus(), before);
    } finally {
      process.kill(-service.pid!, 'SIGKILL');
    }
  });
});
