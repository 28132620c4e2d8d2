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
 * A/A false alarms driven by measured data: each simulated run draws `pairs` pair log ratios, block by block cycling
 * over the measured sets, from that set's own measured blocks (with replacement) after removing the set's centre, so the runs are A/A by
 * construction but keep the measured heavy tails and the sets' own offsets (the between-process part).
 */
export function simulatedFalseAlarms(
  measured: readonly (NestedPair & { block?: number })[],
  pairs: number,
  runs: number,
  seed: number,
): FalseAlarmRates {
  const random = mulberry32(seed);
  const finite = measured.filter((p) => Number.isFinite(p.logRatio));
  const betweenSd = nestedRatio(finite)?.betweenSd ?? 0;
  const clusters = [...new Set(finite.map((p) => p.cluster))].sort((a, b) => a - b);
  // Each set's pairs in runs of one block: windows of one block share its placement and the phase of its bursts, so
  // they are drawn together, keeping what they have in common (pairs without a block are drawn one by one).
  const byCluster = clusters.map((c) => {
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
  const z = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  let fixed = 0;
  let sequential = 0;
  for (let r = 0; r < runs; r++) {
    const run: NestedPair[] = [];
    const offsets = clusters.map(() => betweenSd * z());
    let alarmed = false;
    // Blocks cycle over the sets, as a run measures them.
    for (let block = 0; run.length < pairs; block++) {
      const c = block % clusters.length;
      const pool = byCluster[c];
      for (const x of pool[Math.floor(random() * pool.length)]) {
        if (run.length >= pairs) break;
        run.push({ cluster: c, logRatio: offsets[c] + x });
        const s = alarmed ? null : sequentialRatio(run);
        if (s && (s.ci.low > 0 || s.ci.high < 0)) alarmed = true;
      }
    }
    if (alarmed) sequential++;
    const e = nestedRatio(run);
    if (e && (e.ci.low > 0 || e.ci.high < 0)) fixed++;
  }
  return { runs, pairs, fixed: fixed / runs, sequential: sequential / runs };
}
