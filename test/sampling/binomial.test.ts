import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../../harness/plan/random.js';
import { normalQuantile, proportion, wilsonInterval } from '../../harness/stats/binomial.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

test('normal quantiles match the tables', () => {
  close(normalQuantile(0.975), 1.959963984540054, 1e-8, 'z 0.975');
  close(normalQuantile(0.995), 2.5758293035489, 1e-8, 'z 0.995');
  close(normalQuantile(0.5), 0, 1e-12, 'z 0.5');
  close(normalQuantile(0.01), -2.326347874040841, 1e-8, 'z 0.01 (lower tail)');
  close(normalQuantile(0.999), 3.090232306167813, 1e-8, 'z 0.999 (upper tail)');
  assert.throws(() => normalQuantile(0), RangeError);
});

test('Wilson intervals match published values', () => {
  // 5 of 10 at 95%: 0.2366 … 0.7634; 0 of 10: 0 … 0.2775 (= z²/(n+z²)); 10 of 10: 0.7225 … 1.
  const half = wilsonInterval(5, 10);
  close(half.low, 0.2366, 1e-4, 'low 5/10');
  close(half.high, 0.7634, 1e-4, 'high 5/10');
  assert.equal(wilsonInterval(0, 10).low, 0);
  close(wilsonInterval(0, 10).high, 0.2775, 1e-4, 'high 0/10');
  assert.equal(wilsonInterval(10, 10).high, 1);
  close(wilsonInterval(10, 10).low, 0.7225, 1e-4, 'low 10/10');
  // 81 of 263 (Newcombe 1998, example): 0.2553 … 0.3662.
  close(wilsonInterval(81, 263).low, 0.2553, 1e-4, 'low 81/263');
  close(wilsonInterval(81, 263).high, 0.3662, 1e-4, 'high 81/263');
});

test('a wider level gives a wider interval', () => {
  const at95 = wilsonInterval(30, 100, 0.95);
  const at99 = wilsonInterval(30, 100, 0.99);
  assert.ok(at99.low < at95.low && at99.high > at95.high);
});

test('95% Wilson intervals cover the true ratio about 95% of the time at 10% sampling', () => {
  const random = mulberry32(99);
  let covered = 0;
  const runs = 2_000;
  for (let run = 0; run < runs; run++) {
    let kept = 0;
    for (let i = 0; i < 200; i++) if (random() < 0.1) kept++;
    const { low, high } = wilsonInterval(kept, 200);
    if (low <= 0.1 && 0.1 <= high) covered++;
  }
  // Binomial noise on 2000 runs: sd ≈ 0.5 points.
  close(covered / runs, 0.95, 0.02, 'coverage');
});

test('no trials: fraction NaN and the whole [0, 1]; bad counts are refused', () => {
  const none = proportion(0, 0);
  assert.ok(Number.isNaN(none.fraction));
  assert.deepEqual([none.low, none.high], [0, 1]);
  assert.throws(() => wilsonInterval(3, 2), RangeError);
  assert.throws(() => wilsonInterval(-1, 2), RangeError);
  assert.throws(() => wilsonInterval(1.5, 2), RangeError);
  assert.deepEqual(proportion(2, 4).fraction, 0.5);
});
