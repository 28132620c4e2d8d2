import { tQuantile } from './student-t.js';
import type { Estimate } from './types.js';

/** The smallest change a comparison could detect: what a run says about its own resolution. */
export interface Resolution {
  /** On `scale`: ln(1 + change) for `log`, the metric's unit for `linear`. */
  change: number;
  scale: 'log' | 'linear';
  /** Confidence of the interval that must exclude no change, e.g. 0.95. */
  level: number;
  /** Chance that a real change of this size is detected, e.g. 0.8. */
  power: number;
}

export interface ResolutionOptions {
  /** @default 0.8 */
  power?: number;
  /**
   * Maps the estimate's own unit to the scale its interval was drawn on. @default Math.log1p for a `log` basis (a
   * relative change, as a fraction), identity for `linear`; pass Math.log for a level (a geometric mean).
   */
  toBasis?: (x: number) => number;
  /** Degrees of freedom of the interval's critical value. @default basis.df, else basis.n − 1 (a t-interval over n rounds) */
  df?: number;
}

/**
 * Minimum detectable change of a comparison at confidence `level` and 80% power, drawn from its own interval so it holds
 * for whatever estimator produced it: the half-width h on the interval's scale is q(ci.level)·se, so the change whose
 * interval clears zero in `power` of runs is se·(q(level) + q(power)) with q the t quantile at the interval's df. For a
 * t-interval over n rounds this is exactly power.ts's minimumDetectableChange(sd, n), which the "rounds to settle" hint
 * uses. Null when it cannot be known: no interval, fewer than 2 rounds, or a zero-width interval (no spread to go on).
 */
export function resolutionOf(
  estimate: Estimate | null | undefined,
  level = 0.95,
  options: ResolutionOptions = {},
): Resolution | null {
  if (!estimate) return null;
  const power = options.power ?? 0.8;
  const { scale } = estimate.basis;
  const toBasis = options.toBasis ?? (scale === 'log' ? Math.log1p : (x: number) => x);
  const df = options.df ?? estimate.basis.df ?? estimate.basis.n - 1;
  const ciLevel = estimate.ci.level;
  if (!(df > 0) || !(ciLevel > 0 && ciLevel < 1) || !(level > 0 && level < 1) || !(power > 0 && power < 1)) return null;
  const half = (toBasis(estimate.ci.high) - toBasis(estimate.ci.low)) / 2;
  if (!Number.isFinite(half) || !(half > 0)) return null;
  const se = half / tQuantile(1 - (1 - ciLevel) / 2, df);
  const change = se * (tQuantile(1 - (1 - level) / 2, df) + tQuantile(power, df));
  return { change, scale, level, power };
}

/** The resolution as a person reads it: ±X% for a log scale (ln ratio mapped back), ±X in the unit for a linear one. */
export function resolutionValue(resolution: Resolution): number {
  return resolution.scale === 'log' ? Math.expm1(resolution.change) * 100 : resolution.change;
}
