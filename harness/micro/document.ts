import type { Budget } from '../budget/types.js';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/types.js';
import { toMicroSection } from './run.js';
import type { MicroResults } from './types.js';

/** The name a micro-only results document carries as its config name, and its run ids. */
export const MICRO_ONLY_NAME = 'micro';

/**
 * The config of a micro-only run: the defaults, so every reader of `config` finds the fields it expects, with an empty
 * matrix (no cell ran), `rounds` the micro rounds, and the micro budgets it was judged against.
 */
export function microOnlyConfig(rounds: number, budgets: readonly Budget[]): Config {
  const defaults = parseConfig(`name: ${MICRO_ONLY_NAME}\nseed: 0\n`, `${MICRO_ONLY_NAME}.yaml`);
  const { seedSource: _seedSource, ...config } = defaults;
  // Every matrix dimension empty, whatever dimensions the config has: the product is no cell.
  const matrix = Object.fromEntries(Object.keys(config.matrix).map((key) => [key, []])) as unknown as Config['matrix'];
  return { ...config, rounds, matrix, budgets: [...budgets] };
}

/** True for results.json written by `tracebench micro`: a micro section and no cell. */
export function isMicroOnly(results: Pick<Results, 'cells' | 'micro'>): boolean {
  return results.cells.length === 0 && results.micro !== undefined;
}

/**
 * results.json of `tracebench micro`: the same document as a run's, so `report`, `compare` and budgets read it alike;
 * no cells, no config file (`configFile` is empty), seed 0 (nothing was shuffled).
 */
export function microResultsDocument(micro: MicroResults, runId: string, budgets: readonly Budget[] = []): Results {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    status: micro.status,
    startedAt: micro.startedAt,
    finishedAt: micro.finishedAt,
    configFile: '',
    config: microOnlyConfig(micro.rounds, budgets),
    seed: 0,
    environment: micro.environment,
    notes: micro.slowPrimitive
      ? [
          `test-only: ${micro.slowPrimitive.task} was slowed by ${micro.slowPrimitive.burnNs} ns per operation on purpose; its figures are not a measurement`,
        ]
      : [],
    cells: [],
    micro: toMicroSection(micro),
  };
}
