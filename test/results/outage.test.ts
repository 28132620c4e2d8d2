import assert from 'node:assert/strict';
import { test } from 'node:test';
import { growthSpanMs, memoryGrowth, outageMetrics, theilSenSlope } from '../../harness/results/outage.js';
import { emptySinkStats } from '../../harness/sink/ledger.js';
import type { ProbeSecond } from '../../harness/probe/protocol.js';

const MIB = 1024 * 1024;

function series(rssAt: (second: number) => number): ProbeSecond[] {
  return Array.from({ length: 12 }, (_, i) => ({
    tMs: (i + 1) * 1000,
    cpuUs: 0,
    requests: 0,
    rssBytes: rssAt(i + 1),
    heapUsedBytes: 50 * MIB,
    loopLagMaxUs: 0,
    queueDepth: 0,
  }));
}

test('RSS growth: a steady 1 MiB a second reads 60 MiB a minute; a GC spike does not move it', () => {
  const steady = memoryGrowth(series((s) => 100 * MIB + s * MIB));
  assert.equal(steady.rssGrowthBytesPerMinute, 60 * MIB);
  assert.equal(steady.heapGrowthBytesPerMinute, 0);
  // A flat RSS with one 40 MiB outlier: least squares would read growth, the median of slopes reads none.
  const spiky = memoryGrowth(series((s) => 100 * MIB + (s === 11 ? 40 * MIB : 0)));
  assert.equal(spiky.rssGrowthBytesPerMinute, 0);
});

test('sustained growth: buffers that fill and level off read flat in the span judged; a leak keeps its slope', () => {
  const outage = { fromSeconds: 2, toSeconds: 12, mode: 'down' as const };
  const span = growthSpanMs(12_000, outage);
  assert.deepEqual(span, { fromMs: 7000, toMs: 12_000 });
  // A bounded queue and export calls filling for 4 s of the outage, 5 MiB a second, then full.
  const bounded = series((s) => 100 * MIB + Math.min(Math.max(s - 2, 0), 4) * 5 * MIB);
  assert.ok(memoryGrowth(bounded).rssGrowthBytesPerMinute! > 5 * MIB, 'over the whole window the fill reads as growth');
  assert.equal(memoryGrowth(bounded, span).rssGrowthBytesPerMinute, 0);
  const leak = series((s) => 100 * MIB + Math.max(s - 2, 0) * MIB);
  assert.equal(memoryGrowth(leak, span).rssGrowthBytesPerMinute, 60 * MIB);
  // An outage that runs past the window is judged on its part inside the window; without one, the window's second half.
  assert.deepEqual(growthSpanMs(12_000, { ...outage, toSeconds: 600 }), { fromMs: 7000, toMs: 12_000 });
  assert.deepEqual(growthSpanMs(10_000), { fromMs: 5000, toMs: 10_000 });
  // Too few samples in the span judged: unknown.
  assert.equal(memoryGrowth(leak, { fromMs: 11_500, toMs: 12_000 }).rssGrowthBytesPerMinute, null);
});

test('too short a series has no slope (unknown, not 0)', () => {
  assert.equal(
    theilSenSlope([
      { x: 0, y: 1 },
      { x: 1, y: 2 },
    ]),
    null,
  );
  assert.equal(memoryGrowth([]).rssGrowthBytesPerMinute, null);
});

test('outage metrics: p99 before and during, the increase, and recovery from the sink', () => {
  const phase = (p99: number, count = 100) => ({ p50: 1, p90: 1, p99, p999: p99, max: p99, mean: 1, count });
  const outage = { fromSeconds: 3, toSeconds: 8, mode: 'down' as const };
  const m = outageMetrics(
    outage,
    [phase(2000), phase(9000), phase(2500)],
    { fromMs: 3000, toMs: 8000, firstAcceptedAfterMs: 9250 },
    { ...emptySinkStats(), resetConnections: 4 },
  );
  assert.deepEqual(m.latencyP99Us, { before: 2000, during: 9000, after: 2500 });
  assert.equal(m.latencyP99IncreaseUs, 7000);
  assert.equal(m.recoverySeconds, 1.25);
  assert.equal(m.sink.resetConnections, 4);
  const never = outageMetrics(outage, [phase(2000), phase(0, 0), phase(0, 0)], undefined, emptySinkStats());
  assert.equal(never.recoverySeconds, null, 'never accepted again: unknown');
  assert.equal(never.latencyP99Us.during, null, 'no answered request during the outage');
  assert.equal(never.latencyP99IncreaseUs, null);
});
