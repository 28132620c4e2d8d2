import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryGrowth, outageMetrics, theilSenSlope } from '../../harness/results/outage.js';
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
