import { noValidTrialReason } from '../results/summary.js';
import type { Results, TrialRecord } from '../results/types.js';
import { verdictsOf } from './judge.js';
import type { Check, Verdicts } from './types.js';

/** Every trial of a cell (and variant), wherever results hold it. */
export function trialsOf(results: Results, cellId: string, variant?: string): TrialRecord[] {
  return results.cells
    .filter((c) => c.id === cellId)
    .flatMap((c) => c.trials.filter((t) => (t.variant ?? c.variant) === variant));
}

/** Why a cell (and variant) has nothing valid to judge, or undefined when a trial counted or none ran. */
export type NoValidReason = (cellId: string, variant?: string) => string | undefined;

export function noValidReasons(results: Results): NoValidReason {
  const cache = new Map<string, string | undefined>();
  return (cellId, variant) => {
    const key = variant === undefined ? cellId : `${cellId}\u0000${variant}`;
    if (!cache.has(key)) cache.set(key, noValidTrialReason(trialsOf(results, cellId, variant)));
    return cache.get(key);
  };
}

/**
 * One `error` check per cell (and variant) whose trials ran but none was valid, whether or not a budget covers it: a
 * run that measured nothing valid in a cell has failed there, and must not pass (or read "inconclusive") on nothing.
 */
export function cellErrorChecks(results: Results): Verdicts {
  const reasonOf = noValidReasons(results);
  const checks: Check[] = results.cells.flatMap((cell) => {
    const reason = reasonOf(cell.id, cell.variant);
    if (reason === undefined) return [];
    const name = cell.variant === undefined ? cell.id : `${cell.id}@${cell.variant}`;
    return [
      {
        id: `cell:${name}`,
        kind: 'cell',
        cellId: cell.id,
        ...(cell.variant !== undefined ? { variant: cell.variant } : {}),
        metric: 'trials',
        verdict: 'error',
        measured: { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, unit: '%', level: Number.NaN },
        of: 'value',
        limit: { text: '≥ 1 valid trial', value: 1 },
        judgedOn: 'interval',
        message: `${reason}.`,
        resolution: null,
      } satisfies Check,
    ];
  });
  // Results of separate cells by the same id (one per variant) yield one check each; the same cell twice, once.
  const unique = [...new Map(checks.map((c) => [c.id, c])).values()];
  return verdictsOf(unique, []);
}
