import { SINK_EXPORTERS } from '../config/vocabulary.js';
import { median } from '../stats/interval.js';
import { summariseCoverage } from './coverage-summary.js';
import { medianCount, SPAN_COUNT_KEYS } from './span-counts.js';
import type { CellResult, CellSummary, ServiceSummary, SpanFate, TrialMetrics, TrialRecord } from './types.js';

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
  const withCoverage = ok.flatMap((m) =>
    m.coverage
      ? [{ coverage: m.coverage, ...(m.tail ? { tail: m.tail } : {}), requestsWhole: m.traces?.requestsWhole ?? 0 }]
      : [],
  );
  const med2 = <T>(xs: T[], pick: (x: T) => number) => median(xs.map(pick));
  const reachedSink = ok.filter((m) => m.spans.received > 0);
  const uncompressed = reachedSink.flatMap((m) =>
    m.sink.uncompressedBytes === undefined ? [] : [m.sink.uncompressedBytes / m.spans.received],
  );
  return {
    trials: ok.length,
    invalidTrials,
    failedTrials,
    cpuUsPerRequest: med((m) => m.cpuUsPerRequest),
    latencyUs: { corrected: percentiles('corrected'), uncorrected: percentiles('uncorrected') },
    achievedRps: med((m) => m.achievedRps),
    rssPeakBytes: med((m) => m.rssPeakBytes),
    heapUsedPeakBytes: med((m) => m.heapUsedPeakBytes),
    gc: {
      pauseCount: med((m) => m.gc.pauseCount),
      pauseTotalMs: med((m) => m.gc.pauseTotalMs),
      pauseMaxMs: med((m) => m.gc.pauseMaxMs),
    },
    eventLoopDelayUs: {
      p50: med((m) => m.eventLoopDelayUs.p50),
      p99: med((m) => m.eventLoopDelayUs.p99),
      max: med((m) => m.eventLoopDelayUs.max),
    },
    spans: {
      ...(Object.fromEntries(SPAN_COUNT_KEYS.map((k) => [k, medianCount(ok.map((m) => m.spans[k]))])) as Omit<
        SpanFate,
        'received'
      >),
      received: med((m) => m.spans.received),
    },
    ...(saturation.length > 0 ? { maxThroughputRps: median(saturation.map((m) => m.maxThroughputRps!)) } : {}),
    ...(perService(ok) ? { services: perService(ok) } : {}),
    ...(reachedSink.length > 0
      ? {
          sink: {
            wireBytesPerSpan: med2(reachedSink, (m) => m.sink.bytes / m.spans.received),
            uncompressedBytesPerSpan: uncompressed.length === reachedSink.length ? median(uncompressed) : null,
          },
        }
      : {}),
    ...(withCoverage.length > 0 ? { coverage: summariseCoverage(withCoverage) } : {}),
    ...(withTraces.length > 0
      ? {
          traces: {
            requestsSeen: med2(withTraces, (t) => t.requestsSeen),
            requestsWhole: med2(withTraces, (t) => t.requestsWhole),
            requestsSplit: med2(withTraces, (t) => t.requestsSplit),
            broken: med2(withTraces, (t) => t.broken),
          },
        }
      : {}),
  };
}

/** Per service: medians of CPU per (entry) request and peak RSS, when the trials measured more than one process. */
function perService(ok: TrialMetrics[]): Record<string, ServiceSummary> | undefined {
  const names = new Set(ok.flatMap((m) => Object.keys(m.services ?? {})));
  if (names.size < 2) return undefined;
  return Object.fromEntries(
    [...names].map((name) => {
      const own = ok.flatMap((m) => (m.services?.[name] ? [m.services[name]] : []));
      return [
        name,
        {
          cpuUsPerRequest: median(own.map((s) => s.cpuUsPerRequest)),
          rssPeakBytes: median(own.map((s) => s.rssPeakBytes)),
        },
      ];
    }),
  );
}

/** Longest reason a cell-level error or warning carries into a view. */
const MAX_REASON_CHARS = 600;
const clip = (text: string) => (text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS)}…` : text);
const distinct = (texts: string[], at = 2) => {
  const unique = [...new Set(texts)];
  return unique.length > at
    ? [...unique.slice(0, at), `${unique.length - at} other reason${unique.length - at === 1 ? '' : 's'}`]
    : unique;
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Why a cell has nothing valid to judge, or undefined when a trial counted (or none ran yet): how many trials were
 * invalid (with the failed-request counts and the first validity reason of each) and how many crashed (with the error).
 * A trial's first warning is its first validity reason: checkTrial lists those before plain warnings.
 */
export function noValidTrialReason(trials: readonly TrialRecord[]): string | undefined {
  if (trials.length === 0 || trials.some((t) => t.status === 'ok')) return undefined;
  const invalid = trials.flatMap((t) => (t.status === 'invalid' ? [t] : []));
  const failed = trials.flatMap((t) => (t.status === 'failed' ? [t] : []));
  const parts: string[] = [];
  if (invalid.length > 0) {
    const total = (pick: (m: TrialMetrics) => number) => invalid.reduce((sum, t) => sum + (pick(t.metrics) || 0), 0);
    const sent = total((m) => m.load.sent);
    const counts = [
      ['timeouts', total((m) => m.load.timeouts)],
      ['HTTP errors', total((m) => m.load.httpErrors)],
      ['socket errors', total((m) => m.load.socketErrors)],
    ].flatMap(([name, n]) => ((n as number) > 0 ? [`${name}: ${n} of ${sent} requests`] : []));
    const reasons = distinct(invalid.flatMap((t) => (t.warnings[0] ? [t.warnings[0]] : [])));
    parts.push(
      `${invalid.length} of ${plural(trials.length, 'trial')} invalid (${[...counts, ...reasons].join('; ') || 'a validity check failed'})`,
    );
  }
  if (failed.length > 0)
    parts.push(
      `${failed.length} of ${plural(trials.length, 'trial')} crashed: ${distinct(failed.map((t) => t.error)).join('; ')}`,
    );
  return clip(`no valid trial: ${parts.join('; ')}`);
}

/**
 * A traced cell whose measured trials saw no span at all (none started, none reached the sink): the service most likely
 * has no SDK (a custom `service.entry` that never sets one up), so its "overhead" measures nothing. Undefined otherwise.
 */
export function uninstrumentedWarning(cell: Pick<CellResult, 'settings' | 'trials'>): string | undefined {
  if (cell.settings.tracing !== 'sdk' || cell.settings.recordOnly) return undefined;
  const measured = cell.trials.flatMap((t) => (t.status === 'failed' ? [] : [t.metrics.spans]));
  if (measured.length === 0) return undefined;
  const none = (n: number | null | undefined) => n === null || n === undefined || n === 0;
  if (!measured.every((s) => none(s.started) && none(s.received))) return undefined;
  // With an exporter that never reaches the sink, only a known 0 started spans says anything.
  const reachesSink = cell.settings.exporter !== null && SINK_EXPORTERS.includes(cell.settings.exporter);
  if (!reachesSink && !measured.some((s) => s.started === 0)) return undefined;
  return `the service may not be instrumented: ${reachesSink ? '0 spans reached the sink' : '0 spans were started'} in ${plural(measured.length, 'trial')} of a traced cell, so its overhead measures no tracing; set up the OpenTelemetry SDK in service.entry (or use the reference service)`;
}
