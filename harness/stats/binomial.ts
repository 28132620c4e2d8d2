// Wilson's score interval (Wilson 1927) for a binomial proportion: unlike the Wald interval p ± z·√(p(1−p)/n), it
// does not collapse to zero width at 0 or n successes, which is exactly where coverage numbers live (100% of errors
// kept, 0 of 3 slow traces kept).

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function tail(q: number): number {
  return (
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  );
}

/** Standard normal quantile by Acklam's rational approximation (relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (p < P_LOW) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - P_LOW) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for `successes` out of `trials` at two-sided `level`; [0, 1] when there were no trials. */
export function wilsonInterval(successes: number, trials: number, level = 0.95): Interval {
  if (!(Number.isInteger(successes) && Number.isInteger(trials) && successes >= 0 && successes <= trials)) {
    throw new RangeError(`need whole numbers 0 <= successes <= trials, got ${successes} of ${trials}`);
  }
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (trials === 0) return { low: 0, high: 1 };
  const z = normalQuantile(1 - (1 - level) / 2);
  const z2 = z * z;
  const p = successes / trials;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))) / denominator;
  // The bounds are exact at the edges; rounding must not move them off 0 or 1.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}

/** `kept` of `of`, as a fraction with its Wilson interval. */
export interface Proportion extends Interval {
  kept: number;
  of: number;
  /** kept / of; NaN when `of` is 0 (nothing to keep: the interval is then [0, 1], so any budget on it is inconclusive). */
  fraction: number;
}

export function proportion(kept: number, of: number, level = 0.95): Proportion {
  return { kept, of, fraction: of === 0 ? Number.NaN : kept / of, ...wilsonInterval(kept, of, level) };
}
