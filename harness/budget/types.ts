import type { MetricName, Unit } from '../stats/types.js';

/** The micro-benchmark metric budgets and compare judge: a task's timer-corrected median ns per operation. */
export const MICRO_METRIC = 'micro.nsPerOp';
export type MicroMetricName = typeof MICRO_METRIC;

/** Coverage metrics (sampling study): the share of the window's requests whose traces the backend kept. */
export const COVERAGE_METRICS = ['coverage.traces', 'coverage.errors', 'coverage.slow', 'coverage.whole'] as const;
export type CoverageMetricName = (typeof COVERAGE_METRICS)[number];

/** What a budget may limit: a cell metric, a micro-benchmark task's ns/op, or a coverage fraction. */
export type BudgetMetric = MetricName | MicroMetricName | CoverageMetricName;

/**
 * Every check ends in one of four words; never a bare number. `error`: nothing valid was measured to judge (every trial
 * of the cell, or of the reference it is compared with, was invalid or crashed): the run failed, not the budget.
 */
export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'error';

export interface Check {
  /** Stable, unique id, e.g. `budget[0]:cpuUsPerRequest:always_on~batch~otlp-http-protobuf`, `ab:cpuUsPerRequest:baseline@head`. */
  id: string;
  /** `cell`: a cell with no valid trial, whether or not a budget or comparison covers it. */
  kind: 'budget' | 'regression' | 'ab' | 'cell';
  cellId: string;
  variant?: string;
  metric: MetricName | string;
  verdict: Verdict;
  /**
   * The estimate and its interval in `unit`. For `%` the numbers are percent points (12.5 is +12.5%). For a count judged
   * on every round (`judgedOn: 'rounds'`), estimate is the worst round and low/high are the smallest and largest round.
   * NaN when nothing could be measured (the check is then inconclusive, or error when no trial was valid).
   */
  measured: { estimate: number; low: number; high: number; unit: Unit | '%'; level: number };
  /** What `measured` is: the metric's own value, or its change against the reference (budget) or base (regression, ab). */
  of: 'value' | 'change';
  /** The limit as written (`+10%`, `< 5ms`, `0`) and as a number in `measured`'s unit. */
  limit: { text: string; value: number };
  /** `interval`: the CI decided; `rounds`: every round's value was held against the limit (counts, or no spread). */
  judgedOn: 'interval' | 'rounds';
  /** One sentence a person can act on. */
  message: string;
  /** For inconclusive checks: total rounds that would likely settle it (80% power), when adding rounds can. */
  roundsToSettle?: number;
  /**
   * What this run could see: the smallest change of the metric its interval would detect at `level` confidence with
   * `power` (minimum detectable change, from the check's own interval). `%` for a change judged on a log scale, else
   * `measured`'s unit. Null when unknown: judged on rounds, nothing measured, or an interval with no spread.
   */
  resolution: CheckResolution | null;
  /** Set when the two sides of the check were measured on different machines (shards of merged runs). */
  crossMachine?: CrossMachine;
  /** `windows`: a comparison by the windows method, its interval over window pairs nested in process sets, not rounds. */
  method?: 'windows';
}

/** A comparison between cells measured on different machines: never paired, and noisier by what the machines differ. */
export interface CrossMachine {
  /** Hostname (and shard) each side was measured on. */
  base: string;
  head: string;
  /** How far the two machines' own baselines differ on the metric, in percent: noise the interval cannot see. Null when unknown. */
  baselineShiftPercent: number | null;
}

export interface CheckResolution {
  /** ±value: percent points for `%` (4.2 is ±4.2%). */
  value: number;
  unit: Unit | '%';
  level: number;
  power: number;
}

export interface Verdicts {
  checks: Check[];
  counts: Record<Verdict, number>;
  /** Warnings about the comparison itself (crossing machines, few rounds, budgets that matched nothing). */
  notes: string[];
}

/** Scopes a budget to cells; every given key must match. */
export interface BudgetWhere {
  /** Cell ids; `*` matches any run of characters (`always_on~*`). */
  cell?: string[];
  /** Sampler types (`parentbased_traceidratio`); the baseline has no sampler and never matches. */
  sampler?: string[];
  processor?: ('simple' | 'batch')[];
  exporter?: string[];
  variant?: string[];
  /** Micro-benchmark suites (`span`, `propagation`...); only with `micro.nsPerOp` limits. */
  suite?: string[];
  /** Micro-benchmark tasks, as `suite/task` or the task name alone; `*` matches any run of characters. Only with `micro.nsPerOp`. */
  task?: string[];
}

/**
 * A parsed limit. `relative`: upper bound on the overhead against the reference as a fraction (`+10%` → 0.1).
 * `overhead`: upper bound on the overhead in the metric's unit (`+50µs`). `absolute`: bound on the metric's own value in
 * its unit (`< 5ms` → 5000 for a µs metric); `strict` for `<`.
 */
export type Limit = (
  | { kind: 'relative'; text: string; value: number; strict: boolean }
  | { kind: 'overhead'; text: string; value: number; strict: boolean }
  | { kind: 'absolute'; text: string; value: number; strict: boolean }
  /** A lower bound on a coverage fraction (`>= 99%` → 0.99); `strict` for `>`. */
  | { kind: 'atLeast'; text: string; value: number; strict: boolean }
) & {
  /** The metric's old name, when the budget was written with it (RENAMED_METRICS); the verdicts then say so. */
  writtenAs?: string;
};

export interface Budget {
  where: BudgetWhere;
  limits: Partial<Record<BudgetMetric, Limit>>;
}
