import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delayUs, LoopDelay } from '../../harness/probe/loop-delay.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('event-loop delay', () => {
  it('is the part of a monitor interval beyond its resolution, in whole µs, never negative', () => {
    assert.equal(delayUs(100_250_400, 100), 250);
    assert.equal(delayUs(99_900_000, 100), 0);
    assert.equal(delayUs(Number.NaN, 100), 0);
    assert.equal(delayUs(Number.POSITIVE_INFINITY, 20), 0);
  });

  it('a 250 ms stall reads as a max of at least 150 ms while the median stays small', async (t) => {
    const delay = new LoopDelay(50);
    delay.start();
    await sleep(300);
    block(250);
    await sleep(300);
    const us = delay.stop();
    t.diagnostic(`max ${us.max} µs (bounds 150000 to 1000000), p50 ${us.p50} µs (bound 20000)`);
    assert.ok(us.max >= 150_000 && us.max < 1_000_000, `max ${us.max}`);
    assert.ok(us.p50 < 20_000, `p50 ${us.p50}`);
    assert.ok(us.p99 <= us.max && us.mean <= us.max);
  });

  it("the second's max resets each time it is taken", async (t) => {
    const delay = new LoopDelay(20);
    delay.start();
    await sleep(60);
    block(120);
    await sleep(60);
    const stalled = delay.takeSecondMaxUs();
    await sleep(150);
    const quiet = delay.takeSecondMaxUs();
    delay.stop();
    t.diagnostic(`stalled ${stalled} µs (bound 80000), quiet ${quiet} µs (bound 40000)`);
    assert.ok(stalled >= 80_000, `stalled ${stalled}`);
    assert.ok(quiet < 40_000, `quiet ${quiet}`);
  });

  it("a stall right after the second's monitor was reset still counts in that second when it is the window's worst", async () => {
    const delay = new LoopDelay(20);
    delay.start();
    await sleep(60);
    delay.takeSecondMaxUs();
    block(120);
    await sleep(60);
    const us = delay.takeSecondMaxUs();
    delay.stop();
    assert.ok(us >= 80_000, `second max ${us}`);
  });

  it('reads zeros when the window was too short for a sample', () => {
    const delay = new LoopDelay(100);
    delay.start();
    assert.deepEqual(delay.stop(), { p50: 0, p99: 0, max: 0, mean: 0 });
  });
});
