import type { Config } from '../config/types.js';
import type { CellResult, Results, TrialMetrics } from '../results/types.js';
import type { CellSettings, LayerSetting } from '../plan/types.js';
import { groupTrials, roundValues, type Group } from '../stats/analyse.js';
import { median, pairedDifference } from '../stats/interval.js';
import type { Estimate } from '../stats/types.js';
import { predictIncrement, type LayerPrediction, type LayerWork } from './attribution-predict.js';
import {
  checkProfile,
  layerProfile,
  placedOverPath,
  type LayerProfile,
  type ProfileCheck,
} from './attribution-profile.js';

export type { LayerSetting } from '../plan/types.js';

/** One layer cell measured against the layer beneath it. */
export interface LayerStep {
  cellId: string;
  layer: LayerSetting;
  /** The cell this one is measured against; null for the first layer. */
  previousCellId: string | null;
  /** CPU µs per request, median over the cell's rounds. */
  cpuUs: number;
  /** CPU µs per request over the previous layer, paired by round (mean difference, t-interval); null below 2 pairs. */
  increment: Estimate | null;
  /** Median of the per-round differences: the figure to show when no interval could be drawn. */
  incrementMedianUs: number;
  pairedRounds: number;
  /** From the micro-benchmarks, when the results hold them. */
  predicted: LayerPrediction | null;
  /** From the cell's profiled windows, when it has any. */
  profile: LayerProfile | null;
  /** Measured increment − what the profile places of it: CPU the profile cannot place. Null without both. */
  remainderUs: number | null;
}

/** From the first layer to one last layer (a leaf of the stack), the increments against the measured whole. */
export interface LayerPath {
  cellIds: string[];
  /** Last − first, paired by round. */
  measured: Estimate | null;
  predictedUs: number | null;
  /** measured − predicted, with the measured interval: CPU the micro-benchmarks do not explain. */
  unexplained: { estimate: number; low: number; high: number } | null;
  /** The profiled windows' placed CPU against the measured total. */
  profile: ProfileCheck;
}

export interface Attribution {
  level: number;
  steps: LayerStep[];
  /** Every path from the first layer to a layer nothing is measured against; the longest (highest index) first. */
  paths: LayerPath[];
  /** Micro tasks the prediction is built from. */
  microTasks: string[];
  notes: string[];
}

/** `settings.layer`, when it has the shape the attribution reads (results come from disk); other cells are not part of it. */
export function layerOf(settings: CellSettings): LayerSetting | undefined {
  const layer = settings.layer as Partial<LayerSetting> | undefined;
  if (!layer || typeof layer !== 'object' || !Number.isInteger(layer.index) || typeof layer.name !== 'string')
    return undefined;
  return { index: layer.index as number, name: layer.name, adds: typeof layer.adds === 'string' ? layer.adds : '' };
}

/**
 * The layer each cell is measured against: the one cell at the nearest lower index that holds a single cell. Cells
 * sharing an index (batch export per exporter) are alternatives, side branches of the stack, never a step beneath another.
 */
export function previousLayers(cells: readonly { cellId: string; layer: LayerSetting }[]): Map<string, string | null> {
  const counts = new Map<number, string[]>();
  for (const c of cells) counts.set(c.layer.index, [...(counts.get(c.layer.index) ?? []), c.cellId]);
  const single = [...counts].filter(([, ids]) => ids.length === 1).sort(([a], [b]) => b - a);
  return new Map(cells.map((c) => [c.cellId, single.find(([index]) => index < c.layer.index)?.[1][0] ?? null]));
}

/** Requests of the whole trial: the run counts spans over warm-up and window, requests only in the window, at one rate. */
function trialRequests(m: TrialMetrics, config: Config): number {
  const { warmupSeconds, durationSeconds } = config.load;
  return durationSeconds > 0 ? (m.requests * (warmupSeconds + durationSeconds)) / durationSeconds : Number.NaN;
}

function work(group: Group, cell: CellResult, layer: LayerSetting, config: Config): LayerWork {
  const trials = [...group.rounds.values()].flat();
  // A saturation run after the window adds spans that no window request made.
  const counted = config.load.saturation === undefined;
  // An unknown count (null) makes the figure unknown (NaN, shown as –), never 0.
  const per = (pick: (m: TrialMetrics) => number | null) =>
    counted && trials.every((m) => pick(m) !== null)
      ? median(trials.map((m) => pick(m)! / trialRequests(m, config)))
      : Number.NaN;
  const settings = cell.settings;
  const sdk = settings.tracing === 'sdk' ? settings : undefined;
  return {
    index: layer.index,
    spansPerRequest: per((m) => m.spans.started),
    sampledPerRequest: per((m) => m.spans.sampled),
    exporter: sdk?.exporter ?? null,
    processor: sdk?.processor ? (sdk.processor.type === 'module' ? sdk.processor.then.type : sdk.processor.type) : null,
    propagator: sdk?.propagator ?? 'tracecontext',
  };
}

function paired(head: Group, reference: Group): { values: number[]; reference: number[] } {
  const byRound = new Map(roundValues(reference, 'cpuUsPerRequest').map((v) => [v.round, v.value]));
  const mine = roundValues(head, 'cpuUsPerRequest').filter((v) => byRound.has(v.round));
  return { values: mine.map((v) => v.value), reference: mine.map((v) => byRound.get(v.round) as number) };
}

function pathsOf(steps: LayerStep[], groups: Map<string, Group>, level: number): LayerPath[] {
  const byId = new Map(steps.map((s) => [s.cellId, s]));
  const leaves = steps.filter((s) => s.previousCellId !== null && !steps.some((o) => o.previousCellId === s.cellId));
  return leaves
    .sort((a, b) => b.layer.index - a.layer.index)
    .map((leaf): LayerPath => {
      const chain: LayerStep[] = [];
      for (let s: LayerStep | undefined = leaf; s; s = s.previousCellId ? byId.get(s.previousCellId) : undefined)
        chain.unshift(s);
      const [first] = chain;
      const increments = chain.slice(1);
      const p = paired(groups.get(leaf.cellId)!, groups.get(first.cellId)!);
      const measured = pairedDifference(p.reference, p.values, level);
      const predictable = increments.every((s) => s.predicted !== null);
      const predictedUs =
        predictable && increments.length > 0 ? increments.reduce((sum, s) => sum + s.predicted!.us, 0) : null;
      const unexplained =
        measured && predictedUs !== null
          ? {
              estimate: measured.estimate - predictedUs,
              low: measured.ci.low - predictedUs,
              high: measured.ci.high - predictedUs,
            }
          : null;
      const cellIds = chain.map((s) => s.cellId);
      const placed = placedOverPath(groups.get(first.cellId)!, groups.get(leaf.cellId)!);
      return { cellIds, measured, predictedUs, unexplained, profile: checkProfile(cellIds, measured, placed, level) };
    });
}

/**
 * The attribution waterfall of a run: the CPU µs per request each layer cell adds over the layer beneath it, paired by
 * round, and, when the results hold micro-benchmarks, what they predict it adds. Null when no cell carries
 * `settings.layer`. Pure: the same results give the same attribution.
 */
export function attribute(results: Results, options: { level?: number } = {}): Attribution | null {
  const level = options.level ?? 0.95;
  const layered = results.cells.flatMap((cell) => {
    const layer = layerOf(cell.settings);
    return layer ? [{ cell, layer }] : [];
  });
  if (layered.length === 0) return null;
  const notes: string[] = [];
  // One variant: the attribution compares layers, not variants; a same-run A/B's reference variant stands for it.
  const variant = layered[0].cell.variant;
  const wanted = layered.filter((l) => l.cell.variant === variant);
  if (wanted.length < layered.length) notes.push(`the attribution uses variant ${variant ?? '(none)'} only.`);
  const groups = new Map(
    groupTrials(wanted.map((l) => l.cell))
      .filter((g) => g.variant === variant)
      .map((g) => [g.cellId, g]),
  );
  const order = [...wanted].sort((a, b) => a.layer.index - b.layer.index);
  const previous = previousLayers(order.map((l) => ({ cellId: l.cell.id, layer: l.layer })));
  const works = new Map(order.map((l) => [l.cell.id, work(groups.get(l.cell.id)!, l.cell, l.layer, results.config)]));
  const steps = order.map(({ cell, layer }): LayerStep => {
    const group = groups.get(cell.id)!;
    const before = previous.get(cell.id) ?? null;
    const p = before ? paired(group, groups.get(before)!) : { values: [], reference: [] };
    const differences = p.values.map((v, i) => v - p.reference[i]);
    const increment = before ? pairedDifference(p.reference, p.values, level) : null;
    const profile = layerProfile(group, before ? groups.get(before) : undefined);
    return {
      cellId: cell.id,
      layer,
      previousCellId: before,
      cpuUs: median(roundValues(group, 'cpuUsPerRequest').map((v) => v.value)),
      increment,
      incrementMedianUs: median(differences),
      pairedRounds: differences.length,
      predicted:
        before && results.micro ? predictIncrement(works.get(cell.id)!, works.get(before)!, results.micro) : null,
      profile,
      remainderUs: increment && profile?.placedUs != null ? increment.estimate - profile.placedUs : null,
    };
  });
  if (!results.micro)
    notes.push(
      'no micro-benchmarks in these results: run tracebench micro (or a run with micro enabled) for a prediction next to each layer.',
    );
  if (results.config.load.saturation !== undefined)
    notes.push(
      'a saturation run followed each window, so spans per request cannot be counted: the prediction leaves out the per-span work.',
    );
  const microTasks = [...new Set(steps.flatMap((s) => s.predicted?.terms.map((t) => t.task) ?? []))];
  return { level, steps, paths: pathsOf(steps, groups, level), microTasks, notes };
}
