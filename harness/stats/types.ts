/** Metrics the analysis judges; dotted names follow results.json. */
export type MetricName =
  | 'cpuUsPerRequest'
  | 'latencyUs.p50'
  | 'latencyUs.p99'
  | 'latencyUs.p999'
  | 'rssPeakBytes'
  | 'gcPauseMs'
  | 'eventLoopDelayUs.p99'
  | 'spans.dropped'
  | 'spans.lostInTransit';

export type Unit = 'µs' | 'bytes' | 'ms' | 'spans';

/** A two-sided confidence interval. */
export interface Interval {
  low: number;
  high: number;
  /** e.g. 0.95 */
  level: number;
}

export interface Estimate {
  estimate: number;
  ci: Interval;
}

export interface MetricAnalysis {
  metric: MetricName;
  unit: Unit;
  /** Median over the rounds' ok trials of this cell. */
  median: number;
  /** Per-round values (ok trials), in round order, for charts and re-analysis. */
  values: { round: number; value: number }[];
  /** Change against the reference (baseline cell, or base variant), paired by round; null for the reference itself or with no pairs. */
  overhead: null | {
    /** In the metric's unit, e.g. µs of CPU per request. */
    absolute: Estimate;
    /** As a fraction: 0.1 is +10%. */
    relative: Estimate;
    pairedRounds: number;
  };
}

export interface CellAnalysis {
  cellId: string;
  variant?: string;
  /** The cell (and variant) overheads are measured against. */
  referenceCellId: string;
  referenceVariant?: string;
  metrics: Partial<Record<MetricName, MetricAnalysis>>;
}

export interface Analysis {
  /** Seed of the bootstrap; the same results and seed give the same analysis. */
  seed: number;
  level: number;
  cells: CellAnalysis[];
}
