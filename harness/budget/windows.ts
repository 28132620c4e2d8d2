import { unjudgedByWindows } from '../plan/windows-pairings.js';
import type { WindowsComparison } from '../results/types.js';
import { judgedInterval } from '../results/windows-interval.js';
import { calibrationNote } from '../results/calibration.js';
import type { Budget, Check, Verdicts } from './types.js';
import { formatMeasured, formatValue } from './format.js';
import { verdictsOf } from './judge.js';
import { decide } from '../stats/sequential.js';

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

/** What one check of a comparison holds it to: a covering budget's limit, or method.limitPct. */
interface Target {
  limit: number;
  verdict: WindowsComparison['verdict'];
  budget?: { index: number; text: string };
}

function message(
  c: WindowsComparison,
  t: Target,
  check: Pick<Check, 'measured' | 'judgedOn' | 'of'>,
  kind: string,
): string {
  const limit = formatValue(100 * t.limit, '%', true);
  const sides = `${c.b} against ${c.a}`;
  const calibrated = calibrationNote(c);
  const how = `${validPairs(c)} valid pairs of ${c.windowSeconds} s windows over ${c.nested?.clusters ?? c.processes} process sets, ${Math.round(c.elapsedSeconds)} s; ${STOPPED[c.stoppedBy]}${calibrated ? `; ${calibrated}` : ''}`;
  const budget = t.budget ? `budgets[${t.budget.index}] cpuUsPerRequest ${t.budget.text}: ` : '';
  const what = `${budget}CPU µs/request change of ${sides} ${formatMeasured(check)}`;
  if (t.verdict === 'pass') return `${what} is within ${limit} over its whole ${kind} interval (${how}).`;
  if (t.verdict === 'fail') return `${what} is beyond ${limit} over its whole ${kind} interval (${how}).`;
  if (!Number.isFinite(check.measured.estimate))
    return `${budget}CPU µs/request change of ${sides}: too few valid pairs for an interval (${how}); measure longer (method.maxMinutes) or check the warnings.`;
  return `${what} straddles ${limit} (${how}): ${settleBy(c)}.`;
}

/** Above this share of the interval's variance, how much the few process sets differ is what keeps it wide. */
const SETS_BOUND_SHARE = 0.5;

/**
 * What would settle an inconclusive comparison. When most of its interval is how much its few sets differ (3 degrees
 * of freedom at 4 sets), more time narrows only the rest; a calibration of the machine lends the degrees of freedom
 * instead (docs/precision.md: at 3 minutes ±3.75% alone, ±3.0% with one).
 */
export const setsBound = (
  c: WindowsComparison,
): c is WindowsComparison & { nested: NonNullable<WindowsComparison['nested']> } =>
  !c.calibration && c.nested !== null && c.nested.betweenShare > SETS_BOUND_SHARE;

function settleBy(c: WindowsComparison): string {
  const longer = 'measure longer (method.maxMinutes, or --until-decided --max-minutes N)';
  if (setsBound(c))
    return `its ${c.nested.clusters} process sets differ more than their windows' noise explains (${Math.round(100 * c.nested.betweenShare)}% of the interval's variance, ${Math.round(c.nested.df)} degrees of freedom), which time barely narrows: calibrate this machine (tracebench calibrate --method windows, then run --calibration FILE), use more process sets, or ${longer}`;
  return `${longer} or with more process sets`;
}

/**
 * The checks of one windows comparison, each with the interval its verdict used and the nested interval's MDC as its
 * resolution: one budget check per covering `cpuUsPerRequest: +N%` budget (with the id the trials method gives it, so
 * a gate reads the same check either way), else one A/B check at method.limitPct.
 */
export function windowsChecks(c: WindowsComparison): Check[] {
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
  const subject = windowsSubject(c);
  const targets: Target[] = c.budgets?.length
    ? c.budgets.map((b) => ({
        limit: b.limit,
        verdict: i ? decide(i, b.limit) : 'inconclusive',
        budget: { index: b.index, text: b.text },
      }))
    : [{ limit: c.limit, verdict: c.verdict }];
  return targets.map((t) => ({
    id: t.budget
      ? `budget[${t.budget.index}]:cpuUsPerRequest:${c.cellId}${subject.variant !== undefined ? `@${subject.variant}` : ''}`
      : `windows:cpuUsPerRequest:${c.cellId}:${c.b}-vs-${c.a}`,
    kind: t.budget ? 'budget' : 'ab',
    cellId: c.cellId,
    ...subject,
    metric: 'cpuUsPerRequest',
    verdict: t.verdict,
    ...partial,
    limit: { text: t.budget?.text ?? formatValue(100 * t.limit, '%', true), value: 100 * t.limit },
    message: message(c, t, partial, judged?.kind ?? 'nested'),
    resolution: mdc === null ? null : { value: 100 * mdc, unit: '%', level: MDC_LEVEL, power: MDC_POWER },
    method: 'windows',
  }));
}

/**
 * The verdicts of a windows run: its comparisons' checks (windowsChecks); a note names the budget limits a windows run
 * cannot judge (unjudgedByWindows), from the budgets each comparison recorded as covering it.
 */
export function windowsVerdicts(comparisons: readonly WindowsComparison[], budgets: readonly Budget[]): Verdicts {
  const unjudged = unjudgedByWindows(
    budgets,
    new Set(comparisons.flatMap((c) => (c.budgets ?? []).map((b) => b.index))),
  );
  const notes: string[] = [];
  if (unjudged.length > 0)
    notes.push(
      `${unjudged.length} budget limit${unjudged.length === 1 ? '' : 's'} not judged (${unjudged.join(', ')}): the windows method measures changes of CPU per request between two sides, so it judges only cpuUsPerRequest: +N% limits, on cells compared with the baseline or with the first variant; run the trials method (no method: windows) for the others.`,
    );
  const bound = comparisons.filter((c) => c.verdict === 'inconclusive' && setsBound(c));
  if (bound.length > 0)
    notes.push(
      `${bound.map((c) => `${c.cellId} ${c.b} vs ${c.a}`).join(', ')}: inconclusive, mostly because the run's few process sets differ more than their windows' noise explains, which time barely narrows; a calibration of this machine lends the degrees of freedom they lack (tracebench calibrate --method windows, then run --calibration FILE).`,
    );
  return verdictsOf(comparisons.flatMap(windowsChecks), notes);
}
