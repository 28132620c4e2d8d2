import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Alarm, MAX_LEAD_MS, startAlarm } from '../../harness/load/alarm.js';
import { createArrivalSchedule } from '../../harness/load/pacer.js';

describe('alarm thread', () => {
  let alarm: Alarm;
  before(async () => {
    alarm = await startAlarm();
  });
  after(() => alarm.close());

  test('wakes the loop once per send time of the plan, never before it by more than the lead', async () => {
    const plan = { arrivals: 'poisson' as const, rateRps: 400, durationMs: 100, seed: 7 };
    const schedule = createArrivalSchedule(plan.arrivals, plan.rateRps, plan.durationMs, plan.seed);
    const t0Ms = performance.now() + 5;
    alarm.start({ ...plan, t0Ms });
    const early: number[] = [];
    for (let at = schedule.next(), i = 0; at !== undefined; at = schedule.next(), i++) {
      assert.equal(await alarm.next(), i, 'wake-ups carry the index of their send time');
      early.push(t0Ms + at - performance.now());
    }
    assert.equal(early.length, 40);
    assert.ok(Math.max(...early) <= MAX_LEAD_MS, `at most ${MAX_LEAD_MS} ms early: ${Math.max(...early)}`);
    // Nothing more comes once the plan is done.
    const extra = await Promise.race([alarm.next().then(() => 'woken'), sleep(30).then(() => 'quiet')]);
    assert.equal(extra, 'quiet');
  });

  test('stop ends a plan midway, and a new plan replaces it', async () => {
    alarm.start({ arrivals: 'uniform', rateRps: 1000, durationMs: 10_000, seed: 0, t0Ms: performance.now() });
    await alarm.next();
    alarm.stop();
    await sleep(5);
    // At most one wake-up was already on its way.
    const woken = await Promise.race([alarm.next().then(() => 1), sleep(30).then(() => 0)]);
    const more = await Promise.race([alarm.next().then(() => 1), sleep(30).then(() => 0)]);
    assert.equal(more, 0, `stopped (one in flight: ${woken})`);
    alarm.start({ arrivals: 'uniform', rateRps: 1000, durationMs: 3, seed: 0, t0Ms: performance.now() });
    for (let i = 0; i < 3; i++) await alarm.next();
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
