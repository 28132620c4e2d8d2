import type { CellResult, Results } from '../results/types.js';
import type { Proportion } from '../stats/binomial.js';
import { whereMatches, whereText } from '../plan/where.js';
import { verdictsOf } from './judge.js';
import {
  COVERAGE_METRICS,
  type Budget,
  type Check,
  type CoverageMetricName,
  type Limit,
  type Verdict,
  type Verdicts,
} from './types.js';

const LEVEL = 0.95;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function proportionOf(cell: CellResult, metric: CoverageMetricName): Proportion | undefined {
  const c = cell.summary?.coverage;
  if (!c) return undefined;
  return {
    'coverage.traces': c.traces,
    'coverage.errors': c.errors,
    'coverage.slow': c.slow,
    'coverage.whole': c.whole,
  }[metric];
}

/**
 * A lower bound on a share kept, judged on the pooled Wilson interval: fail when the whole interval lies below the
 * bound, pass when it lies at or above, inconclusive when it straddles (more rounds, or a higher rate, draw more).
 */
function coverageCheck(
  id: string,
  cell: CellResult,
  metric: CoverageMetricName,
  limit: Limit & { kind: 'atLeast' },
): Check {
  const p = proportionOf(cell, metric);
  const bound = limit.value;
  const below = (x: number) => (limit.strict ? x <= bound : x < bound);
  let verdict: Verdict;
  let message: string;
  if (!p) {
    // A traced cell that measured no coverage is not judged silently, nor passed.
    verdict = 'inconclusive';
    message = `${metric} was not measured in this cell: coverage needs ground truth, which only the reference service records (this cell's service is not it, or its spans were counted by the probe).`;
  } else if (p.of === 0) {
    verdict = 'inconclusive';
    message = `no request of this kind was sent in the window, so nothing could be kept; raise load.durationSeconds or the rate.`;
  } else if (below(p.high)) {
    verdict = 'fail';
    message = `kept ${p.kept} of ${p.of} (${pct(p.fraction)}, 95% CI ${pct(p.low)}–${pct(p.high)}): below ${limit.text} even at the top of the interval.`;
  } else if (!below(p.low)) {
    verdict = 'pass';
    message = `kept ${p.kept} of ${p.of} (${pct(p.fraction)}, 95% CI ${pct(p.low)}–${pct(p.high)}): within ${limit.text}.`;
  } else {
    verdict = 'inconclusive';
    message = `kept ${p.kept} of ${p.of} (${pct(p.fraction)}, 95% CI ${pct(p.low)}–${pct(p.high)}): the interval straddles ${limit.text}; more requests (rounds, window or rate) narrow it.`;
  }
  return {
    id,
    kind: 'budget',
    cellId: cell.id,
    ...(cell.variant !== undefined ? { variant: cell.variant } : {}),
    metric,
    verdict,
    measured: p
      ? { estimate: p.fraction * 100, low: p.low * 100, high: p.high * 100, unit: '%', level: LEVEL }
      : { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, unit: '%', level: LEVEL },
    of: 'value',
    limit: { text: limit.text, value: bound * 100 },
    judgedOn: 'interval',
    message,
    // A binomial interval on one window's requests: no rounds, so no minimum detectable change to state.
    resolution: null,
  };
}

/** The coverage limits of the budgets on every traced cell: judged where coverage was measured, inconclusive where not. */
export function evaluateCoverageBudgets(results: Results, budgets: readonly Budget[]): Verdicts {
  const checks: Check[] = [];
  const notes: string[] = [];
  budgets.forEach((budget, index) => {
    const limits = COVERAGE_METRICS.flatMap((m) => {
      const limit = budget.limits[m];
      return limit && limit.kind === 'atLeast' ? [[m, limit] as const] : [];
    });
    if (limits.length === 0) return;
    const matching = results.cells.filter((c) => whereMatches(budget.where, c.id, c.settings, c.variant));
    const measured = matching.filter((c) => c.summary?.coverage);
    // Judged: every cell that measured coverage, and every measured traced cell that did not (inconclusive, saying why).
    const judged = matching.filter(
      (c) => c.summary?.coverage || (c.settings.tracing === 'sdk' && c.trials.some((t) => t.status === 'ok')),
    );
    if (measured.length === 0)
      notes.push(
        `budgets[${index}] (${whereText(budget.where)}) limits coverage, but no matching cell measured it (coverage needs the reference service and a traced cell).`,
      );
    for (const cell of judged)
      for (const [metric, limit] of limits)
        checks.push(
          coverageCheck(
            `budget[${index}]:${metric}:${cell.id}${cell.variant !== undefined ? `@${cell.variant}` : ''}`,
            cell,
            metric,
            limit,
          ),
        );
  });
  return verdictsOf(checks, notes);
}
