import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mainThreadSchedstat, parseSchedstat, processCpuUs } from '../../harness/bench/schedstat.js';

describe('schedstat', () => {
  it('reads ns on CPU and timeslices from a schedstat line', () => {
    assert.deepEqual(parseSchedstat('123456789 5550 42\n'), { cpuNs: 123456789, timeslices: 42 });
  });

  it('reads this process: the main thread is part of the whole, and it has run', () => {
    const main = mainThreadSchedstat(process.pid);
    assert.ok(main.cpuNs > 0 && main.timeslices > 0, JSON.stringify(main));
    assert.ok(processCpuUs(process.pid) >= main.cpuNs / 1000);
  });

  it('counts a sleep-and-wake of the main thread as a timeslice', async () => {
    const before = mainThreadSchedstat(process.pid).timeslices;
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(mainThreadSchedstat(process.pid).timeslices - before >= 5);
  });
});
