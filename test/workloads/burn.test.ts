import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { burnCpuUs, calibrateIterationsPerUs, setIterationsPerUs } from '../../workloads/shape/burn.js';

/** CPU time of this process's main thread alone, µs (Linux: its task's schedstat, in ns). */
function mainThreadCpuUs(): number {
  return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1000;
}

describe('simulated CPU work (burn)', () => {
  it('calibrates to a steady rate', () => {
    const rates = [calibrateIterationsPerUs(), calibrateIterationsPerUs(), calibrateIterationsPerUs()];
    assert.ok(
      rates.every((r) => Number.isFinite(r) && r > 0),
      String(rates),
    );
    // The fastest of many runs: interference only ever slows one, so repeated calibrations agree closely.
    assert.ok(Math.max(...rates) / Math.min(...rates) < 1.25, `rates ${rates.map((r) => r.toFixed(1)).join(', ')}`);
  });

  it('costs the main thread the same work while another thread is busy (a process-CPU clock would give it back)', async () => {
    setIterationsPerUs(calibrateIterationsPerUs());
    const quietUs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const before = mainThreadCpuUs();
      burnCpuUs(20_000);
      quietUs.push(mainThreadCpuUs() - before);
    }
    // A helper thread spinning on the other core, as V8's concurrent marking and compiler threads do.
    const worker = new Worker('const end = Date.now() + 5000; while (Date.now() < end) {}', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    const busyUs: number[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const before = mainThreadCpuUs();
        burnCpuUs(20_000);
        busyUs.push(mainThreadCpuUs() - before);
      }
    } finally {
      await worker.terminate();
    }
    const min = (xs: number[]) => Math.min(...xs);
    // Spinning on process.cpuUsage(), the main thread got about half its work back with a helper thread busy.
    assert.ok(
      min(busyUs) > 0.8 * min(quietUs),
      `main-thread CPU for 20 ms of work: quiet ${quietUs.map(Math.round)} µs, helper busy ${busyUs.map(Math.round)} µs`,
    );
    assert.ok(min(quietUs) > 0.8 * 20_000, `quiet: ${quietUs.map(Math.round)} µs for 20,000 µs of work`);
  });
});
