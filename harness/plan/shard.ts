import { createHash } from 'node:crypto';
import type { Config } from '../config/types.js';
import { trialSeconds } from './plan.js';
import type { Cell, Plan, ShardSpec } from './types.js';

/** Cells every shard runs in every round: what the others' overhead is paired against (tracing off, no API calls). */
export function isReferenceCell(cell: Pick<Cell, 'settings'>): boolean {
  return cell.settings.tracing === 'off' && cell.settings.instrumentation === undefined;
}

/** JSON with object keys sorted, so the same plan hashes the same whatever order its config's keys were written in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * What decides the measurements: the config (less its budgets, which only judge, and where the seed came from), the
 * cells and the whole plan's trial order. Shards of one plan share it; a resumed run must match it.
 */
export function planHash(plan: Pick<Plan, 'cells' | 'trials' | 'seed'>, config: Config): string {
  const { budgets: _budgets, seedSource: _seedSource, ...measured } = config;
  const text = canonicalJson({ config: measured, cells: plan.cells, trials: plan.trials, seed: plan.seed });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** `2/4` → { index: 2, count: 4 }; null when the text is not K/N with 1 ≤ K ≤ N. */
export function parseShard(text: string): ShardSpec | null {
  const match = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  if (!match) return null;
  const [index, count] = [Number(match[1]), Number(match[2])];
  return index >= 1 && count >= 1 && index <= count ? { index, count } : null;
}

export interface ShardSplit {
  /** Per shard (index 0 is shard 1/N): the cells it measures besides the reference cells every shard runs. */
  cells: string[][];
  /** Per shard: estimated seconds, reference cells included. */
  estimatedSeconds: number[];
  referenceCells: string[];
}

/**
 * Splits the plan's cells (never a cell's variants: a variant is paired with its reference variant of the same cell)
 * into `count` shards by estimated time, longest first onto the least loaded shard (ties: lower shard), cells in plan
 * order among equals, so every machine computes the same split. A cell's cost is its trials × one trial's time; the
 * services per cell come from the one workload of the config, so they scale every cell alike and do not move the split.
 */
export function splitCells(plan: Plan, config: Config, count: number): ShardSplit {
  const perTrial = trialSeconds(config);
  const trialsOf = new Map<string, number>();
  for (const t of plan.trials) trialsOf.set(t.cellId, (trialsOf.get(t.cellId) ?? 0) + 1);
  const reference = plan.cells.filter(isReferenceCell).map((c) => c.id);
  const referenceSeconds = reference.reduce((s, id) => s + (trialsOf.get(id) ?? 0) * perTrial, 0);
  const measured = plan.cells
    .filter((c) => !isReferenceCell(c) && (trialsOf.get(c.id) ?? 0) > 0)
    .map((c, position) => ({ id: c.id, position, seconds: (trialsOf.get(c.id) ?? 0) * perTrial }))
    .sort((a, b) => b.seconds - a.seconds || a.position - b.position);
  const cells: string[][] = Array.from({ length: count }, () => []);
  const load = Array.from({ length: count }, () => referenceSeconds);
  for (const cell of measured) {
    const target = load.indexOf(Math.min(...load));
    cells[target].push(cell.id);
    load[target] += cell.seconds;
  }
  const order = new Map(plan.cells.map((c, i) => [c.id, i]));
  for (const shard of cells) shard.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { cells, estimatedSeconds: load, referenceCells: reference };
}

/** Cells besides the reference ones a plan has to split; a shard count above it would leave a shard with nothing to measure. */
export function splittableCells(plan: Plan): number {
  return plan.cells.filter((c) => !isReferenceCell(c) && plan.trials.some((t) => t.cellId === c.id)).length;
}

/**
 * Shard K/N of a plan: its share of the cells plus the reference cells, every round, each trial keeping its round and
 * order from the whole plan, so the shards' trials together are exactly the unsharded plan's (the reference trials
 * once per shard).
 */
export function shardPlan(plan: Plan, config: Config, spec: ShardSpec): Plan {
  const split = splitCells(plan, config, spec.count);
  const keep = new Set([...split.referenceCells, ...split.cells[spec.index - 1]]);
  const trials = plan.trials.filter((t) => keep.has(t.cellId));
  return {
    ...plan,
    cells: plan.cells.filter((c) => keep.has(c.id)),
    trials,
    estimatedSeconds: trials.length * trialSeconds(config),
  };
}
