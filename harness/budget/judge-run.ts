import { crossMachineNote } from '../results/machines.js';
import type { Results } from '../results/types.js';
import { analyse } from '../stats/analyse.js';
import type { Analysis } from '../stats/types.js';
import { cellErrorChecks, noValidReasons } from './cell-errors.js';
import { compareVariants } from './compare.js';
import { evaluateCoverageBudgets } from './coverage.js';
import { evaluateBudgets } from './evaluate.js';
import { mergeVerdicts, verdictsOf } from './judge.js';
import { evaluateMicroBudgets } from './micro.js';
import { compareMicroVariants, DEFAULT_MICRO_THRESHOLD } from './micro-compare.js';
import type { Budget, Verdicts } from './types.js';
import { windowsVerdicts } from './windows.js';

export interface Judged {
  analysis: Analysis;
  verdicts: Verdicts;
}

/** One note per limit a budget wrote under a metric's old name: it still counts, under the new one. */
export function renamedMetricNotes(budgets: readonly Budget[]): string[] {
  const notes = budgets.flatMap((b) =>
    Object.entries(b.limits).flatMap(([metric, limit]) =>
      limit?.writtenAs ? [`budget metric ${limit.writtenAs} is now called ${metric}: rename it in the budget`] : [],
    ),
  );
  return [...new Set(notes)];
}

/**
 * The verdict stage: cells with no valid trial (error), analysis of results.json, its budgets (the config's, with any
 * --budgets file merged in before the run, so results.json holds all of them; micro.nsPerOp limits on its micro
 * section) and, with variants (of the cells, or of a micro A/B), the A/B checks. A windows run: one A/B check per
 * comparison.
 */
export function judgeRun(results: Results, options: { threshold: number; microThreshold?: number }): Judged {
  const analysis = analyse(results, { seed: results.seed });
  const budgets = results.config.budgets ?? [];
  // A windows run's cells carry no trials: its comparisons are its checks.
  if (results.windows) return { analysis, verdicts: windowsVerdicts(results.windows, budgets) };
  const sets = [
    cellErrorChecks(results),
    evaluateBudgets(analysis, results, budgets),
    evaluateMicroBudgets(results.micro, budgets, analysis.level),
    evaluateCoverageBudgets(results, budgets),
    verdictsOf([], renamedMetricNotes(budgets)),
  ];
  if ((results.config.variants?.length ?? 0) > 1)
    sets.push(compareVariants(analysis, { threshold: options.threshold, noValid: noValidReasons(results) }));
  if (results.micro && (results.micro.variants?.length ?? 0) > 1)
    sets.push(
      compareMicroVariants(results.micro, {
        budgets,
        threshold: options.microThreshold ?? DEFAULT_MICRO_THRESHOLD,
        level: analysis.level,
      }),
    );
  const verdicts = mergeVerdicts(...sets);
  const cross = crossMachineNote(results);
  if (cross) verdicts.notes.push(cross);
  return { analysis, verdicts };
}
