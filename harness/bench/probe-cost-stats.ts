import { median, pairedDifference, pairedRatio } from '../stats/interval.js';
import { logGamma } from '../stats/student-t.js';
import type { Estimate, Interval } from '../stats/types.js';

/** What one probe variant costs over the same service without the probe, from pairs run back to back. */
export interface VariantCost {
  variant: string;
  pairs: number;
  /** Median over pairs of `with / without − 1`, in percent. */
  medianPct: number;
  /** Distribution-free interval for that median (order statistics); null with too few pairs for the level. */
  medianCiPct: Interval | null;
  /** Geometric mean of the paired ratios minus 1, in percent, with a t-interval on their logs. */
  meanPct: Estimate;
  /** Paired difference in service CPU µs per request. */
  differenceUs: Estimate;
  /** From `meanPct`'s interval. `pass`: the whole interval lies under the budget; `fail`: all of it over; `inconclusive`: add pairs. */
  verdict: Verdict;
  /**
   * The same rule on `medianCiPct`, which assumes nothing about the tails: on this VM pairs of windows differ in
   * heavy-tailed bursts (middle half within ±2%, extremes past ±15%), which widen the t-interval far more than the
   * order-statistic one. Null without a median interval.
   */
  medianVerdict: Verdict | null;
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';

const judge = (ci: Interval, budgetPct: number): Verdict =>
  ci.high < budgetPct ? 'pass' : ci.low > budgetPct ? 'fail' : 'inconclusive';

export type VariantCostResult =
  | { status: 'ok'; cost: VariantCost }
  | { status: 'insufficient'; variant: string; reason: string };

function completePairs(
  withoutUs: readonly number[],
  withUs: readonly number[],
  positive: boolean,
): Array<[number, number]> {
  const ok = (x: number) => Number.isFinite(x) && (!positive || x > 0);
  return withoutUs.map((w, i): [number, number] => [w, withUs[i]]).filter(([a, b]) => ok(a) && ok(b));
}

/** P(X < k) for X ~ Binomial(n, ½). */
function binomialHalfBelow(k: number, n: number): number {
  let p = 0;
  for (let i = 0; i < k; i++) p += Math.exp(logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) - n * Math.LN2);
  return p;
}

/**
 * Interval for the median that assumes no distribution: the k-th smallest and k-th largest values, k the largest with
 * P(Binomial(n, ½) < k) ≤ (1 − level)/2, so it covers the median at least `level` of the time. One outlying pair, which
 * widens a t-interval, moves it by one rank at most. Null when n is too small (under 6 at 95%).
 */
export function medianInterval(values: readonly number[], level: number): Interval | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  let k = 0;
  while (k + 1 <= n / 2 && binomialHalfBelow(k + 1, n) <= (1 - level) / 2) k++;
  return k === 0 ? null : { low: sorted[k - 1], high: sorted[n - k], level };
}

const scale = (e: Estimate, by: number): Estimate => ({
  ...e,
  estimate: e.estimate * by,
  ci: { ...e.ci, low: e.ci.low * by, high: e.ci.high * by },
});

/**
 * Pairs `withoutUs[i]` and `withUs[i]` (CPU µs per request of runs in the same block) and judges the relative cost
 * against `budgetPct`. Pairs where either side is missing or not positive are left out.
 */
export function variantCost(
  variant: string,
  withoutUs: readonly number[],
  withUs: readonly number[],
  budgetPct: number,
  level: number,
): VariantCostResult {
  const pairs = completePairs(withoutUs, withUs, true);
  if (pairs.length < 2)
    return { status: 'insufficient', variant, reason: `needs at least 2 complete pairs, got ${pairs.length}` };
  const without = pairs.map(([a]) => a);
  const withProbe = pairs.map(([, b]) => b);
  const ratio = pairedRatio(without, withProbe, level)!;
  const ratiosPct = pairs.map(([a, b]) => (b / a - 1) * 100);
  const meanPct = scale(ratio, 100);
  const medianCiPct = medianInterval(ratiosPct, level);
  return {
    status: 'ok',
    cost: {
      variant,
      pairs: pairs.length,
      medianPct: median(ratiosPct),
      medianCiPct,
      meanPct,
      differenceUs: pairedDifference(without, withProbe, level)!,
      verdict: judge(meanPct.ci, budgetPct),
      medianVerdict: medianCiPct ? judge(medianCiPct, budgetPct) : null,
    },
  };
}

/** The probe's fixed cost on an idle service, where a ratio means nothing: CPU µs per second over the baseline. */
export type IdleCostResult =
  | { status: 'ok'; variant: string; pairs: number; medianUsPerSecond: number; differenceUsPerSecond: Estimate }
  | { status: 'insufficient'; variant: string; reason: string };

export function idleCost(
  variant: string,
  withoutUsPerSecond: readonly number[],
  withUsPerSecond: readonly number[],
  level: number,
): IdleCostResult {
  const pairs = completePairs(withoutUsPerSecond, withUsPerSecond, false);
  if (pairs.length < 2)
    return { status: 'insufficient', variant, reason: `needs at least 2 complete pairs, got ${pairs.length}` };
  const without = pairs.map(([a]) => a);
  const withProbe = pairs.map(([, b]) => b);
  return {
    status: 'ok',
    variant,
    pairs: pairs.length,
    medianUsPerSecond: median(withProbe),
    differenceUsPerSecond: pairedDifference(without, withProbe, level)!,
  };
}

/** `+0.42% [−0.31%, +1.17%]`: an estimate in percent with its interval. */
export function formatPct(e: Estimate): string {
  const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}%`;
  return `${pct(e.estimate)} [${pct(e.ci.low)}, ${pct(e.ci.high)}]`;
}
