import type { TrialMetrics } from '../measure/types.js';
import type { CellSettings } from '../plan/types.js';
import type { MetricName, Unit } from './types.js';

interface MetricDefinition {
  unit: Unit;
  /** One trial's value of the metric; null where the trial could not know it (a span counter the probe cannot read). */
  read: (m: TrialMetrics) => number | null;
  /** What a person calls it in a report. */
  label: string;
  /** Cells where the metric means something; all when absent. */
  appliesTo?: (settings: CellSettings) => boolean;
  /** Held against an absolute limit round by round, like a count, instead of through an interval. */
  perRound?: boolean;
}

/** Exporters that send to the sink, so `exported − received` counts spans lost on the way. */
const SINK_EXPORTERS: readonly string[] = ['otlp-http-protobuf', 'otlp-http-json', 'zipkin'];

/** Every judged metric, in report order; latency is the corrected (from intended send time) histogram. */
export const METRICS: Record<MetricName, MetricDefinition> = {
  cpuUsPerRequest: { unit: 'µs', read: (m) => m.cpuUsPerRequest, label: 'CPU µs/request' },
  'latencyUs.p50': { unit: 'µs', read: (m) => m.latencyUs.corrected.p50, label: 'latency p50' },
  'latencyUs.p99': { unit: 'µs', read: (m) => m.latencyUs.corrected.p99, label: 'latency p99' },
  'latencyUs.p999': { unit: 'µs', read: (m) => m.latencyUs.corrected.p999, label: 'latency p99.9' },
  rssPeakBytes: { unit: 'bytes', read: (m) => m.rssPeakBytes, label: 'peak RSS' },
  gcPauseMs: { unit: 'ms', read: (m) => m.gcPauseMs.total, label: 'GC pause total' },
  'eventLoopDelayUs.p99': { unit: 'µs', read: (m) => m.eventLoopDelayUs.p99, label: 'event-loop delay p99' },
  'spans.dropped': { unit: 'spans', read: (m) => m.spans.dropped, label: 'spans dropped' },
  'spans.failed': { unit: 'spans', read: (m) => m.spans.failed, label: 'spans failed to export' },
  'spans.lostInTransit': {
    unit: 'spans',
    read: (m) => (m.spans.exported === null ? null : m.spans.exported - m.spans.received),
    label: 'spans lost in transit',
    // With exporter none or console nothing reaches the sink, so every exported span would read as lost.
    appliesTo: (s) => s.tracing === 'sdk' && s.exporter !== null && SINK_EXPORTERS.includes(s.exporter),
  },
  // A leak is a fact of the round it happens in: one round growing past the bound fails, as one dropped span does.
  rssGrowthBytesPerMinute: {
    unit: 'bytes',
    read: (m) => m.rssGrowthBytesPerMinute ?? null,
    label: 'RSS growth per minute',
    perRound: true,
  },
  'outage.latencyP99IncreaseUs': {
    unit: 'µs',
    read: (m) => m.outage?.latencyP99IncreaseUs ?? null,
    label: 'latency p99 increase during the outage',
  },
};

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function isMetricName(name: string): name is MetricName {
  return Object.hasOwn(METRICS, name);
}

/** Counts are facts of each round, not noisy samples of a level: a single dropped span is a dropped span. */
export function isCount(metric: MetricName): boolean {
  return METRICS[metric].unit === 'spans';
}

/** Absolute limits on these are held against every round (counts, and metrics marked `perRound`). */
export function judgedPerRound(metric: MetricName): boolean {
  return isCount(metric) || METRICS[metric].perRound === true;
}

/** True when the metric means something for a cell with these settings. */
export function appliesTo(metric: MetricName, settings: CellSettings): boolean {
  return METRICS[metric].appliesTo?.(settings) ?? true;
}
