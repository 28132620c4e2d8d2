import { mulberry32 } from '../plan/random.js';
import { TRIM, nestedRatio, trimmed, type NestedPair } from './nested.js';
import { sequentialRatio } from './sequential.js';

export interface FalseAlarmRates {
  runs: number;
  pairs: number;
  /** Share of simulated A/A runs whose fixed-length interval, read once at the end, excludes no change. */
  fixed: number;
  /** Share whose sequential interval excluded no change at any look (after every pair). */
  sequential: number;
}

/**
 * A/A false alarms driven by measured data: each simulated run draws `pairs` pair log ratios, cycling over the measured
 * sets, from that set's own measured ratios (with replacement) after removing the overall mean, so the runs are A/A by
 * construction but keep the measured heavy tails and the sets' own offsets (the between-process part).
 */
export function simulatedFalseAlarms(
  measured: readonly NestedPair[],
  pairs: number,
  runs: number,
  seed: number,
): FalseAlarmRates {
  const random = mulberry32(seed);
  const finite = measured.filter((p) => Number.isFinite(p.logRatio));
  const betweenSd = nestedRatio(finite)?.betweenSd ?? 0;
  const clusters = [...new Set(finite.map((p) => p.cluster))].sort((a, b) => a - b);
  const byCluster = clusters.map((c) => {
    const own = finite.filter((p) => p.cluster === c).map((p) => p.logRatio);
    // Centred where the estimator looks (its trimmed mean), so a skewed set is still A/A for it.
    const centre = trimmed(own, TRIM).mean;
    return own.map((x) => x - centre);
  });
  const z = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let fixed = 0;
  let sequential = 0;
  for (let r = 0; r < runs; r++) {
    const run: NestedPair[] = [];
    const offsets = clusters.map(() => betweenSd * z());
    let alarmed = false;
    for (let i = 0; i < pairs; i++) {
      const c = i % clusters.length;
      const pool = byCluster[c];
      run.push({ cluster: c, logRatio: offsets[c] + pool[Math.floor(random() * pool.length)] });
      const s = alarmed ? null : sequentialRatio(run);
      if (s && (s.ci.low > 0 || s.ci.high < 0)) alarmed = true;
    }
    if (alarmed) sequential++;
    const e = nestedRatio(run);
    if (e && (e.ci.low > 0 || e.ci.high < 0)) fixed++;
  }
  return { runs, pairs, fixed: fixed / runs, sequential: sequential / runs };
}
