import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { killAllChildren, launchService } from '../../harness/target/launch.js';
import { processesWithMarker } from '../helpers/cli.js';

const ODD = fileURLToPath(new URL('./fixtures/odd-server.js', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('./fixtures/launcher.js', import.meta.url));

after(() => killAllChildren());

/** /proc/PID/stat's process group. */
function groupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

async function gone(marker: string, withinMs = 5000): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  while (processesWithMarker(marker).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return processesWithMarker(marker);
}

async function launchWithChildren(marker: string) {
  const service = await launchService({
    entry: ODD,
    env: { ODD: 'children', TRACEBENCH_TEST_MARKER: marker },
    readyPath: '/healthz',
    startupTimeoutMs: 10_000,
  });
  const deadline = Date.now() + 5000;
  while (processesWithMarker(marker).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return service;
}

/** Runs the launcher fixture (a harness in miniature) until its service is ready; returns it and the service's pid. */
function startLauncher(
  marker: string,
  then: 'exit' | 'wait',
): Promise<{ launcher: ReturnType<typeof spawn>; servicePid: number }> {
  return new Promise((resolve, reject) => {
    const launcher = spawn(process.execPath, [LAUNCHER, ODD, marker, then], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    launcher.stdout!.on('data', (d) => {
      out += d;
      const ready = /ready (\d+)/.exec(out);
      if (ready) resolve({ launcher, servicePid: Number(ready[1]) });
    });
    launcher.on('exit', (code) => {
      if (!/ready/.test(out)) reject(new Error(`launcher exited with ${code} before its service was ready`));
    });
  });
}

describe('the whole process tree of a service ends on every exit path', () => {
  it('runs each service in its own process group, children included, and ends the group on kill', async () => {
    const marker = `tb-${randomUUID()}`;
    const service = await launchWithChildren(marker);
    const pids = processesWithMarker(marker);
    assert.equal(pids.length, 3, 'the service and its two children');
    for (const pid of pids) assert.equal(groupOf(pid), service.pid, `process ${pid} is in the service's group`);
    // Children spawned by the service inherit neither the probe's marker nor its preload.
    for (const pid of pids.filter((p) => p !== service.pid))
      assert.doesNotMatch(readFileSync(`/proc/${pid}/environ`, 'latin1'), /TRACEBENCH_PROBE_TARGET/);
    await service.kill();
    assert.deepEqual(await gone(marker), []);
  });

  it('ends the children of a service that crashed (its leader gone, the group still there)', async () => {
    const marker = `tb-${randomUUID()}`;
    const service = await launchWithChildren(marker);
    process.kill(service.pid, 'SIGKILL');
    await service.exited;
    assert.equal(processesWithMarker(marker).length, 2, 'the children outlive their parent until the group is killed');
    await service.kill();
    assert.deepEqual(await gone(marker), []);
  });

  it('ends the group when the harness exits without killing its service (the exit handler)', async () => {
    const marker = `tb-${randomUUID()}`;
    const { launcher } = await startLauncher(marker, 'exit');
    await new Promise((r) => (launcher.exitCode === null ? launcher.once('exit', r) : r(undefined)));
    assert.deepEqual(await gone(marker), []);
  });

  it('ends the group when the harness is SIGKILLed: the probe sees its IPC channel close and kills its own group', async () => {
    const marker = `tb-${randomUUID()}`;
    const { launcher } = await startLauncher(marker, 'wait');
    assert.equal(processesWithMarker(marker).length, 3);
    launcher.kill('SIGKILL');
    assert.deepEqual(await gone(marker), []);
  });
});
