import { mulberry32 } from '../plan/random.js';
import { TRIM, nestedRatio, trimmed, type NestedPair, type ProcessPrior } from './nested.js';
import { sequentialRatio } from './sequential.js';

export interface FalseAlarmRates {
  runs: number;
  pairs: number;
  /** Share of simulated A/A runs whose fixed-length interval, read once at the end, excludes no change. */
  fixed: number;
  /** Share whose sequential interval excluded no change at any look (after every pair). */
  sequential: number;
}

/** How a simulation draws its runs beyond the measured pairs. */
export interface SimulationOptions {
  /** Pairs a simulated run measures. */
  pairs: number;
  runs: number;
  seed: number;
  /**
   * SD of the process sets' offsets (log scale) drawn afresh for every simulated run. @default the measured pairs'
   * own estimate (`nestedRatio(...).betweenSd`): from one run's few sets, a noisy figure; the square root of
   * `pooledPrior(...).betweenVar` over several runs is the better one.
   */
  betweenSd?: number;
  /** The estimator's prior (a calibrated between-process variance), as `nestedRatio` takes it. */
  prior?: ProcessPrior;
}

/** Each set's measured pairs, centred on the set's trimmed mean and grouped by block; the sets' ids in order. */
function centredBlocks(measured: readonly (NestedPair & { block?: number })[]): number[][][] {
  const finite = measured.filter((p) => Number.isFinite(p.logRatio));
  const clusters = [...new Set(finite.map((p) => p.cluster))].sort((a, b) => a - b);
  // Each set's pairs in runs of one block: windows of one block share its placement and the phase of its bursts, so
  // they are drawn together, keeping what they have in common (pairs without a block are drawn one by one).
  return clusters.map((c) => {
    const own = finite.filter((p) => p.cluster === c);
    // Centred where the estimator looks (its trimmed mean), so a skewed set is still A/A for it.
    const centre = trimmed(
      own.map((p) => p.logRatio),
      TRIM,
    ).mean;
    const blocks = new Map<number | string, number[]>();
    own.forEach((p, i) => {
      const key = p.block ?? `pair ${i}`;
      blocks.set(key, [...(blocks.get(key) ?? []), p.logRatio - centre]);
    });
    return [...blocks.values()];
  });
}

/**
 * Simulated runs driven by measured data: each draws `pairs` pair log ratios, block by block cycling over the measured
 * sets, from that set's own measured blocks (with replacement) after removing the set's centre, adds fresh set offsets
 * and `shiftLog` (a true change; 0 makes the runs A/A by construction), and keeps the measured heavy tails. `onRun`
 * sees each run's pairs; `sequential` also looks at the sequential interval after every pair.
 */
function simulate(
  measured: readonly (NestedPair & { block?: number })[],
  options: SimulationOptions & { shiftLog: number; sequential: boolean },
  onRun: (run: NestedPair[], sequentialAlarm: boolean) => void,
): void {
  const random = mulberry32(options.seed);
  const betweenSd =
    options.betweenSd ?? nestedRatio(measured.filter((p) => Number.isFinite(p.logRatio)))?.betweenSd ?? 0;
  const byCluster = centredBlocks(measured);
  const z = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (let r = 0; r < options.runs; r++) {
    const run: NestedPair[] = [];
    const offsets = byCluster.map(() => betweenSd * z());
    let alarmed = false;
    // Blocks cycle over the sets, as a run measures them.
    for (let block = 0; run.length < options.pairs; block++) {
      const c = block % byCluster.length;
      const pool = byCluster[c];
      for (const x of pool[Math.floor(random() * pool.length)]) {
        if (run.length >= options.pairs) break;
        run.push({ cluster: c, logRatio: options.shiftLog + offsets[c] + x });
        if (!options.sequential || alarmed) continue;
        const s = sequentialRatio(run, options.prior ? { prior: options.prior } : {});
        if (s && (s.ci.low > 0 || s.ci.high < 0)) alarmed = true;
      }
    }
    onRun(run, alarmed);
  }
}

/**
 * A/A false alarms driven by measured data (see `simulate`): the share of simulated A/A runs whose interval excludes
 * no change, read once at the end and, sequentially, at any look.
 */
export function simulatedFalseAlarms(
  measured: readonly (NestedPair & { block?: number })[],
  options: SimulationOptions,
): FalseAlarmRates {
  let fixed = 0;
  let sequential = 0;
  simulate(measured, { ...options, shiftLog: 0, sequential: true }, (run, alarmed) => {
    if (alarmed) sequential++;
    const e = nestedRatio(run, 0.95, options.prior);
    if (e && (e.ci.low > 0 || e.ci.high < 0)) fixed++;
  });
  return {
    runs: options.runs,
    pairs: options.pairs,
    fixed: fixed / options.runs,
    sequential: sequential / options.runs,
  };
}

/** Share of simulated runs with a true change of `change` (fraction) whose interval, read once, lies wholly above zero. */
export function simulatedPower(
  measured: readonly (NestedPair & { block?: number })[],
  change: number,
  options: SimulationOptions,
): number {
  let detected = 0;
  simulate(measured, { ...options, shiftLog: Math.log1p(change), sequential: false }, (run) => {
    const e = nestedRatio(run, 0.95, options.prior);
    if (e && e.ci.low > 0) detected++;
  });
  return detected / options.runs;
}

/**
 * The minimum detectable change by simulation: the smallest change (fraction, on a grid of `step`) that simulated runs
 * drawn from the measured pairs detect with probability `power`. Unlike `(t + t_power) · SE` from one run's components,
 * it counts that a run's interval is sometimes the wide cluster-level one (when its few sets happen to spread) and
 * sometimes the narrow within-set one. Every grid point reuses one seed, so the curve does not wobble with the draw.
 * Infinity when not reached by `max`.
 */
export function simulatedMdc(
  measured: readonly (NestedPair & { block?: number })[],
  options: SimulationOptions & { power?: number; step?: number; max?: number },
): number {
  const power = options.power ?? 0.8;
  const step = options.step ?? 0.0025;
  const steps = Math.floor((options.max ?? 0.2) / step + 1e-9);
  const detects = (i: number) => simulatedPower(measured, i * step, options) >= power;
  // With one seed every grid point draws the same runs, only shifted, and a shift moves an interval without changing its
  // width: power rises monotonically with the change, so a bisection finds the first grid point that reaches it.
  if (!detects(steps)) return Number.POSITIVE_INFINITY;
  let low = 0;
  let high = steps;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (detects(mid)) high = mid;
    else low = mid;
  }
  return high * step;
}
