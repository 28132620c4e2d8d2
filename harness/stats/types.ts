export type Unit = 'µs' | 'bytes' | 'ms' | 'spans';

/** Metrics the analysis judges with their units, in report order; dotted names follow results.json. */
export const METRIC_UNITS = {
  cpuUsPerRequest: 'µs',
  'latencyUs.p50': 'µs',
  'latencyUs.p99': 'µs',
  'latencyUs.p999': 'µs',
  rssPeakBytes: 'bytes',
  'gc.pauseTotalMs': 'ms',
  'eventLoopDelayUs.p99': 'µs',
  'spans.dropped': 'spans',
  'spans.failed': 'spans',
  'spans.lostInTransit': 'spans',
  rssGrowthBytesPerMinute: 'bytes',
  'outage.latencyP99IncreaseUs': 'µs',
} as const satisfies Record<string, Unit>;

export type MetricName = keyof typeof METRIC_UNITS;

export const METRIC_NAMES = Object.keys(METRIC_UNITS) as MetricName[];

/** Judged metrics renamed since results schemaVersion 1, by their old name: still read in budgets and old results. */
export const RENAMED_METRICS: Readonly<Record<string, MetricName>> = { gcPauseMs: 'gc.pauseTotalMs' };

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
  /**
   * What the interval was drawn from, so a reader (or `roundsToSettle`) can tell how many rounds would narrow it:
   * `n` values (rounds) with standard deviation `sd` on the `scale` the interval was computed on (`log`: natural log of
   * the values or ratios; `linear`: the metric's unit).
   */
  basis: {
    n: number;
    sd: number;
    scale: 'log' | 'linear';
    /** Degrees of freedom of the interval's critical value, where they are not n − 1 (read by `resolutionOf`). */
    df?: number;
  };
}

/** How intervals are drawn. Only one today; named so a report can say it. */
export type IntervalMethod = 'student-t';

export interface MetricAnalysis {
  metric: MetricName;
  unit: Unit;
  /** Median over the rounds' ok trials of this cell; NaN (null in JSON) when no trial counted. */
  median: number;
  /** Per-round values (ok trials), in round order, for charts and re-analysis. */
  values: { round: number; value: number }[];
  /** Rounds whose value was unknown (a span counter the service's SDK does not expose): left out of `values`, never 0. */
  unknownRounds?: number;
  /**
   * The metric's own typical value with a CI, for absolute limits (`latencyUs.p99: < 5ms`): the geometric mean over rounds
   * with a t-interval on log values when every value is positive, else the arithmetic mean. Null with fewer than 2 rounds.
   */
  level: Estimate | null;
  /**
   * Change against the reference (baseline cell, or base variant), paired by round; null for the reference itself, with
   * fewer than 2 paired rounds (no interval can be drawn), or when the reference is missing.
   */
  overhead: null | {
    /** In the metric's unit, e.g. µs of CPU per request: mean of the per-round differences. */
    absolute: Estimate;
    /**
     * As a fraction (0.1 is +10%): geometric mean of the per-round ratios, minus 1. Null when a paired round has a value
     * of 0 or less on either side (a ratio means nothing there, e.g. `spans.dropped` against the baseline's 0).
     */
    relative: Estimate | null;
    pairedRounds: number;
  };
}

export interface CellAnalysis {
  cellId: string;
  variant?: string;
  /** The cell (and variant) overheads are measured against. */
  referenceCellId: string;
  referenceVariant?: string;
  /** Rounds with an ok trial of this cell (and variant). */
  rounds: number;
  metrics: Partial<Record<MetricName, MetricAnalysis>>;
}

export interface Analysis {
  /** Recorded with the analysis; the t-interval itself draws no random numbers, so the same results always give the same analysis. */
  seed: number;
  level: number;
  method: IntervalMethod;
  /** The base variant of a same-run A/B; absent for a matrix run. */
  referenceVariant?: string;
  cells: CellAnalysis[];
}

/** Options of `analyse`. */
export interface AnalyseOptions {
  /** Recorded in the analysis. @default results.seed */
  seed?: number;
  /** Confidence level of every interval. @default 0.95 */
  level?: number;
  reference?: {
    /** The cell overheads are measured against in a matrix run. @default the cell with tracing off (`baseline`) */
    cellId?: string;
    /** The base variant of a same-run A/B. @default config.variants[0], else the first variant in trial order */
    variant?: string;
  };
}
