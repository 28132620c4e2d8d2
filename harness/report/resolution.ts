import { resolutionSentence, statesResolution } from '../budget/judge.js';
import type { Check, Verdicts } from '../budget/types.js';

const KIND: Record<Check['kind'], string> = { budget: 'budget', regression: 'regression', ab: 'A/B', cell: 'cell' };

/** The checks whose resolution a view states: every one judged on an interval of rounds. */
export function resolutionChecks(verdicts: Verdicts): Check[] {
  return verdicts.checks.filter(statesResolution);
}

/** One line per judged comparison for the console: `always_on~batch@head (A/B): this run could detect changes of ±4.2% in …`. */
export function resolutionLines(verdicts: Verdicts): string[] {
  return resolutionChecks(verdicts).map(
    (c) =>
      `resolution: ${c.cellId}${c.variant !== undefined ? `@${c.variant}` : ''} (${KIND[c.kind]}): ${resolutionSentence(c)}`,
  );
}
