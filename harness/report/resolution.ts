import { resolutionSentence, statesResolution } from '../budget/judge.js';
import { MICRO_METRIC, type Check, type Verdicts } from '../budget/types.js';

const KIND: Record<Check['kind'], string> = { budget: 'budget', regression: 'regression', ab: 'A/B', cell: 'cell' };

/** The checks whose resolution a view states: every one judged on an interval of rounds. */
export function resolutionChecks(verdicts: Verdicts): Check[] {
  return verdicts.checks.filter(statesResolution);
}

/** The metrics the console states a resolution for: the primary ones; summary.md lists every check. */
const CONSOLE_METRICS = new Set(['cpuUsPerRequest', MICRO_METRIC]);

/**
 * One line per judged comparison of CPU per request (or micro ns/op) for the console, `always_on~batch@head (A/B): this
 * run could detect changes of ±4.2% in …`, and one line counting the other checks, whose resolution summary.md gives.
 */
export function resolutionLines(verdicts: Verdicts): string[] {
  const checks = resolutionChecks(verdicts);
  const shown = checks.filter((c) => CONSOLE_METRICS.has(c.metric));
  const lines = shown.map(
    (c) =>
      `resolution: ${c.cellId}${c.variant !== undefined ? `@${c.variant}` : ''} (${KIND[c.kind]}): ${resolutionSentence(c)}`,
  );
  const others = checks.length - shown.length;
  if (others > 0)
    lines.push(`resolution of ${others} other check${others === 1 ? '' : 's'} (latency, memory, spans): in summary.md`);
  return lines;
}
