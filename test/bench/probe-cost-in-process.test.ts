import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { liveChildren } from '../../harness/target/launch.js';
import { CPU_ONLY, measureProbeCostInProcess } from '../../harness/bench/probe-cost-in-process.js';

describe('probe cost in one process (bench:probe --in-process)', () => {
  it('alternates CPU-only and full windows in one loaded service and reads each from outside', {
    timeout: 60_000,
  }, async () => {
    const run = await measureProbeCostInProcess({
      pairs: 3,
      variants: ['full', 'eld:50'],
      warmupMs: 500,
      windowMs: 400,
      rateRps: 200,
      seed: 7,
      meter: 'schedstat',
    });
    assert.equal(run.baseline, CPU_ONLY);
    assert.deepEqual(Object.keys(run.cost).sort(), ['cpu', 'eld:50', 'full']);
    for (const name of Object.keys(run.cost)) {
      assert.equal(run.cost[name].length, 3, name);
      // The reference service takes well over 20 µs of CPU a request and well under 20 ms.
      for (const us of run.cost[name]) assert.ok(us > 20 && us < 20_000, `${name}: ${us} µs/request`);
      for (const w of run.wakeupsPerSecond[name]) assert.ok(w > 50, `${name}: ${w} wake-ups/s at 200 req/s`);
    }
    // Only the windows that run the series time themselves.
    assert.ok(run.selfTimedUs.cpu.every((us) => us === 0));
    assert.equal(liveChildren(), 0);
  });
});
