import type { CellResult, Results, TrialMetrics } from '../results/types.js';
import type { CellSettings } from '../plan/types.js';
import { levelEstimate, median, pairedDifference, pairedRatio } from './interval.js';
import { appliesTo, METRIC_NAMES, METRICS } from './metrics.js';
import type { AnalyseOptions, Analysis, CellAnalysis, MetricAnalysis, MetricName } from './types.js';

/** One cell (and variant): its ok trials' metrics by round. */
export interface Group {
  cellId: string;
  variant?: string;
  settings: CellSettings;
  /** Round → metrics of the ok trials of that round (normally one). */
  rounds: Map<number, TrialMetrics[]>;
}

/** Splits cells by variant (a trial's own `variant`, else its cell's) and keeps only ok trials. */
export function groupTrials(cells: readonly CellResult[]): Group[] {
  const groups = new Map<string, Group>();
  for (const cell of cells) {
    const cellVariant = (cell as CellResult & { variant?: string }).variant;
    const groupOf = (variant: string | undefined) => {
      const key = variant === undefined ? cell.id : `${cell.id}\u0000${variant}`;
      let group = groups.get(key);
      if (!group) {
        group = { cellId: cell.id, variant, settings: cell.settings, rounds: new Map() };
        groups.set(key, group);
      }
      return group;
    };
    if (cell.trials.length === 0) groupOf(cellVariant);
    for (const trial of cell.trials) {
      const group = groupOf(trial.variant ?? cellVariant);
      if (trial.status !== 'ok') continue;
      group.rounds.set(trial.round, [...(group.rounds.get(trial.round) ?? []), trial.metrics]);
    }
  }
  return [...groups.values()];
}

/**
 * Per-round values of a metric, in round order; several ok trials in one round count as their median. Empty where the
 * metric does not apply. A round where any trial could not know the value (null) has no value: it is left out, never 0.
 */
export function roundValues(group: Group, metric: MetricName): { round: number; value: number }[] {
  if (!appliesTo(metric, group.settings)) return [];
  return [...group.rounds.entries()]
    .sort(([a], [b]) => a - b)
    .map(([round, trials]) => {
      const read = trials.map(METRICS[metric].read);
      return { round, value: read.some((v) => v === null) ? Number.NaN : median(read as number[]) };
    })
    .filter((v) => Number.isFinite(v.value));
}

/** Rounds whose value of the metric was unknown (a span counter the probe could not read), for "unknown, not 0". */
export function unknownRounds(group: Group, metric: MetricName): number {
  if (!appliesTo(metric, group.settings)) return 0;
  return [...group.rounds.values()].filter((trials) => trials.some((m) => METRICS[metric].read(m) === null)).length;
}

/** The base variant: the option, else the config's first variant, else the first variant met in trial order. */
function baseVariant(results: Results, groups: readonly Group[], option?: string): string | undefined {
  if (option !== undefined) return option;
  const configured = (results.config as { variants?: { name: string }[] } | undefined)?.variants?.[0]?.name;
  if (configured !== undefined) return configured;
  for (const cell of results.cells) {
    for (const trial of cell.trials) if (trial.variant !== undefined) return trial.variant;
  }
  return groups.find((g) => g.variant !== undefined)?.variant;
}

function analyseMetric(group: Group, reference: Group | undefined, metric: MetricName, level: number): MetricAnalysis {
  const values = roundValues(group, metric);
  const analysis: MetricAnalysis = {
    metric,
    unit: METRICS[metric].unit,
    median: median(values.map((v) => v.value)),
    values,
    level: levelEstimate(
      values.map((v) => v.value),
      level,
    ),
    overhead: null,
  };
  const unknown = unknownRounds(group, metric);
  if (unknown > 0) analysis.unknownRounds = unknown;
  if (!reference || reference === group) return analysis;
  const byRound = new Map(roundValues(reference, metric).map((v) => [v.round, v.value]));
  const paired = values.filter((v) => byRound.has(v.round));
  const head = paired.map((v) => v.value);
  const ref = paired.map((v) => byRound.get(v.round) as number);
  const absolute = pairedDifference(ref, head, level);
  if (absolute) analysis.overhead = { absolute, relative: pairedRatio(ref, head, level), pairedRounds: paired.length };
  return analysis;
}

/**
 * In merged shards each shard ran its own baseline: a cell is paired with its own shard's, never another machine's.
 * Undefined for an unsharded run.
 */
function shardReferences(
  cells: readonly CellResult[],
  baselineId: string | undefined,
): ((cellId: string) => Group | undefined) | undefined {
  if (baselineId === undefined || !cells.some((c) => c.trials.some((t) => t.shard !== undefined))) return undefined;
  const baseline = cells.filter((c) => c.id === baselineId && c.variant === undefined);
  const byShard = new Map<number, Group | undefined>();
  return (cellId) => {
    const shard = cells.find((c) => c.id === cellId)?.trials.find((t) => t.shard !== undefined)?.shard;
    if (shard === undefined || cellId === baselineId) return undefined;
    if (!byShard.has(shard))
      byShard.set(
        shard,
        groupTrials(baseline.map((c) => ({ ...c, trials: c.trials.filter((t) => t.shard === shard) })))[0],
      );
    return byShard.get(shard);
  };
}

/**
 * Per cell (and variant) and metric: the median over rounds, the level with a CI, and the overhead against the reference
 * paired by round. The reference is the baseline cell (tracing off) in a matrix run, or the same cell of the base
 * variant in a same-run A/B. Pure: the same results and options give the same analysis.
 */
export function analyse(results: Results, options: AnalyseOptions = {}): Analysis {
  const level = options.level ?? 0.95;
  const groups = groupTrials(results.cells);
  const variant = groups.some((g) => g.variant !== undefined)
    ? baseVariant(results, groups, options.reference?.variant)
    : undefined;
  const find = (cellId: string | undefined, v: string | undefined) =>
    groups.find((g) => g.cellId === cellId && g.variant === v);
  const baselineId = options.reference?.cellId ?? groups.find((g) => g.settings.tracing === 'off')?.cellId;
  const shardBaseline = shardReferences(results.cells, baselineId);

  const cells = groups.map((group): CellAnalysis => {
    const reference =
      variant !== undefined
        ? find(group.cellId, variant)
        : (shardBaseline?.(group.cellId) ?? find(baselineId, undefined));
    const referenceCellId = variant !== undefined ? group.cellId : (baselineId ?? group.cellId);
    const metrics: CellAnalysis['metrics'] = {};
    for (const metric of METRIC_NAMES)
      if (appliesTo(metric, group.settings)) metrics[metric] = analyseMetric(group, reference, metric, level);
    return {
      cellId: group.cellId,
      ...(group.variant !== undefined ? { variant: group.variant } : {}),
      referenceCellId,
      ...(variant !== undefined ? { referenceVariant: variant } : {}),
      rounds: group.rounds.size,
      metrics,
    };
  });
  return {
    seed: options.seed ?? results.seed,
    level,
    method: 'student-t',
    ...(variant !== undefined ? { referenceVariant: variant } : {}),
    cells,
  };
}
