import { SINK_EXPORTERS } from '../config/vocabulary.js';
import type { TrialMetrics } from '../results/types.js';
import type { CellSettings } from '../plan/types.js';
import { METRIC_NAMES, METRIC_UNITS, type MetricName, type Unit } from './types.js';

export { METRIC_NAMES };

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

/** Every judged metric; latency is the corrected (from intended send time) histogram. */
const DEFINITIONS: Record<MetricName, Omit<MetricDefinition, 'unit'>> = {
  cpuUsPerRequest: { read: (m) => m.cpuUsPerRequest, label: 'CPU µs/request' },
  'latencyUs.p50': { read: (m) => m.latencyUs.corrected.p50, label: 'latency p50' },
  'latencyUs.p99': { read: (m) => m.latencyUs.corrected.p99, label: 'latency p99' },
  'latencyUs.p999': { read: (m) => m.latencyUs.corrected.p999, label: 'latency p99.9' },
  rssPeakBytes: { read: (m) => m.rssPeakBytes, label: 'peak RSS' },
  'gc.pauseTotalMs': { read: (m) => m.gc.pauseTotalMs, label: 'GC pause total' },
  'eventLoopDelayUs.p99': { read: (m) => m.eventLoopDelayUs.p99, label: 'event-loop delay p99' },
  'spans.dropped': { read: (m) => m.spans.dropped, label: 'spans dropped' },
  'spans.failed': { read: (m) => m.spans.failed, label: 'spans failed to export' },
  'spans.lostInTransit': {
    read: (m) => (m.spans.exported === null ? null : m.spans.exported - m.spans.received),
    label: 'spans lost in transit',
    // With exporter none or console nothing reaches the sink, so every exported span would read as lost.
    appliesTo: (s) => s.tracing === 'sdk' && s.exporter !== null && SINK_EXPORTERS.includes(s.exporter),
  },
  // A leak is a fact of the round it happens in: one round growing past the bound fails, as one dropped span does.
  rssGrowthBytesPerMinute: {
    read: (m) => m.rssGrowthBytesPerMinute ?? null,
    label: 'RSS growth per minute',
    perRound: true,
  },
  'outage.latencyP99IncreaseUs': {
    read: (m) => m.outage?.latencyP99IncreaseUs ?? null,
    label: 'latency p99 increase during the outage',
  },
};

export const METRICS = Object.fromEntries(
  METRIC_NAMES.map((name) => [name, { unit: METRIC_UNITS[name], ...DEFINITIONS[name] }]),
) as Record<MetricName, MetricDefinition>;

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
