import { summariseCell } from './summary.js';
import type { CellResult, Results } from './types.js';

/** Relative spread of the shards' baseline CPU per request: what comparing cells across machines adds. Null when unknown. */
export function baselineSpread(cells: readonly CellResult[]): number | null {
  const baseline = cells.find(
    (c) => c.settings.tracing === 'off' && c.settings.instrumentation === undefined && c.variant === undefined,
  );
  if (!baseline) return null;
  const shards = [...new Set(baseline.trials.map((t) => t.shard))];
  const medians = shards
    .map((shard) => summariseCell(baseline.trials.filter((t) => t.shard === shard))?.cpuUsPerRequest)
    .filter((v): v is number => typeof v === 'number' && v > 0);
  if (medians.length < 2) return null;
  return Math.max(...medians) / Math.min(...medians) - 1;
}

/** Distinct machines of a merged run's shards, described; one entry for a run on one machine. */
export function machineNames(results: Pick<Results, 'environment'>): string[] {
  const machines = results.environment.machines ?? [results.environment];
  return [...new Set(machines.map((m) => `${m.hostname} (${m.cpuModel}, ${m.cores} cores, Node.js ${m.node})`))];
}

/**
 * Said with the verdicts of a merged run whose shards ran on several machines: each cell is judged against its own
 * shard's baseline, and how far the machines' baselines differ is the noise a comparison across shards would carry.
 */
export function crossMachineNote(results: Pick<Results, 'environment' | 'cells'>): string | undefined {
  const hosts = machineNames(results);
  if (hosts.length < 2) return undefined;
  const spread = baselineSpread(results.cells);
  const names = [...new Set((results.environment.machines ?? []).map((m) => m.hostname))].join(', ');
  return `cross-machine: the shards ran on ${hosts.length} machines (${names}); ${spread === null ? 'how far their baselines differ is unknown' : `their baselines' CPU per request differs by ${(spread * 100).toFixed(1)}%`}: noise in any comparison across shards. Each cell is judged against its own shard's baseline.`;
}
