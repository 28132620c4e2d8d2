import { mean, standardDeviation } from './interval.js';
import { tQuantile } from './student-t.js';
import type { MetricAnalysis } from './types.js';

/** Confidence and power of the minimum detectable change. */
export interface PowerOptions {
  /** Confidence level of the interval that must exclude no change. @default 0.95 */
  level?: number;
  /** Chance that a real change of the given size is detected. @default 0.8 */
  power?: number;
}

/** Rounds past which we stop counting: a change that needs more cannot be settled by adding rounds. */
export const MAX_ROUNDS = 1000;

/**
 * Smallest change (on the scale of `sd`) that N paired rounds detect with the given power: the interval's half-width
 * plus the distance that puts its edge past zero in `power` of runs, (t₁₋α/₂ + t_power) · sd / √N, both with N − 1 df.
 */
export function minimumDetectableChange(sd: number, rounds: number, options: PowerOptions = {}): number {
  if (rounds < 2) return Number.POSITIVE_INFINITY;
  const level = options.level ?? 0.95;
  const power = options.power ?? 0.8;
  const df = rounds - 1;
  return ((tQuantile(1 - (1 - level) / 2, df) + tQuantile(power, df)) * sd) / Math.sqrt(rounds);
}

/** Fewest rounds (≥ 2) whose minimum detectable change is at most `change`; Infinity past MAX_ROUNDS. */
export function roundsToDetect(sd: number, change: number, options: PowerOptions = {}): number {
  if (!(change > 0)) return Number.POSITIVE_INFINITY;
  for (let n = 2; n <= MAX_ROUNDS; n++) if (minimumDetectableChange(sd, n, options) <= change) return n;
  return Number.POSITIVE_INFINITY;
}

export interface NoiseFloor {
  /** A/A rounds measured. */
  rounds: number;
  /** Mean of the per-round relative differences: near 0 for a true A/A; far from it, the two sides were not alike. */
  meanRelative: number;
  /** Spread (sd) of the per-round relative differences, as a fraction; computed on log ratios, then mapped back. */
  sdRelative: number;
  /** Minimum detectable change (fraction, +) at `level` and `power` with as many rounds as were measured. */
  mdcRelative: number;
  /** Minimum detectable change for other round counts: [rounds, fraction]. */
  mdcByRounds: { rounds: number; mdcRelative: number }[];
  /** With a threshold: the rounds a change of that size needs (Infinity when more than MAX_ROUNDS). */
  roundsForThreshold?: { threshold: number; rounds: number };
  level: number;
  power: number;
}

/**
 * The noise floor from A/A rounds: `relativeDifferences` are per-round `b / a − 1` of the same cell measured twice in
 * one round. Works on log ratios, as the verdicts do, so the floor it reports is the one the verdicts will see.
 */
export function noiseFloor(
  relativeDifferences: readonly number[],
  options: PowerOptions & { threshold?: number; roundsToShow?: number[] } = {},
): NoiseFloor {
  const level = options.level ?? 0.95;
  const power = options.power ?? 0.8;
  const logs = relativeDifferences.filter((d) => d > -1).map((d) => Math.log1p(d));
  const sdLog = standardDeviation(logs);
  const mdc = (n: number) => Math.expm1(minimumDetectableChange(sdLog, n, { level, power }));
  const floor: NoiseFloor = {
    rounds: logs.length,
    meanRelative: logs.length ? Math.expm1(mean(logs)) : 0,
    sdRelative: Math.expm1(sdLog),
    mdcRelative: mdc(logs.length),
    mdcByRounds: (options.roundsToShow ?? [3, 5, 10, 20, 30]).map((rounds) => ({ rounds, mdcRelative: mdc(rounds) })),
    level,
    power,
  };
  if (options.threshold !== undefined) {
    floor.roundsForThreshold = {
      threshold: options.threshold,
      rounds: roundsToDetect(sdLog, Math.log1p(options.threshold), { level, power }),
    };
  }
  return floor;
}

/** Per-round relative differences `b / a − 1`, paired by index; pairs with a value of 0 or less are left out. */
export function relativeDifferences(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] > 0 && b[i] > 0) out.push(b[i] / a[i] - 1);
  return out;
}

/** Per-round `b / a − 1` of two analysed sides of an A/A run (two variants, or two cells), paired by round. */
export function pairedRelativeDifferences(
  a: Pick<MetricAnalysis, 'values'>,
  b: Pick<MetricAnalysis, 'values'>,
): number[] {
  const byRound = new Map(a.values.map((v) => [v.round, v.value]));
  const paired = b.values.filter((v) => byRound.has(v.round));
  return relativeDifferences(
    paired.map((v) => byRound.get(v.round) as number),
    paired.map((v) => v.value),
  );
}
