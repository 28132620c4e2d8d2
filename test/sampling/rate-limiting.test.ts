import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../harness/plan/random.js';
import { RateLimitingSampler } from '../../workloads/service/samplers/rate-limiting.js';
import { decide, isSampled, traceIds } from './helpers.js';

/** A clock the test moves by hand. */
function fakeClock(startMs = 1_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

const TRACE_ID = traceIds(1, 1)[0];

/** Offers spans at the given gaps; returns how many were sampled in each whole second of the fake clock. */
function offer(sampler: RateLimitingSampler, clock: ReturnType<typeof fakeClock>, gapsMs: Iterable<number>): number[] {
  const start = clock.now();
  const perSecond: number[] = [];
  for (const gap of gapsMs) {
    clock.advance(gap);
    const second = Math.floor((clock.now() - start) / 1000);
    perSecond[second] ??= 0;
    if (isSampled(decide(sampler, TRACE_ID))) perSecond[second]++;
  }
  return perSecond;
}

function* steady(gapMs: number, durationMs: number): Generator<number> {
  for (let t = gapMs; t <= durationMs; t += gapMs) yield gapMs;
}

function* poisson(ratePerSecond: number, durationMs: number, seed: number): Generator<number> {
  const random = mulberry32(seed);
  for (let t = 0; t < durationMs; ) {
    const gap = (-Math.log(1 - random()) / ratePerSecond) * 1000;
    t += gap;
    if (t < durationMs) yield gap;
  }
}

test('steady over-rate traffic (1000/s against 100/s) holds the target within 10%, every second and in total', () => {
  const clock = fakeClock();
  const sampler = new RateLimitingSampler(100, { clock: clock.now });
  const perSecond = offer(sampler, clock, steady(1, 5_000));
  assert.equal(perSecond.length >= 5, true);
  for (const [second, count] of perSecond.slice(0, 5).entries())
    assert.ok(Math.abs(count - 100) <= 10, `second ${second}: ${count} sampled`);
  const total = perSecond.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 500) <= 50, `${total} sampled in 5 s`);
});

test('Poisson over-rate traffic (2000/s against 50/s) holds the target within 10% over 4 s', () => {
  const clock = fakeClock();
  const sampler = new RateLimitingSampler(50, { clock: clock.now });
  const total = offer(sampler, clock, poisson(2_000, 4_000, 42)).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(total - 200) <= 20, `${total} sampled in 4 s`);
});

test('under the rate, everything is sampled', () => {
  const clock = fakeClock();
  const sampler = new RateLimitingSampler(100, { clock: clock.now });
  const total = offer(sampler, clock, steady(20, 3_000)).reduce((a, b) => a + b, 0);
  assert.equal(total, 150);
});

test('after a quiet spell the burst is at most one second of credit', () => {
  const clock = fakeClock();
  const sampler = new RateLimitingSampler(100, { clock: clock.now });
  clock.advance(60_000);
  let burst = 0;
  for (let i = 0; i < 1_000; i++) if (isSampled(decide(sampler, TRACE_ID))) burst++;
  assert.equal(burst, 100);
});

test('a fresh sampler starts with one credit, not a full bucket', () => {
  const clock = fakeClock();
  const sampler = new RateLimitingSampler(100, { clock: clock.now });
  let sampled = 0;
  for (let i = 0; i < 50; i++) if (isSampled(decide(sampler, TRACE_ID))) sampled++;
  assert.equal(sampled, 1);
});

test('rates below one per second keep one trace per 1/rate seconds', () => {
  const clock = fakeClock();
  const sampler = new RateLimitingSampler(0.5, { clock: clock.now });
  const total = offer(sampler, clock, steady(100, 20_000)).reduce((a, b) => a + b, 0);
  assert.ok(total >= 10 && total <= 11, `${total} sampled in 20 s at 0.5/s`);
});

test('rate 0 samples nothing; negative or non-finite rates are refused', () => {
  const clock = fakeClock();
  const sampler = new RateLimitingSampler(0, { clock: clock.now });
  assert.equal(
    offer(sampler, clock, steady(1, 2_000)).reduce((a, b) => a + b, 0),
    0,
  );
  assert.throws(() => new RateLimitingSampler(-1), RangeError);
  assert.throws(() => new RateLimitingSampler(Number.POSITIVE_INFINITY), RangeError);
});
