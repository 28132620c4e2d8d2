import { fCdf, tQuantile } from './student-t.js';
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
  /** Degrees of freedom of `withinSd`: the pairs each set's trimmed mean keeps, less one, summed. */
  withinDf: number;
  /** SD of the process sets' own mean log ratios beyond what within noise explains (0 when none is seen). */
  betweenSd: number;
  /** Share of the variance of `logEstimate` that comes from differences between processes (0..1). */
  betweenShare: number;
  /**
   * The between-process variance before flooring at 0 (the sets' means' spread less what within-set noise explains):
   * unbiased, so several runs' can be averaged (`pooledPrior`).
   */
  betweenVarUnfloored: number;
  /** Variance of `logEstimate` from the processes (0 when none is seen), and its degrees of freedom. */
  betweenPartVar: number;
  betweenDf: number;
  /** Whether a prior was given and pooled with the run's sets, or given and refused because the sets spread more. */
  prior: 'none' | 'pooled' | 'misfit';
}

/**
 * The between-process variance of a method on a machine, measured before (`pooledPrior` over A/A runs): what one
 * run's few sets cannot estimate well on their own (4 sets: 3 degrees of freedom), several runs can.
 */
export interface ProcessPrior {
  /** Variance of a set pair's offset (log scale): the sets' means' spread less what within-set noise explains. */
  betweenVar: number;
  /** Its degrees of freedom: (sets − 1) per run pooled. */
  df: number;
}

/**
 * How unlikely the run's sets' spread is if its processes differ as the prior says: below this, the run's processes
 * differ more than calibrated and the run is judged on its own sets alone.
 */
export const PRIOR_MISFIT_P = 0.05;

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
 *
 * With a `prior` (a calibration: the between-process variance pooled over earlier runs) whose variance the sets'
 * spread fits, the between-process variance is that pooled again with the run's own estimate, with both's degrees of
 * freedom: 4 sets alone give 3 (t₀.₉₇₅ = 3.18), with a calibration of 6 runs 21 (2.08).
 */
export function nestedRatio(pairs: readonly NestedPair[], level = 0.95, prior?: ProcessPrior): NestedEstimate | null {
  const byCluster = new Map<number, number[]>();
  for (const p of pairs)
    if (Number.isFinite(p.logRatio)) byCluster.set(p.cluster, [...(byCluster.get(p.cluster) ?? []), p.logRatio]);
  const clusters = [...byCluster.values()].map((v) => trimmed(v, TRIM));
  if (clusters.length === 0 || clusters.some((c) => c.n < 2)) return null;
  const P = clusters.length;
  const N = clusters.reduce((t, c) => t + c.n, 0);
  const kept = (c: { n: number }) => c.n - 2 * Math.floor(TRIM * c.n);
  const dfWithin = clusters.reduce((t, c) => t + kept(c) - 1, 0);
  const winsorizedVar =
    clusters.reduce((t, c) => t + (c.n - 1) * c.winsorizedVar, 0) / clusters.reduce((t, c) => t + c.n - 1, 0);
  const logEstimate = clusters.reduce((t, c) => t + c.mean, 0) / P;
  // Each set's trimmed mean has within variance (n − 1)·s_w² / (h(h − 1)), h the pairs kept (Yuen): dividing by
  // (1 − 2·TRIM)² instead overstated it 2.8× at 2–4 pairs a set (nothing trimmed) and 1.4× at 14: with no process
  // effect, the between-process estimate then averaged −1.85 times a set mean's variance at 2 pairs a set
  // (test/stats/nested.test.ts), and a calibration pooled from short comparisons came out near 0.
  // What the sets' spread shows beyond it is between-process.
  const setWithinVar = (c: { n: number }) => ((c.n - 1) * winsorizedVar) / (kept(c) * (kept(c) - 1));
  const meanWithinVar = clusters.reduce((t, c) => t + setWithinVar(c), 0) / P;
  // The per-pair SD that gives each set's mean that variance on average (√(s_w² / (1 − 2·TRIM)²) at many pairs).
  const withinVar = meanWithinVar / (clusters.reduce((t, c) => t + 1 / c.n, 0) / P);
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
  // With a prior whose variance this run's spread fits (an F test), the between-process variance is pooled: the
  // prior's degrees of freedom join the run's, the whole point of calibrating it.
  // One set pair has no spread to test: the prior is what it lacks, taken on trust (the calibration's assumption).
  const expected = Math.max(0, prior?.betweenVar ?? 0) + meanWithinVar;
  const priorFits =
    prior !== undefined &&
    prior.df > 0 &&
    (P === 1 ||
      1 - fCdf(expected > 0 ? spread / expected : spread > 0 ? Number.POSITIVE_INFINITY : 0, P - 1, prior.df) >=
        PRIOR_MISFIT_P);
  const pooledBetween = priorFits
    ? Math.max(0, (prior.df * prior.betweenVar + (P - 1) * betweenVarUnfloored) / (prior.df + P - 1))
    : 0;
  // Never under the run's own sets' spread: that holds the windows' noise as it really was (bursts that span a block
  // included), which the window-level within part understates; without this floor, simulated A/A runs drawn from the
  // two noisiest of 16 measured runs (within-set SD 4.7-4.9%) alarmed in 7.7-7.9% (docs/precision.md).
  // (One set pair: no spread and no own estimate, so this is the prior's variance plus the within part.)
  const priorVar = Math.max(pooledBetween + meanWithinVar, spread);
  const se = Math.sqrt(priorFits ? priorVar / P : clusterLevel ? spread / P : b);
  // Degrees of freedom of the between-process part, 0 when none is seen: the interval's own when there is one.
  const betweenDf = priorFits ? (priorVar > meanWithinVar ? prior.df + P - 1 : 0) : clusterLevel ? P - 1 : 0;
  const df = betweenDf > 0 ? betweenDf : Math.max(1, dfWithin);
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
    withinDf: Math.max(1, dfWithin),
    betweenSd: Math.sqrt(betweenVar),
    betweenShare: a + b > 0 ? a / (a + b) : 0,
    betweenVarUnfloored,
    betweenPartVar: priorFits ? priorVar / P - b : clusterLevel ? a : 0,
    betweenDf,
    prior: prior === undefined ? 'none' : priorFits ? 'pooled' : 'misfit',
  };
}

/**
 * The between-process variance pooled over several runs' pairs: each run's sets give the ANOVA estimate (their means'
 * spread less what within-set noise explains, negatives kept: unbiased), averaged over runs by their degrees of
 * freedom and floored at 0, with
 * the runs' sets − 1 summed as its degrees of freedom. One run's four sets give that variance 3 degrees of freedom;
 * several runs pool them, which no single run's interval can do. Null without a run of 2 sets or more.
 */
export function pooledPrior(runs: readonly (readonly NestedPair[])[]): ProcessPrior | null {
  const estimates = runs.flatMap((run) => {
    const e = nestedRatio(run);
    return e && e.clusters > 1 ? [{ variance: e.betweenVarUnfloored, df: e.clusters - 1 }] : [];
  });
  if (estimates.length === 0) return null;
  // Weighted by degrees of freedom, as the df are summed: equal weights gave a run of 2 sets and one of 8 an estimate
  // as variable as 3.5 df, not the 8 claimed.
  const df = estimates.reduce((t, x) => t + x.df, 0);
  return { betweenVar: Math.max(0, estimates.reduce((t, x) => t + x.df * x.variance, 0) / df), df };
}

/**
 * Minimum detectable change (fraction) of a windows run with `pairs` pairs over `processes` sets, given the components
 * measured: (t₁₋α/₂ + t_power) · SE, with the degrees of freedom `nestedRatio` uses (sets − 1 once sets differ, or
 * `betweenDf`: a prior's pooled with them).
 */
export function nestedMdc(
  withinSd: number,
  betweenSd: number,
  pairs: number,
  processes: number,
  options: { level?: number; power?: number; betweenDf?: number } = {},
): number {
  const level = options.level ?? 0.95;
  const power = options.power ?? 0.8;
  if (pairs < 2 * processes) return Number.POSITIVE_INFINITY;
  const a = betweenSd ** 2 / processes;
  const b = withinSd ** 2 / pairs;
  const df =
    a > 0
      ? Math.max(1, options.betweenDf ?? processes - 1)
      : Math.max(1, Math.floor(pairs * (1 - 2 * TRIM)) - processes);
  return Math.expm1((tQuantile(1 - (1 - level) / 2, df) + tQuantile(power, df)) * Math.sqrt(a + b));
}

/**
 * The minimum detectable change of an estimate with its own components (`nestedMdc`), at `pairs` pairs (default: the
 * ones it had): the between-process part and its degrees of freedom as the estimate used them, a calibration's
 * included.
 */
export function estimateMdc(e: NestedEstimate, pairs = e.pairs): number {
  return nestedMdc(e.withinSd, Math.sqrt(e.betweenPartVar * e.clusters), pairs, e.clusters, { betweenDf: e.betweenDf });
}
