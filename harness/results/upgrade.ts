import { RENAMED_METRICS } from '../stats/types.js';
import { RESULTS_SCHEMA_VERSION } from './types.js';

/** The schemaVersion before this one, which `tracebench report` and `compare` still read. */
export const PREVIOUS_RESULTS_SCHEMA_VERSION = 1;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A figures object of version 1 (a trial's, a service's or a cell summary's) with its fields renamed, in place. */
function renameFigures(figures: Json): void {
  if ('heapUsedBytes' in figures) {
    figures.heapUsedPeakBytes = figures.heapUsedBytes;
    delete figures.heapUsedBytes;
  }
  const gc = figures.gcPauseMs;
  if (isObject(gc)) {
    figures.gc = { pauseCount: gc.count, pauseTotalMs: gc.total, pauseMaxMs: gc.max };
    delete figures.gcPauseMs;
  }
}

/** A version 1 trial record (a results.jsonl line, or a trial in results.json) as this version writes it. */
export function upgradeTrialRecord<T>(record: T): T {
  if (!isObject(record) || !isObject(record.metrics)) return record;
  const copy = structuredClone(record) as Json & { metrics: Json };
  renameFigures(copy.metrics);
  if (isObject(copy.metrics.services))
    for (const s of Object.values(copy.metrics.services)) if (isObject(s)) renameFigures(s);
  return copy as T;
}

/** A config of version 1 with the judged metrics its budgets name under their new names. */
export function upgradeConfig<T>(config: T): T {
  if (!isObject(config) || !Array.isArray(config.budgets)) return config;
  const copy = structuredClone(config) as Json & { budgets: unknown[] };
  for (const budget of copy.budgets) {
    if (!isObject(budget) || !isObject(budget.limits)) continue;
    budget.limits = Object.fromEntries(
      Object.entries(budget.limits).map(([metric, limit]) =>
        RENAMED_METRICS[metric] && isObject(limit)
          ? [RENAMED_METRICS[metric], { ...limit, writtenAs: metric }]
          : [metric, limit],
      ),
    );
  }
  return copy as T;
}

/**
 * A results document of the previous schemaVersion read as this one: fields renamed, nothing measured dropped. A
 * document of any other version comes back untouched, for the reader to refuse by its version.
 */
export function upgradeResults(data: unknown): unknown {
  if (!isObject(data) || data.schemaVersion !== PREVIOUS_RESULTS_SCHEMA_VERSION) return data;
  const copy = structuredClone(data);
  copy.schemaVersion = RESULTS_SCHEMA_VERSION;
  copy.config = upgradeConfig(copy.config);
  if (Array.isArray(copy.cells))
    for (const cell of copy.cells) {
      if (!isObject(cell)) continue;
      if (Array.isArray(cell.trials)) cell.trials = cell.trials.map(upgradeTrialRecord);
      if (isObject(cell.summary)) renameFigures(cell.summary);
    }
  return copy;
}
