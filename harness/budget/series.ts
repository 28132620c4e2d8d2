import type { CellResult, Results } from '../results/types.js';

export interface SeriesRun {
  from: string;
  results: Results;
}

/** Runs of main pooled into one base by default: enough rounds for a steady interval, recent enough to follow main. */
export const DEFAULT_SERIES_RUNS = 5;

/**
 * A baseline series (earlier runs of main) as one base for `compare`: the most recent `last` complete runs of the same
 * config name, their rounds pooled (renumbered so no two runs share a round). Pooled rather than the latest alone: the
 * run-to-run spread (another day, another CI machine) is noise a single base run hides, and an unpaired interval over
 * the pooled rounds carries it, so a change must stand out from main's own history to fail.
 */
export function poolSeries(
  runs: readonly SeriesRun[],
  head: Results,
  last = DEFAULT_SERIES_RUNS,
): { base: Results; used: SeriesRun[]; notes: string[] } {
  const notes: string[] = [];
  const sameConfig = runs.filter((r) => r.results.config.name === head.config.name);
  const otherNames = runs.length - sameConfig.length;
  if (otherNames > 0)
    notes.push(`baseline series: ${otherNames} run${otherNames === 1 ? '' : 's'} of other configs left out.`);
  const complete = sameConfig.filter((r) => r.results.status === 'complete');
  if (complete.length < sameConfig.length)
    notes.push(
      `baseline series: ${sameConfig.length - complete.length} run${sameConfig.length - complete.length === 1 ? '' : 's'} that did not complete left out.`,
    );
  const used = [...complete].sort((a, b) => b.results.startedAt.localeCompare(a.results.startedAt)).slice(0, last);
  if (used.length === 0) return { base: head, used, notes };
  let offset = 0;
  const cells = new Map<string, CellResult>();
  for (const run of [...used].reverse()) {
    const rounds = Math.max(0, ...run.results.cells.flatMap((c) => c.trials.map((t) => t.round + 1)));
    for (const cell of run.results.cells) {
      const key = `${cell.id}\u0000${cell.variant ?? ''}`;
      const trials = cell.trials.map((t) => ({ ...t, round: t.round + offset }));
      const known = cells.get(key);
      cells.set(key, known ? { ...known, trials: [...known.trials, ...trials] } : { ...cell, trials });
    }
    offset += rounds;
  }
  const [latest] = used;
  const hosts = new Set(
    used.map((r) => `${r.results.environment.cpuModel}/${r.results.environment.cores}/${r.results.environment.node}`),
  );
  notes.push(
    `base: a baseline series of ${used.length} run${used.length === 1 ? '' : 's'} (the most recent of ${complete.length} complete, ${offset} rounds pooled, ${used[used.length - 1].results.startedAt} to ${latest.results.startedAt})${hosts.size > 1 ? ` on ${hosts.size} machine types, so the base spread includes machine noise` : ''}.`,
  );
  const base: Results = {
    ...latest.results,
    runId: `series:${used.map((r) => r.results.runId).join(',')}`,
    startedAt: used[used.length - 1].results.startedAt,
    cells: [...cells.values()],
  };
  return { base, used, notes };
}
