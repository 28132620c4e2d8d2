import { median } from '../stats/interval.js';
import { summariseCoverage } from './coverage-summary.js';
import { medianCount, SPAN_COUNT_KEYS } from './span-counts.js';
import type { CellSummary, ServiceSummary, SpanFate, TrialMetrics, TrialRecord } from './types.js';

/** Medians over rounds of each figure, from the trials that counted; null when none did. */
export function summariseCell(trials: TrialRecord[]): CellSummary | null {
  const ok = trials.flatMap((t) => (t.status === 'ok' ? [t.metrics] : []));
  const invalidTrials = trials.filter((t) => t.status === 'invalid').length;
  const failedTrials = trials.filter((t) => t.status === 'failed').length;
  if (ok.length === 0) return null;
  const med = (pick: (m: TrialMetrics) => number) => median(ok.map(pick));
  const percentiles = (side: 'corrected' | 'uncorrected') => ({
    p50: med((m) => m.latencyUs[side].p50),
    p90: med((m) => m.latencyUs[side].p90),
    p99: med((m) => m.latencyUs[side].p99),
    p999: med((m) => m.latencyUs[side].p999),
    max: med((m) => m.latencyUs[side].max),
  });
  const saturation = ok.filter((m) => m.maxThroughputRps !== undefined);
  const withTraces = ok.flatMap((m) => (m.traces ? [m.traces] : []));
  const withCoverage = ok.flatMap((m) => (m.coverage ? [{ coverage: m.coverage, ...(m.tail ? { tail: m.tail } : {}), requestsWhole: m.traces?.requestsWhole ?? 0 }] : []));
  const med2 = <T>(xs: T[], pick: (x: T) => number) => median(xs.map(pick));
  return {
    trials: ok.length,
    invalidTrials,
    failedTrials,
    cpuUsPerRequest: med((m) => m.cpuUsPerRequest),
    latencyUs: { corrected: percentiles('corrected'), uncorrected: percentiles('uncorrected') },
    achievedRps: med((m) => m.achievedRps),
    rssPeakBytes: med((m) => m.rssPeakBytes),
    heapUsedBytes: med((m) => m.heapUsedBytes),
    gcPauseMs: { count: med((m) => m.gcPauseMs.count), total: med((m) => m.gcPauseMs.total), max: med((m) => m.gcPauseMs.max) },
    eventLoopDelayUs: { p50: med((m) => m.eventLoopDelayUs.p50), p99: med((m) => m.eventLoopDelayUs.p99), max: med((m) => m.eventLoopDelayUs.max) },
    spans: { ...(Object.fromEntries(SPAN_COUNT_KEYS.map((k) => [k, medianCount(ok.map((m) => m.spans[k]))])) as Omit<SpanFate, 'received'>), received: med((m) => m.spans.received) },
    ...(saturation.length > 0 ? { maxThroughputRps: median(saturation.map((m) => m.maxThroughputRps!)) } : {}),
    ...(perService(ok) ? { services: perService(ok) } : {}),
    ...(withCoverage.length > 0 ? { coverage: summariseCoverage(withCoverage) } : {}),
    ...(withTraces.length > 0 ? { traces: { requestsSeen: med2(withTraces, (t) => t.requestsSeen), requestsWhole: med2(withTraces, (t) => t.requestsWhole), requestsSplit: med2(withTraces, (t) => t.requestsSplit), broken: med2(withTraces, (t) => t.broken) } } : {}),
  };
}

/** Per service: medians of CPU per (entry) request and peak RSS, when the trials measured more than one process. */
function perService(ok: TrialMetrics[]): Record<string, ServiceSummary> | undefined {
  const names = new Set(ok.flatMap((m) => Object.keys(m.services ?? {})));
  if (names.size < 2) return undefined;
  return Object.fromEntries(
    [...names].map((name) => {
      const own = ok.flatMap((m) => (m.services?.[name] ? [m.services[name]] : []));
      return [name, { cpuUsPerRequest: median(own.map((s) => s.cpuUsPerRequest)), rssPeakBytes: median(own.map((s) => s.rssPeakBytes)) }];
    }),
  );
}
