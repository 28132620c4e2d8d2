import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createHistogramUs,
  encodeHistogram,
  mergeEncoded,
  recordMsAsUs,
  toPercentilesUs,
} from '../../harness/load/histogram.js';
import { scheduledCount } from '../../harness/load/open-loop-worker.js';

test('durations in ms are recorded as whole µs', () => {
  const h = createHistogramUs();
  recordMsAsUs(h, 5.0004);
  recordMsAsUs(h, -0.01);
  const p = toPercentilesUs(h);
  assert.equal(p.count, 2);
  assert.equal(p.max, 5000);
  assert.equal(h.minNonZeroValue, 5000);
});

test('merging encoded histograms adds their counts and keeps the extremes', () => {
  const a = createHistogramUs();
  const b = createHistogramUs();
  for (let i = 1; i <= 100; i++) a.recordValue(i * 100);
  for (let i = 0; i < 50; i++) b.recordValue(1_000_000);
  const merged = toPercentilesUs(mergeEncoded([encodeHistogram(a), encodeHistogram(b)]));
  assert.equal(merged.count, 150);
  assert.ok(Math.abs(merged.max - 1_000_000) / 1_000_000 < 0.001);
  assert.ok(Math.abs(merged.p50 - 7500) / 7500 < 0.001);
});

test('an empty distribution reads all zeros', () => {
  assert.deepEqual(toPercentilesUs(mergeEncoded([])), { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0, count: 0 });
});

test('the schedule holds every intended time inside the window', () => {
  assert.equal(scheduledCount(2000, 2000), 4000);
  assert.equal(scheduledCount(1000 / 3, 1000), 334);
  assert.equal(scheduledCount(0.5, 1000), 1);
  assert.equal(scheduledCount(200, 1000), 200);
});
