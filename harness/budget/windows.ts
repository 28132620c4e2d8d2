import { unjudgedByWindows } from '../plan/windows-pairings.js';
import type { CellResult, WindowsComparison } from '../results/types.js';
import { judgedInterval } from '../results/windows-interval.js';
import type { Budget, Check, Verdicts } from './types.js';
import { formatMeasured, formatValue } from './format.js';
import { verdictsOf } from './judge.js';

/** The nested MDC is drawn at these (harness/stats/nested.ts, nestedMdc's defaults). */
const MDC_LEVEL = 0.95;
const MDC_POWER = 0.8;

/** `always_on~batch@head vs base`: the side names, unless they are the baseline and the cell itself. */
export function windowsSubject(c: Pick<WindowsComparison, 'cellId' | 'a' | 'b'>): { variant?: string } {
  return c.a === 'baseline' && c.b === c.cellId ? {} : { variant: c.b };
}

/** The change it could detect, as a fraction; null when unknown (no interval, or too few pairs per set). */
export function windowsMdc(c: WindowsComparison): number | null {
  return c.nested && Number.isFinite(c.nested.mdc) ? c.nested.mdc : null;
}

export const validPairs = (c: WindowsComparison) => c.pairs.filter((p) => p.valid).length;

const STOPPED: Record<WindowsComparison['stoppedBy'], string> = {
  decided: 'stopped as soon as it was decided',
  time: 'its time was up',
  pairs: 'it reached its pairs',
  aborted: 'the run was interrupted',
};

function message(c: WindowsComparison, check: Pick<Check, 'measured' | 'judgedOn' | 'of'>, kind: string): string {
  const limit = formatValue(100 * c.limit, '%', true);
  const sides = `${c.b} against ${c.a}`;
  const how = `${validPairs(c)} valid pairs of ${c.windowSeconds} s windows over ${c.nested?.clusters ?? c.processes} process sets, ${Math.round(c.elapsedSeconds)} s; ${STOPPED[c.stoppedBy]}`;
  const budget = c.budget ? `budgets[${c.budget.index}] cpuUsPerRequest ${c.budget.text}: ` : '';
  const what = `${budget}CPU µs/request change of ${sides} ${formatMeasured(check)}`;
  if (c.verdict === 'pass') return `${what} is within ${limit} over its whole ${kind} interval (${how}).`;
  if (c.verdict === 'fail') return `${what} is beyond ${limit} over its whole ${kind} interval (${how}).`;
  if (!Number.isFinite(check.measured.estimate))
    return `CPU µs/request change of ${sides}: too few valid pairs for an interval (${how}); measure longer (method.maxMinutes) or check the warnings.`;
  return `${what} straddles ${limit} (${how}): measure longer (method.maxMinutes, or --until-decided --max-minutes N) or with more process sets.`;
}

/** One A/B check per windows comparison, with the verdict the run drew and the nested interval's MDC as its resolution. */
export function windowsCheck(c: WindowsComparison): Check {
  const judged = judgedInterval(c);
  const i = judged?.interval;
  const measured = {
    estimate: i ? 100 * i.estimate : Number.NaN,
    low: i ? 100 * i.low : Number.NaN,
    high: i ? 100 * i.high : Number.NaN,
    unit: '%' as const,
    level: i ? i.level : Number.NaN,
  };
  const mdc = windowsMdc(c);
  const partial = { measured, of: 'change' as const, judgedOn: 'interval' as const };
  return {
    // A budget's check keeps the id the trials method gives it, so a gate reads the same check either way.
    id: c.budget
      ? `budget[${c.budget.index}]:cpuUsPerRequest:${c.cellId}`
      : `windows:cpuUsPerRequest:${c.cellId}:${c.b}-vs-${c.a}`,
    kind: c.budget ? 'budget' : 'ab',
    cellId: c.cellId,
    ...windowsSubject(c),
    metric: 'cpuUsPerRequest',
    verdict: c.verdict,
    ...partial,
    limit: { text: formatValue(100 * c.limit, '%', true), value: 100 * c.limit },
    message: message(c, partial, judged?.kind ?? 'nested'),
    resolution: mdc === null ? null : { value: 100 * mdc, unit: '%', level: MDC_LEVEL, power: MDC_POWER },
    method: 'windows',
  };
}

/**
 * The verdicts of a windows run: its comparisons, a cell's against the baseline judged on its `cpuUsPerRequest: +N%`
 * budget where one covers it; a note names the budget limits a windows run cannot judge (unjudgedByWindows).
 */
export function windowsVerdicts(
  comparisons: readonly WindowsComparison[],
  budgets: readonly Budget[],
  cells: readonly Pick<CellResult, 'id' | 'settings'>[],
): Verdicts {
  const againstBaseline = cells.filter((cell) =>
    comparisons.some((c) => c.cellId === cell.id && windowsSubject(c).variant === undefined),
  );
  const unjudged = unjudgedByWindows(budgets, againstBaseline);
  const notes =
    unjudged.length > 0
      ? [
          `${unjudged.length} budget limit${unjudged.length === 1 ? '' : 's'} not judged (${unjudged.join(', ')}): the windows method measures changes of CPU per request between two sides, so it judges only cpuUsPerRequest: +N% limits on cells compared with the baseline; run the trials method (no method: windows) for the others.`,
        ]
      : [];
  return verdictsOf(comparisons.map(windowsCheck), notes);
}
