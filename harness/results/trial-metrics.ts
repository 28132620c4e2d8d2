import type { OutageSetting } from '../config/types.js';
import type { OpenLoopResult } from '../load/types.js';
import type { ProbeSpanReport, ProbeWindowReport } from '../probe/protocol.js';
import { sumThreadCpu } from '../probe/thread-cpu.js';
import type { ReceivedSpan, SinkOutage, SinkStats, TailStats } from '../sink/types.js';
import { TRUTH_ATTRIBUTES, type WorkloadShape } from '../../workloads/shape/types.js';
import { measureCoverage, servicesByRoute } from './coverage.js';
import { growthSpanMs, memoryGrowth, outageMetrics } from './outage.js';
import { sumSpanCounts } from './span-counts.js';
import { traceIntegrity } from './trace-integrity.js';
import type { ServiceMetrics, SpanAttribution, TrialMetrics } from './types.js';

/** Request ids of the warm-up and of the measured window differ in their first letters: coverage counts the window's. */
export const WARMUP_ID_PREFIX = 'w';
export const WINDOW_ID_PREFIX = 'm';

/** The kept spans of the window's requests: traces that carry a warm-up request id are left out. */
function windowSpans(spans: ReceivedSpan[]): ReceivedSpan[] {
  const warmup = new Set<string>();
  for (const s of spans) {
    const id = s.attributes[TRUTH_ATTRIBUTES.requestId];
    if (typeof id === 'string' && id.startsWith(WARMUP_ID_PREFIX)) warmup.add(s.traceId);
  }
  return warmup.size === 0 ? spans : spans.filter((s) => !warmup.has(s.traceId));
}

export interface Measured {
  name: string;
  report: ProbeWindowReport;
  spans: ProbeSpanReport;
}

/**
 * The window's CPU less the probe's own timed work (its series points, and in traced cells the SDK metrics it collects
 * for the queue depth: ~0.7 ms a point, ~0.5% of a traced user-api at 500 req/s): what the service itself used.
 */
export function serviceCpuUs(report: ProbeWindowReport): number {
  return Math.max(0, report.cpuUserUs + report.cpuSystemUs - report.probeCpuUs);
}

function serviceMetrics(m: Measured, entryRequests: number): ServiceMetrics {
  const cpuUs = serviceCpuUs(m.report);
  const { tracing: _t, drained: _d, failureReasons: _f, source: _s, exportCallsMaxConcurrent: _x, ...spans } = m.spans;
  return {
    cpuUs,
    cpuUsPerRequest: entryRequests > 0 ? cpuUs / entryRequests : Number.NaN,
    requests: m.report.requests,
    rssPeakBytes: m.report.rssPeakBytes,
    heapUsedPeakBytes: m.report.heapUsedPeakBytes,
    gc: m.report.gc,
    eventLoopDelayUs: m.report.eventLoopDelayUs,
    spans,
  };
}

/** One probe report for the trial: CPU, memory and spans added up over the services; the entry's loop and series. */
/** The largest known value (a lower bound when some services' are unknown); null when none is known. */
function maxKnown(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length > 0 ? Math.max(...known) : null;
}

export function combine(measured: Measured[]): { window: ProbeWindowReport; spans: ProbeSpanReport } {
  const entry = measured[measured.length - 1];
  const sum = (pick: (m: Measured) => number) => measured.reduce((t, m) => t + pick(m), 0);
  const window: ProbeWindowReport = {
    ...entry.report,
    cpuUserUs: sum((m) => m.report.cpuUserUs),
    cpuSystemUs: sum((m) => m.report.cpuSystemUs),
    rssStartBytes: sum((m) => m.report.rssStartBytes),
    rssPeakBytes: sum((m) => m.report.rssPeakBytes),
    rssEndBytes: sum((m) => m.report.rssEndBytes),
    heapUsedPeakBytes: sum((m) => m.report.heapUsedPeakBytes),
    heapUsedEndBytes: sum((m) => m.report.heapUsedEndBytes),
    gc: {
      pauseCount: sum((m) => m.report.gc.pauseCount),
      pauseTotalMs: sum((m) => m.report.gc.pauseTotalMs),
      pauseMaxMs: Math.max(...measured.map((m) => m.report.gc.pauseMaxMs)),
    },
    probeCpuUs: sum((m) => m.report.probeCpuUs),
    threadCpuUs: sumThreadCpu(measured.map((m) => m.report)),
  };
  const failureReasons: Record<string, number> = {};
  for (const m of measured)
    for (const [reason, n] of Object.entries(m.spans.failureReasons))
      failureReasons[reason] = (failureReasons[reason] ?? 0) + n;
  const sources = new Set(measured.map((m) => m.spans.source ?? (m.spans.tracing ? 'tracebench' : 'none')));
  const spans: ProbeSpanReport = {
    tracing: measured.some((m) => m.spans.tracing),
    // The least certain source names the sum: one foreign service makes the trial's counts the probe's.
    source: sources.has('probe') ? 'probe' : sources.has('tracebench') ? 'tracebench' : 'none',
    drained: measured.every((m) => m.spans.drained),
    failureReasons,
    exportCallsMaxConcurrent: maxKnown(measured.map((m) => m.spans.exportCallsMaxConcurrent)),
    ...sumSpanCounts(measured.map((m) => m.spans)),
  };
  return { window, spans };
}

/** The sink as the trial reads it: own counts and spans right after the drain, late tallies at the trial's very end. */
export interface SinkReading {
  stats: SinkStats;
  spans: ReceivedSpan[];
  tail: TailStats | undefined;
  /** Read last, so late spans that land during a saturation run are reported too. */
  atEnd: SinkStats;
  /** The outage as the sink ran it, read right after the window: the drain's exports are no recovery. */
  outage?: SinkOutage;
}

function attributionOf(reading: SinkReading): SpanAttribution {
  return {
    unattributedSpans: reading.stats.spansUnattributed,
    pendingSpans: reading.stats.spansPending,
    lateFromEarlierTrials: reading.atEnd.spansLate,
    strayLateSpans: reading.atEnd.spansStray,
    unknownTrialSpans: reading.atEnd.spansUnknownTrial,
  };
}

/** What a trial's metrics need from the run besides its measurements. */
export interface TrialMetricsContext {
  /** The backend outage of `sink.outage`, when the config has one. */
  outage?: OutageSetting;
  /** True when the service is the reference one, whose spans carry the truth attributes coverage reads. */
  referenceService: boolean;
  workload: WorkloadShape;
}

/**
 * A trial's metrics from what its parts measured: the generator's result, each service's probe report (the entry
 * last), and the sink as read after the drain. Pure: unit-tested with fixture reports.
 */
export function metricsOf(
  ctx: TrialMetricsContext,
  load: OpenLoopResult,
  measured: Measured[],
  sink: SinkReading,
  maxThroughputRps?: number,
): TrialMetrics {
  const { window, spans } = combine(measured);
  const { stats, tail } = sink;
  const kept = windowSpans(sink.spans);
  const cpuUs = serviceCpuUs(window);
  const { outage } = ctx;
  return {
    cpuUsPerRequest: window.requests > 0 ? cpuUs / window.requests : Number.NaN,
    cpuUserUs: window.cpuUserUs,
    cpuSystemUs: window.cpuSystemUs,
    requests: window.requests,
    windowMs: window.windowMs,
    targetRps: load.targetRps,
    achievedRps: load.achievedRps,
    latencyUs: { corrected: load.latencyCorrectedUs, uncorrected: load.latencyUncorrectedUs },
    sendLagUs: load.sendLagUs,
    load: {
      sent: load.sent,
      ok: load.ok,
      httpErrors: load.httpErrors,
      expectedErrors: load.expectedErrors,
      socketErrors: load.socketErrors,
      timeouts: load.timeouts,
      generatorEluMax: load.generatorEluMax,
      realtime: load.realtime,
    },
    truth: load.truth,
    services: Object.fromEntries(measured.map((m) => [m.name, serviceMetrics(m, window.requests)])),
    ...(kept.length > 0 ? { traces: traceIntegrity(kept, WINDOW_ID_PREFIX) } : {}),
    // Coverage reads the reference service's own spans (their truth attributes); a NodeSDK's spans carry none.
    ...(ctx.referenceService && spans.tracing && spans.source !== 'probe'
      ? {
          coverage: measureCoverage({
            truth: load.truth,
            keptSpans: kept,
            windowSeconds: window.windowMs / 1000,
            exported: { spans: stats.spansReceived, bytes: stats.bytesReceived },
            servicesByRoute: servicesByRoute(ctx.workload),
          }),
        }
      : {}),
    ...(tail ? { tail } : {}),
    rssPeakBytes: window.rssPeakBytes,
    rssStartBytes: window.rssStartBytes,
    heapUsedPeakBytes: window.heapUsedPeakBytes,
    gc: window.gc,
    eventLoopDelayUs: window.eventLoopDelayUs,
    spans: {
      started: spans.started,
      sampled: spans.sampled,
      ended: spans.ended,
      exported: spans.exported,
      failed: spans.failed,
      dropped: spans.dropped,
      queuedAtEnd: spans.queuedAtEnd,
      received: stats.spansReceived,
    },
    sink: {
      requests: stats.requests,
      bytes: stats.bytesReceived,
      rejectedRequests: stats.rejectedRequests,
      uncompressedBytes: stats.bytesUncompressed,
    },
    spanAttribution: attributionOf(sink),
    probeCpuUs: window.probeCpuUs,
    ...(window.threadCpuUs !== undefined ? { threadCpuUs: window.threadCpuUs } : {}),
    ...(maxThroughputRps !== undefined ? { maxThroughputRps } : {}),
    series: window.series,
    ...memoryGrowth(window.series, growthSpanMs(window.windowMs, outage)),
    ...(outage ? { outage: outageMetrics(outage, load.phases, sink.outage, stats) } : {}),
    histograms: load.histograms,
  };
}
