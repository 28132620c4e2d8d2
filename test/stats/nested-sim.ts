import type { NestedPair } from '../../harness/stats/nested.js';
import { gaussian } from './synthetic.js';

/** Pairs over `processes` sets: each set pair has its own offset (between SD), each pair heavy-tailed noise (5% are bursts ×6). */
export function simulatePairs(
  random: () => number,
  o: { pairs: number; processes: number; withinSd: number; betweenSd: number; shift: number },
): NestedPair[] {
  const z = gaussian(random);
  const offsets = Array.from({ length: o.processes }, () => o.betweenSd * z());
  return Array.from({ length: o.pairs }, (_, i) => {
    const cluster = i % o.processes;
    const burst = random() < 0.05 ? 6 : 1;
    return { cluster, logRatio: o.shift + offsets[cluster] + o.withinSd * burst * z() };
  });
}
