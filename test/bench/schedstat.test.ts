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
    // 20 sleeps, at least 5 timeslices: once in a CI run 5 sleeps counted fewer than 5 (timers due together fire in one
    // wake-up); the point is that sleeping shows, not how many.
    for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
    const counted = mainThreadSchedstat(process.pid).timeslices - before;
    assert.ok(counted >= 5, `${counted} timeslices over 20 sleeps of 5 ms`);
  });
});
