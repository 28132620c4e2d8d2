import type { Check, Verdicts } from '../../budget/types.js';
import type { CellResult, Results, TrialMetrics, TrialRecord } from '../../results/types.js';
import type { Analysis, CellAnalysis, MetricAnalysis, MetricName } from '../../stats/types.js';
import { median } from '../../stats/interval.js';
import type { Attribution } from '../attribution.js';
import { studyRun, type RunStudies } from '../studies.js';

/** What the HTML report is a view of: the results, and when the run judged them, the analysis and verdicts. */
export interface HtmlReportInput {
  results: Results;
  /** Absent when the analysis stage did not run; charts then show ranges over rounds instead of confidence intervals. */
  analysis?: Analysis;
  /** Absent when no budget or regression check ran: the banner then says so. */
  verdicts?: Verdicts;
  /** The studies every view shows, drawn once by the caller; drawn here when a caller renders this view alone. */
  studies?: RunStudies;
}

export type MeasuredTrial = Extract<TrialRecord, { status: 'ok' | 'invalid' }>;
export type FailedTrial = Extract<TrialRecord, { status: 'failed' }>;

export interface CellView {
  /** Position in results.cells; anchors and chart order follow it. */
  index: number;
  anchor: string;
  /** The cell id, with ` @ variant` in a same-run A/B (results hold one entry per cell and variant there). */
  label: string;
  variant?: string;
  cell: CellResult;
  baseline: boolean;
  ok: MeasuredTrial[];
  invalid: MeasuredTrial[];
  failed: FailedTrial[];
}

export interface Model {
  input: HtmlReportInput;
  cells: CellView[];
  /** The uninstrumented cell of the first variant (or the only one). */
  baseline?: CellView;
  /** Variants seen in the results, in first-seen order (the first is the reference); empty for a run without variants. */
  variants: string[];
  /** The layer waterfall, when cells carry `settings.layer`; with whether its increments add up. */
  attribution: { model: Attribution } | null;
  studies: RunStudies;
}

export const labelOf = (cellId: string, variant?: string) =>
  variant === undefined ? cellId : `${cellId} @ ${variant}`;

/** The baseline a row's overhead is measured against: the uninstrumented cell of the same variant. */
export function baselineFor(model: Model, view: CellView): CellView | undefined {
  return model.cells.find((c) => c.baseline && c.variant === view.variant);
}

export function buildModel(input: HtmlReportInput): Model {
  const cells = input.results.cells.map(
    (cell, index): CellView => ({
      index,
      anchor: `cell-${index}`,
      label: labelOf(cell.id, cell.variant),
      ...(cell.variant === undefined ? {} : { variant: cell.variant }),
      cell,
      baseline: cell.settings.tracing === 'off',
      ok: cell.trials.filter((t): t is MeasuredTrial => t.status === 'ok'),
      invalid: cell.trials.filter((t): t is MeasuredTrial => t.status === 'invalid'),
      failed: cell.trials.filter((t): t is FailedTrial => t.status === 'failed'),
    }),
  );
  const variants = [...new Set(input.results.cells.flatMap((c) => (c.variant === undefined ? [] : [c.variant])))];
  const studies = input.studies ?? studyRun(input.results, input.analysis);
  return { input, cells, baseline: cells.find((c) => c.baseline), variants, attribution: studies.attribution, studies };
}

/** One value per counted (ok) trial, in round order. */
export function roundValues(view: CellView, pick: (m: TrialMetrics) => number): { round: number; value: number }[] {
  return view.ok
    .map((t) => ({ round: t.round, value: pick(t.metrics) }))
    .filter((v) => Number.isFinite(v.value))
    .sort((a, b) => a.round - b.round);
}

export function cellAnalysis(model: Model, cellId: string, variant?: string): CellAnalysis | undefined {
  return model.input.analysis?.cells.find((c) => c.cellId === cellId && c.variant === variant);
}

export function metricAnalysis(
  model: Model,
  cellId: string,
  metric: MetricName,
  variant?: string,
): MetricAnalysis | undefined {
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
 * CPU µs per request of a cell: the median over rounds, with whiskers from the analysis's confidence interval of the
 * cell's own value when there is one, else the range over rounds.
 */
export function cpuSpread(model: Model, view: CellView): Spread | null {
  const values = roundValues(view, (m) => m.cpuUsPerRequest).map((v) => v.value);
  const metric = metricAnalysis(model, view.cell.id, 'cpuUsPerRequest', view.variant);
  if (metric?.level && Number.isFinite(metric.level.ci.low) && Number.isFinite(metric.level.ci.high)) {
    return {
      median: Number.isFinite(metric.median) ? metric.median : median(values),
      low: metric.level.ci.low,
      high: metric.level.ci.high,
      kind: 'ci',
      rounds: metric.values.length,
    };
  }
  if (values.length === 0) return null;
  return {
    median: median(values),
    low: Math.min(...values),
    high: Math.max(...values),
    kind: 'range',
    rounds: values.length,
  };
}

/** Overhead of a cell over the baseline, relative (fraction) and absolute (µs). */
export interface Overhead {
  /** NaN where the analysis could not form a ratio. */
  relative: { estimate: number; low: number; high: number };
  absoluteUs: { estimate: number; low: number; high: number };
  /** `ci` from the analysis; `range`: median and min–max of the per-round paired overheads. */
  kind: 'ci' | 'range';
  pairs: number;
}

/**
 * CPU overhead over the baseline of the same variant: the analysis's estimate when it measured against that baseline
 * (in a same-run A/B it measures against the base variant instead), else paired by round from the trials.
 */
export function cpuOverhead(model: Model, view: CellView): Overhead | null {
  if (view.baseline) return null;
  const baseline = baselineFor(model, view);
  const analysed = cellAnalysis(model, view.cell.id, view.variant);
  const againstBaseline =
    analysed !== undefined &&
    baseline !== undefined &&
    analysed.referenceCellId === baseline.cell.id &&
    analysed.referenceVariant === view.variant;
  if (againstBaseline && analysed.metrics.cpuUsPerRequest?.overhead) {
    const o = analysed.metrics.cpuUsPerRequest.overhead;
    return {
      relative: o.relative
        ? { estimate: o.relative.estimate, low: o.relative.ci.low, high: o.relative.ci.high }
        : { estimate: Number.NaN, low: Number.NaN, high: Number.NaN },
      absoluteUs: { estimate: o.absolute.estimate, low: o.absolute.ci.low, high: o.absolute.ci.high },
      kind: 'ci',
      pairs: o.pairedRounds,
    };
  }
  if (!baseline) return null;
  const base = new Map(roundValues(baseline, (m) => m.cpuUsPerRequest).map((v) => [v.round, v.value]));
  const pairs = roundValues(view, (m) => m.cpuUsPerRequest).flatMap((v) => {
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

/** Checks in the order a reader needs them: errors (nothing valid to judge) first, failures, then inconclusive, then passes. */
export function orderedChecks(verdicts: Verdicts | undefined): Check[] {
  const rank = { error: 0, fail: 1, inconclusive: 2, pass: 3 } as const;
  return [...(verdicts?.checks ?? [])].sort((a, b) => rank[a.verdict] - rank[b.verdict]);
}

/** Budget checks of CPU per request: on the change over the baseline (overhead chart) or on the value itself (CPU chart). */
export function cpuBudgetChecks(model: Model, of: Check['of']): Check[] {
  return (model.input.verdicts?.checks ?? []).filter(
    (c) => c.kind === 'budget' && c.metric === 'cpuUsPerRequest' && c.of === of,
  );
}

/** The trial a reader should look inside: the most spans dropped, else the highest CPU per request. */
export function worstTrial(view: CellView): MeasuredTrial | undefined {
  const trials = [...view.ok, ...view.invalid].filter((t) => t.metrics.series.length > 0);
  // Unknown drops (null) rank below every known count, for ordering only.
  return trials.sort(
    (a, b) =>
      (b.metrics.spans.dropped ?? -1) - (a.metrics.spans.dropped ?? -1) ||
      b.metrics.cpuUsPerRequest - a.metrics.cpuUsPerRequest,
  )[0];
}

export function hasDrops(view: CellView): boolean {
  return [...view.ok, ...view.invalid].some((t) => (t.metrics.spans.dropped ?? 0) > 0);
}
