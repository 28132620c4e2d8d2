import type { CoverageFractions } from '../results/coverage.js';
import type { CoverageSummary } from '../results/coverage-summary.js';
import type { CellResult, Results } from '../results/types.js';
import type { SamplerSetting } from '../config/types.js';
import type { CellSettings } from '../plan/types.js';
import { analyse } from '../stats/analyse.js';
import type { Proportion } from '../stats/binomial.js';
import type { Analysis } from '../stats/types.js';

/** summariseCoverage pools with proportion()'s default level, so every coverage interval here is a 95% Wilson interval. */
export const COVERAGE_LEVEL = 0.95;

/**
 * What a configuration costs, one axis per party that pays:
 * - `cpuOverhead`: the service's CPU per request over the baseline (fraction). Head sampling decides here; a tail-sampled
 *   cell pays what its head sampler (usually always_on) pays, since every span is still recorded and exported.
 * - `exportedBytesPerSecond`: what leaves the services and the pipeline must ingest; tail sampling needs all of it, and
 *   buffers it for `decision_wait` (the buffering cost is in the table, not on this axis).
 * - `keptBytesPerSecond`: what the backend stores (estimated from span content): where tail sampling saves.
 */
export type CostAxis = 'cpuOverhead' | 'exportedBytesPerSecond' | 'keptBytesPerSecond';
export const COST_AXES: readonly CostAxis[] = ['cpuOverhead', 'exportedBytesPerSecond', 'keptBytesPerSecond'];

export interface CpuCost {
  /** Median over rounds. */
  cpuUsPerRequest: number;
  /** Over the baseline of the same variant, as a fraction (0.12 is +12%). */
  overhead: number;
  /** The analysis's interval of `overhead`; null with the `medians` method. */
  interval: { low: number; high: number; level: number } | null;
  /**
   * `paired`: harness/stats analyse, geometric mean of per-round ratios against the baseline with a t-interval;
   * `medians`: the ratio of the two cells' medians, used when the analysis has no paired ratio (one round, or an A/B
   * run whose reference is the base variant rather than the baseline).
   */
  method: 'paired' | 'medians';
}

/** The sink's tail sampling buffer (medians over rounds), when the cell tail-samples. */
export type TailCost = NonNullable<CoverageSummary['tail']>;

export interface StudyRow extends CoverageFractions {
  /** Cell id, with ` @ variant` in a same-run A/B: unique per row. */
  key: string;
  cellId: string;
  variant?: string;
  /** Head sampler with its parameters, then `+ tail: <name>` when the sink tail-samples; the key is added when two rows would read the same. */
  label: string;
  kind: 'head' | 'tail';
  headSampler: string;
  tailName?: string;
  trials: number;
  /** Kept requests whose spans form one complete trace, of the requests kept. */
  whole: Proportion;
  /** Effective sampling ratio per service and per entry route. */
  byService: Record<string, Proportion>;
  byRoute: Record<string, Proportion>;
  exportedSpansPerSecond: number;
  exportedBytesPerSecond: number;
  keptSpansPerSecond: number;
  keptBytesPerSecond: number;
  tail: TailCost | null;
  /** Null when there is no baseline to compare against. */
  cpu: CpuCost | null;
  /** Whether the row is on each cost axis's frontier. */
  onFrontier: Record<CostAxis, boolean>;
}

export interface Frontier {
  axis: CostAxis;
  /** Row keys not dominated on (lower cost, higher error-trace coverage), cheapest first. */
  keys: string[];
  /** Rows that cannot be placed: no error trace was drawn (coverage unknown) or the cost is missing. */
  unplaced: { key: string; why: string }[];
}

export interface SamplingStudy {
  level: number;
  /** Key of the baseline row the CPU overhead is measured against (the first variant's), when there is one. */
  baseline: string | null;
  rows: StudyRow[];
  frontiers: Record<CostAxis, Frontier>;
}

/** A cost and an error-trace coverage to rank on. */
export interface ParetoPoint {
  key: string;
  cost: number;
  coverage: number;
}

/** Keys of the points no other point beats: none costs no more and keeps no less, with one of the two strictly better. Cheapest first; exact ties all stay. */
export function paretoFrontier(points: readonly ParetoPoint[]): string[] {
  const finite = points.filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.coverage));
  const dominated = (p: ParetoPoint) =>
    finite.some((q) => q.cost <= p.cost && q.coverage >= p.coverage && (q.cost < p.cost || q.coverage > p.coverage));
  return finite
    .filter((p) => !dominated(p))
    .sort((a, b) => a.cost - b.cost || a.coverage - b.coverage)
    .map((p) => p.key);
}

function parameter(key: string, value: unknown): string | null {
  if (key === 'ratio') return String(value);
  if (key === 'tracesPerSecond') return `${String(value)}/s`;
  if (Array.isArray(value)) return value.length === 0 ? null : `${key}=${value.join(',')}`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    return entries.length === 0 ? null : `${key}=${entries.map(([k, v]) => `${k}:${String(v)}`).join(',')}`;
  }
  return `${key}=${String(value)}`;
}

/** `traceidratio 0.1`, `ratelimiting 100/s`, `biased 0.01 alwaysRoutes=/checkout` (empty lists left out). */
export function headSamplerLabel(sampler: SamplerSetting): string {
  const rest = Object.entries(sampler)
    .filter(([key, value]) => key !== 'type' && value !== undefined)
    .map(([key, value]) => parameter(key, value))
    .filter((text): text is string => text !== null);
  return [sampler.type, ...rest].join(' ');
}

const keyOf = (cell: CellResult) => (cell.variant === undefined ? cell.id : `${cell.id} @ ${cell.variant}`);

function cpuCost(cell: CellResult, results: Results, analysis: Analysis): CpuCost | null {
  const summary = cell.summary!;
  const baseline = results.cells.find((c) => c.settings.tracing === 'off' && c.variant === cell.variant);
  if (!baseline?.summary) return null;
  const analysed = analysis.cells.find((c) => c.cellId === cell.id && c.variant === cell.variant);
  const relative =
    analysed?.referenceCellId === baseline.id && analysed.referenceVariant === cell.variant
      ? analysed.metrics.cpuUsPerRequest?.overhead?.relative
      : null;
  if (relative) {
    return {
      cpuUsPerRequest: summary.cpuUsPerRequest,
      overhead: relative.estimate,
      interval: relative.ci,
      method: 'paired',
    };
  }
  const base = baseline.summary.cpuUsPerRequest;
  if (!(base > 0)) return null;
  return {
    cpuUsPerRequest: summary.cpuUsPerRequest,
    overhead: summary.cpuUsPerRequest / base - 1,
    interval: null,
    method: 'medians',
  };
}

function studyRow(
  cell: CellResult,
  coverage: CoverageSummary,
  results: Results,
  analysis: Analysis,
): Omit<StudyRow, 'onFrontier'> {
  const settings = cell.settings as Extract<CellSettings, { tracing: 'sdk' }>;
  const headSampler = headSamplerLabel(settings.sampler);
  const tailName = settings.tail?.name;
  return {
    key: keyOf(cell),
    cellId: cell.id,
    ...(cell.variant === undefined ? {} : { variant: cell.variant }),
    label: tailName === undefined ? headSampler : `${headSampler} + tail: ${tailName}`,
    kind: tailName === undefined ? 'head' : 'tail',
    headSampler,
    ...(tailName === undefined ? {} : { tailName }),
    trials: coverage.trials,
    traces: coverage.traces,
    errors: coverage.errors,
    slow: coverage.slow,
    whole: coverage.whole,
    byService: coverage.byService,
    byRoute: Object.fromEntries(Object.entries(coverage.byRoute).map(([route, r]) => [route, r.traces])),
    exportedSpansPerSecond: coverage.exportedSpansPerSecond,
    exportedBytesPerSecond: coverage.exportedBytesPerSecond,
    keptSpansPerSecond: coverage.keptSpansPerSecond,
    keptBytesPerSecond: coverage.keptBytesPerSecondEstimate,
    tail: coverage.tail ?? null,
    cpu: cpuCost(cell, results, analysis),
  };
}

/** A row's cost on an axis; NaN when it was not measured. */
export function costOf(
  row: Pick<StudyRow, 'cpu' | 'exportedBytesPerSecond' | 'keptBytesPerSecond'>,
  axis: CostAxis,
): number {
  if (axis === 'cpuOverhead') return row.cpu?.overhead ?? Number.NaN;
  return axis === 'exportedBytesPerSecond' ? row.exportedBytesPerSecond : row.keptBytesPerSecond;
}

function frontier(rows: readonly Omit<StudyRow, 'onFrontier'>[], axis: CostAxis): Frontier {
  const unplaced: Frontier['unplaced'] = [];
  const points: ParetoPoint[] = [];
  for (const row of rows) {
    const cost = costOf(row, axis);
    if (row.errors.of === 0) unplaced.push({ key: row.key, why: 'no error trace was drawn' });
    else if (!Number.isFinite(cost))
      unplaced.push({
        key: row.key,
        why: axis === 'cpuOverhead' ? 'no baseline to measure CPU overhead against' : 'cost not measured',
      });
    else points.push({ key: row.key, cost, coverage: row.errors.fraction });
  }
  return { axis, keys: paretoFrontier(points), unplaced };
}

/** Two rows that would read the same get their cell key too, so a chart never merges them. */
function distinctLabels<T extends { label: string; key: string }>(rows: T[]): T[] {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
  return rows.map((row) => (counts.get(row.label)! > 1 ? { ...row, label: `${row.label} (${row.key})` } : row));
}

/**
 * The sampling study: per traced cell with measured coverage, what it keeps (Wilson intervals from the pooled rounds)
 * and what it costs, and the Pareto frontier of error-trace coverage against each cost axis. Null when no cell
 * measured coverage. Without `analysis`, the results are analysed here (pure, so the same results give the same study).
 */
export function samplingStudy(results: Results, analysis?: Analysis): SamplingStudy | null {
  const measured = results.cells.filter((c) => c.settings.tracing === 'sdk' && c.summary?.coverage);
  // A study needs something to keep: a workload that draws no error leaves every chart empty (user-api, attribution).
  if (measured.length === 0 || !measured.some((c) => c.summary!.coverage!.errors.of > 0)) return null;
  const analysed = analysis ?? analyse(results);
  const partial = distinctLabels(measured.map((cell) => studyRow(cell, cell.summary!.coverage!, results, analysed)));
  const frontiers = Object.fromEntries(COST_AXES.map((axis) => [axis, frontier(partial, axis)])) as Record<
    CostAxis,
    Frontier
  >;
  const rows = partial.map(
    (row): StudyRow => ({
      ...row,
      onFrontier: Object.fromEntries(COST_AXES.map((axis) => [axis, frontiers[axis].keys.includes(row.key)])) as Record<
        CostAxis,
        boolean
      >,
    }),
  );
  const baseline = results.cells.find((c) => c.settings.tracing === 'off');
  return { level: COVERAGE_LEVEL, baseline: baseline ? keyOf(baseline) : null, rows, frontiers };
}

/** How the CPU overhead column was measured, in one sentence. */
export function cpuMethodLine(study: SamplingStudy): string {
  if (study.baseline === null) return 'CPU overhead: the run has no baseline cell (tracing off), so none is shown.';
  const methods = new Set(study.rows.flatMap((r) => (r.cpu ? [r.cpu.method] : [])));
  const how = [
    ...(methods.has('paired') ? ['paired by round, with its confidence interval (harness/stats analyse)'] : []),
    ...(methods.has('medians')
      ? ['the ratio of medians where marked (no interval paired by round against the baseline)']
      : []),
  ];
  return `CPU overhead against ${study.baseline}: ${how.length > 0 ? how.join('; ') : 'not measured'}.`;
}
