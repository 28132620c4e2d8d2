import type { Check, Verdicts } from '../../budget/types.js';
import type { CellResult, Results, TrialMetrics, TrialRecord } from '../../measure/types.js';
import type { Analysis, CellAnalysis, MetricAnalysis, MetricName } from '../../stats/types.js';

/** What the HTML report is a view of: the results, and when the run judged them, the analysis and verdicts. */
export interface HtmlReportInput {
  results: Results;
  /** Absent when the analysis stage did not run; charts then show ranges over rounds instead of confidence intervals. */
  analysis?: Analysis;
  /** Absent when no budget or regression check ran: the banner then says so. */
  verdicts?: Verdicts;
}

export type MeasuredTrial = Extract<TrialRecord, { status: 'ok' | 'invalid' }>;
export type FailedTrial = Extract<TrialRecord, { status: 'failed' }>;

export interface CellView {
  /** Position in results.cells; anchors and chart order follow it. */
  index: number;
  anchor: string;
  cell: CellResult;
  baseline: boolean;
  ok: MeasuredTrial[];
  invalid: MeasuredTrial[];
  failed: FailedTrial[];
}

export interface Model {
  input: HtmlReportInput;
  cells: CellView[];
  order: string[];
  baseline?: CellView;
  /** Variants seen in the trials, in first-seen order; empty for a run without variants. */
  variants: string[];
}

export function buildModel(input: HtmlReportInput): Model {
  const cells = input.results.cells.map((cell, index): CellView => ({
    index,
    anchor: `cell-${index}`,
    cell,
    baseline: cell.settings.tracing === 'off',
    ok: cell.trials.filter((t): t is MeasuredTrial => t.status === 'ok'),
    invalid: cell.trials.filter((t): t is MeasuredTrial => t.status === 'invalid'),
    failed: cell.trials.filter((t): t is FailedTrial => t.status === 'failed'),
  }));
  const variants = [...new Set(input.results.cells.flatMap((c) => c.trials.flatMap((t) => (t.variant === undefined ? [] : [t.variant]))))];
  return { input, cells, order: cells.map((c) => c.cell.id), baseline: cells.find((c) => c.baseline), variants };
}

/** Median of finite values; NaN when there are none. */
export function median(values: number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** One value per counted (ok) trial, in round order. */
export function roundValues(view: CellView, pick: (m: TrialMetrics) => number, variant?: string): { round: number; value: number }[] {
  return view.ok
    .filter((t) => variant === undefined || t.variant === variant)
    .map((t) => ({ round: t.round, value: pick(t.metrics) }))
    .filter((v) => Number.isFinite(v.value))
    .sort((a, b) => a.round - b.round);
}

export function cellAnalysis(model: Model, cellId: string, variant?: string): CellAnalysis | undefined {
  return model.input.analysis?.cells.find((c) => c.cellId === cellId && c.variant === variant);
}

export function metricAnalysis(model: Model, cellId: string, metric: MetricName, variant?: string): MetricAnalysis | undefined {
  return cellAnalysis(model, cellId, variant)?.metrics[metric];
}

/** A central value with whiskers, and where the whiskers came from. */
export interface Spread {
  median: number;
  low: number;
  high: number;
  /** `ci`: the analysis's confidence interval; `range`: min–max over rounds. */
  kind: 'ci' | 'range';
  rounds: number;
}

/**
 * CPU µs per request of a cell. With an analysis, the whiskers are the reference's median plus the paired overhead's
 * confidence interval: where this cell lies relative to the baseline; otherwise the range over rounds.
 */
export function cpuSpread(model: Model, view: CellView, variant?: string): Spread | null {
  const values = roundValues(view, (m) => m.cpuUsPerRequest, variant).map((v) => v.value);
  const analysed = cellAnalysis(model, view.cell.id, variant);
  const metric = analysed?.metrics.cpuUsPerRequest;
  if (metric && metric.overhead && analysed) {
    const reference = metricAnalysis(model, analysed.referenceCellId, 'cpuUsPerRequest', analysed.referenceVariant);
    if (reference && Number.isFinite(reference.median)) {
      const ci = metric.overhead.absolute.ci;
      return { median: metric.median, low: reference.median + ci.low, high: reference.median + ci.high, kind: 'ci', rounds: metric.values.length };
    }
  }
  if (values.length === 0) return null;
  return { median: metric?.median ?? median(values), low: Math.min(...values), high: Math.max(...values), kind: 'range', rounds: values.length };
}

/** Overhead of a cell over the baseline, relative (fraction) and absolute (µs). */
export interface Overhead {
  relative: { estimate: number; low: number; high: number };
  absoluteUs: { estimate: number; low: number; high: number };
  /** `ci` from the analysis; `range`: median and min–max of the per-round paired overheads. */
  kind: 'ci' | 'range';
  pairs: number;
}

/** CPU overhead over the baseline: the analysis's estimate when present, else paired by round from the trials. */
export function cpuOverhead(model: Model, view: CellView, variant?: string): Overhead | null {
  if (view.baseline) return null;
  const analysed = metricAnalysis(model, view.cell.id, 'cpuUsPerRequest', variant);
  if (analysed?.overhead) {
    const o = analysed.overhead;
    return {
      relative: { estimate: o.relative.estimate, low: o.relative.ci.low, high: o.relative.ci.high },
      absoluteUs: { estimate: o.absolute.estimate, low: o.absolute.ci.low, high: o.absolute.ci.high },
      kind: 'ci',
      pairs: o.pairedRounds,
    };
  }
  if (!model.baseline) return null;
  const base = new Map(roundValues(model.baseline, (m) => m.cpuUsPerRequest, variant).map((v) => [v.round, v.value]));
  const pairs = roundValues(view, (m) => m.cpuUsPerRequest, variant).flatMap((v) => {
    const b = base.get(v.round);
    return b === undefined || !(b > 0) ? [] : [{ rel: v.value / b - 1, abs: v.value - b }];
  });
  if (pairs.length === 0) return null;
  const rel = pairs.map((p) => p.rel);
  const abs = pairs.map((p) => p.abs);
  return {
    relative: { estimate: median(rel), low: Math.min(...rel), high: Math.max(...rel) },
    absoluteUs: { estimate: median(abs), low: Math.min(...abs), high: Math.max(...abs) },
    kind: 'range',
    pairs: pairs.length,
  };
}

/** Checks in the order a reader needs them: failures first, then inconclusive, then passes. */
export function orderedChecks(verdicts: Verdicts | undefined): Check[] {
  const rank = { fail: 0, inconclusive: 1, pass: 2 } as const;
  return [...(verdicts?.checks ?? [])].sort((a, b) => rank[a.verdict] - rank[b.verdict]);
}

/** Budget checks of CPU per request, by cell, for the overhead chart's budget line and bar colours. */
export function cpuBudgetChecks(model: Model): Check[] {
  return (model.input.verdicts?.checks ?? []).filter((c) => c.kind === 'budget' && c.metric === 'cpuUsPerRequest' && c.variant === undefined);
}

/** The trial a reader should look inside: the most spans dropped, else the highest CPU per request. */
export function worstTrial(view: CellView): MeasuredTrial | undefined {
  const trials = [...view.ok, ...view.invalid].filter((t) => t.metrics.series.length > 0);
  return trials.sort((a, b) => b.metrics.spans.dropped - a.metrics.spans.dropped || b.metrics.cpuUsPerRequest - a.metrics.cpuUsPerRequest)[0];
}

export function hasDrops(view: CellView): boolean {
  return [...view.ok, ...view.invalid].some((t) => t.metrics.spans.dropped > 0);
}
