import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OpenLoopResult } from '../../harness/load/types.js';
import { type ProbeSpanReport, type ProbeWindowReport, untracedSpanReport } from '../../harness/probe/protocol.js';
import { combine, type Measured, metricsOf, type SinkReading } from '../../harness/results/trial-metrics.js';
import { emptySinkStats } from '../../harness/sink/ledger.js';
import type { ReceivedSpan } from '../../harness/sink/types.js';
import { TRUTH_ATTRIBUTES, type WorkloadShape } from '../../workloads/shape/types.js';

const percentiles = { p50: 500, p90: 800, p99: 1200, p999: 2000, max: 3000, mean: 600, count: 1000 };

function window(over: Partial<ProbeWindowReport>): ProbeWindowReport {
  return {
    windowMs: 2000,
    cpuUserUs: 0,
    cpuSystemUs: 0,
    requests: 0,
    rssStartBytes: 50e6,
    rssPeakBytes: 60e6,
    rssEndBytes: 55e6,
    heapUsedPeakBytes: 20e6,
    heapUsedEndBytes: 15e6,
    gc: { pauseCount: 2, pauseTotalMs: 3, pauseMaxMs: 2 },
    eventLoopDelayUs: { p50: 100, p99: 900, max: 1500, mean: 150 },
    probeCpuUs: 0,
    series: [],
    ...over,
  };
}

function spans(over: Partial<ProbeSpanReport>): ProbeSpanReport {
  return { ...untracedSpanReport(), tracing: true, source: 'tracebench', ...over };
}

const load = {
  targetRps: 500,
  achievedRps: 499,
  durationMs: 2000,
  scheduled: 1000,
  sent: 1000,
  ok: 1000,
  httpErrors: 0,
  socketErrors: 0,
  timeouts: 0,
  expectedErrors: 0,
  truth: { sent: 1000, drawnError: 0, drawnSlow: 0, byRoute: {} },
  latencyCorrectedUs: percentiles,
  latencyUncorrectedUs: percentiles,
  sendLagUs: percentiles,
  generatorEluMax: 0.2,
  histograms: { corrected: '', uncorrected: '' },
} as unknown as OpenLoopResult;

/** Two services: a downstream one, then the entry (the entry comes last, as the trial starts them). */
const measured: Measured[] = [
  {
    name: 'db',
    report: window({ cpuUserUs: 60_000, cpuSystemUs: 20_000, requests: 1000, probeCpuUs: 2_000 }),
    spans: spans({ started: 1000, sampled: 1000, ended: 1000, exported: 990, queuedAtEnd: 10 }),
  },
  {
    name: 'api',
    report: window({
      cpuUserUs: 150_000,
      cpuSystemUs: 50_000,
      requests: 1000,
      probeCpuUs: 8_000,
      gc: { pauseCount: 3, pauseTotalMs: 4, pauseMaxMs: 3 },
    }),
    spans: spans({ started: 2000, sampled: 2000, ended: 2000, exported: 1995, failed: 5, failureReasons: { x: 5 } }),
  },
];

function span(traceId: string, requestId: string): ReceivedSpan {
  return { traceId, attributes: { [TRUTH_ATTRIBUTES.requestId]: requestId } } as unknown as ReceivedSpan;
}

function sinkReading(kept: ReceivedSpan[]): SinkReading {
  const stats = { ...emptySinkStats(), spansReceived: 2985, bytesReceived: 700_000, requests: 12 };
  return { stats, spans: kept, tail: undefined, atEnd: stats };
}

const workload = { services: [], entry: { routes: [] } } as unknown as WorkloadShape;

describe('a trial metrics from fixture reports (results/trial-metrics.ts)', () => {
  it('adds CPU, memory, GC and spans over the services, and takes the entry’s requests and loop', () => {
    const { window: w, spans: s } = combine(measured);
    assert.equal(w.cpuUserUs, 210_000);
    assert.equal(w.cpuSystemUs, 70_000);
    assert.equal(w.requests, 1000, 'the entry service’s requests, not the sum');
    assert.deepEqual(w.gc, { pauseCount: 5, pauseTotalMs: 7, pauseMaxMs: 3 });
    assert.equal(w.probeCpuUs, 10_000);
    assert.equal(s.started, 3000);
    assert.equal(s.exported, 2985);
    assert.deepEqual(s.failureReasons, { x: 5 });
  });

  it('charges CPU per entry request less the probe’s own work, per service and in total', () => {
    const m = metricsOf({ referenceService: false, workload }, load, measured, sinkReading([]));
    // (280,000 µs − 10,000 µs of probe work) / 1,000 entry requests.
    assert.equal(m.cpuUsPerRequest, 270);
    assert.equal(m.services?.api.cpuUsPerRequest, 192);
    assert.equal(m.services?.db.cpuUsPerRequest, 78);
    assert.equal(m.spans.received, 2985);
    assert.equal(m.spans.exported, 2985);
    assert.equal(m.sink.bytes, 700_000);
    assert.equal(m.coverage, undefined, 'a custom service carries no truth attributes to measure coverage by');
  });

  it('leaves warm-up traces out of trace integrity, and reads unknown as unknown', () => {
    const kept = [span('t1', 'm-1'), span('t2', 'w-1'), span('t2', 'm-9')];
    const m = metricsOf({ referenceService: false, workload }, load, measured, sinkReading(kept));
    assert.equal(m.traces?.traces, 1, 'trace t2 carries a warm-up request: left out whole');
    assert.equal(m.traces?.requestsSeen, 1);
    const none = metricsOf({ referenceService: false, workload }, load, measured, sinkReading([]));
    assert.equal(none.traces, undefined, 'no kept spans: no trace integrity figure, not a zero one');
    const idle = metricsOf(
      { referenceService: false, workload },
      load,
      [{ ...measured[1], report: window({ requests: 0 }) }],
      sinkReading([]),
    );
    assert.ok(Number.isNaN(idle.cpuUsPerRequest), 'a window that served nothing has no CPU per request');
  });
});
