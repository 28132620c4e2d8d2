import { tQuantile } from './student-t.js';
import type { Interval } from './types.js';

/** One pair of adjacent windows: the log ratio of B's CPU per request over A's, and the process set both came from. */
export interface NestedPair {
  /** Process index shared by the pair's two windows: pairs of one index share both sides' processes. */
  cluster: number;
  logRatio: number;
}

/** Share trimmed from each end of a cluster's pairs: pair differences here are heavy-tailed (middle half ±2%, extremes past ±15%). */
export const TRIM = 0.2;

export interface NestedEstimate {
  /** Relative change B/A − 1 (fraction). */
  estimate: number;
  /** On the same scale as `estimate`. */
  ci: Interval;
  /** Mean log ratio: the trimmed mean of each cluster, averaged over clusters. */
  logEstimate: number;
  /** Standard error of `logEstimate`, both components. */
  logSe: number;
  df: number;
  pairs: number;
  clusters: number;
  /** SD of one pair's log ratio within a process set (robust: winsorized, rescaled for the trimming). */
  withinSd: number;
  /** SD of the process sets' own mean log ratios beyond what within noise explains (0 when none is seen). */
  betweenSd: number;
  /** Share of the variance of `logEstimate` that comes from differences between processes (0..1). */
  betweenShare: number;
  /**
   * The between-process variance before flooring at 0 (the sets' means' spread less what within-set noise explains):
   * unbiased, so several runs' can be averaged (`pooledBetweenSd`).
   */
  betweenVarUnfloored: number;
}

export function trimmed(values: readonly number[], g: number): { mean: number; winsorizedVar: number; n: number } {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const k = Math.floor(g * n);
  let sum = 0;
  for (let i = k; i < n - k; i++) sum += s[i];
  const mean = sum / (n - 2 * k);
  const w = s.map((_, i) => s[Math.min(Math.max(i, k), n - 1 - k)]);
  const wm = w.reduce((t, x) => t + x, 0) / n;
  const winsorizedVar = n > 1 ? w.reduce((t, x) => t + (x - wm) ** 2, 0) / (n - 1) : 0;
  return { mean, winsorizedVar, n };
}

/**
 * Change of B over A from window pairs nested in process sets. Each set's pairs give a trimmed mean (robust to bursts
 * of machine noise); the sets' means are averaged. Its standard error adds the within-set noise (Tukey–McLaughlin:
 * winsorized variance) and, when the sets' means spread more than that explains, uses their spread instead, with as
 * many degrees of freedom as sets less one: when processes differ, the interval is as wide as few sets make it, so 90
 * windows of 2 processes never pass for 90 independent samples. Null with fewer than 2 pairs in any set.
 */
export function nestedRatio(pairs: readonly NestedPair[], level = 0.95): NestedEstimate | null {
  const byCluster = new Map<number, number[]>();
  for (const p of pairs)
    if (Number.isFinite(p.logRatio)) byCluster.set(p.cluster, [...(byCluster.get(p.cluster) ?? []), p.logRatio]);
  const clusters = [...byCluster.values()].map((v) => trimmed(v, TRIM));
  if (clusters.length === 0 || clusters.some((c) => c.n < 2)) return null;
  const P = clusters.length;
  const N = clusters.reduce((t, c) => t + c.n, 0);
  const dfWithin = clusters.reduce((t, c) => t + (c.n - 2 * Math.floor(TRIM * c.n) - 1), 0);
  const withinVar =
    clusters.reduce((t, c) => t + (c.n - 1) * c.winsorizedVar, 0) /
    clusters.reduce((t, c) => t + c.n - 1, 0) /
    (1 - 2 * TRIM) ** 2;
  const logEstimate = clusters.reduce((t, c) => t + c.mean, 0) / P;
  // Each set's mean has within variance withinVar / n; what the sets' spread shows beyond that is between-process.
  const meanWithinVar = clusters.reduce((t, c) => t + withinVar / c.n, 0) / P;
  const spread = P > 1 ? clusters.reduce((t, c) => t + (c.mean - logEstimate) ** 2, 0) / (P - 1) : 0;
  const betweenVarUnfloored = P > 1 ? spread - meanWithinVar : 0;
  const betweenVar = Math.max(0, betweenVarUnfloored);
  const a = betweenVar / P;
  const b = meanWithinVar / P;
  // When the sets' means spread more than within noise explains, the interval is the cluster-level one (P − 1 df);
  // a DerSimonian–Laird variance with Satterthwaite df missed 12% of A/A runs at 3 sets in test/stats/nested.test.ts.
  // With 2 sets no rule is valid when processes differ: this one missed 14% at a 1% process SD (1,000 simulated A/A
  // runs of 48 pairs, 2% pair SD), a stricter pre-test 26%; 3 sets or more keep it at or below 7%.
  const clusterLevel = P > 1 && spread > meanWithinVar;
  const se = Math.sqrt(clusterLevel ? spread / P : b);
  const df = clusterLevel ? P - 1 : Math.max(1, dfWithin);
  const half = se === 0 ? 0 : tQuantile(1 - (1 - level) / 2, df) * se;
  return {
    estimate: Math.expm1(logEstimate),
    ci: { low: Math.expm1(logEstimate - half), high: Math.expm1(logEstimate + half), level },
    logEstimate,
    logSe: se,
    df,
    pairs: N,
    clusters: P,
    withinSd: Math.sqrt(withinVar),
    betweenSd: Math.sqrt(betweenVar),
    betweenShare: a + b > 0 ? a / (a + b) : 0,
    betweenVarUnfloored,
  };
}

/**
 * Minimum detectable change (fraction) of a windows run with `pairs` pairs over `processes` sets, given the components
 * measured: (t₁₋α/₂ + t_power) · SE, with the degrees of freedom `nestedRatio` uses (sets − 1 once sets differ).
 */
export function nestedMdc(
  withinSd: number,
  betweenSd: number,
  pairs: number,
  processes: number,
  options: { level?: number; power?: number } = {},
): number {
  const level = options.level ?? 0.95;
  const power = options.power ?? 0.8;
  if (pairs < 2 * processes) return Number.POSITIVE_INFINITY;
  const a = betweenSd ** 2 / processes;
  const b = withinSd ** 2 / pairs;
  const df = a > 0 ? Math.max(1, processes - 1) : Math.max(1, Math.floor(pairs * (1 - 2 * TRIM)) - processes);
  return Math.expm1((tQuantile(1 - (1 - level) / 2, df) + tQuantile(power, df)) * Math.sqrt(a + b));
}
