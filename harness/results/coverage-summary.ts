import { proportion, type Proportion } from '../stats/binomial.js';
import { median } from '../stats/interval.js';
import type { Coverage, CoverageFractions, SamplingCost } from './coverage.js';
import type { TailStats } from '../sink/tail/types.js';

/**
 * A cell's coverage over its rounds: kept and drawn counts added up across the ok trials, so each fraction's
 * Wilson interval is the pooled one (rounds are independent draws of the same configuration); costs are medians.
 */
export interface CoverageSummary extends CoverageFractions, Omit<SamplingCost, 'windowSeconds'> {
  trials: number;
  /** Requests whose kept spans form one complete trace, of the requests kept. */
  whole: Proportion;
  byService: Record<string, Proportion>;
  byRoute: Record<string, CoverageFractions>;
  /** Tail sampling's buffering cost (medians), when the cell tail-samples. */
  tail?: { peakBufferedSpans: number; peakBufferedBytes: number; decisionDelayP99Ms: number; tracesEvicted: number };
}

function pool(parts: Proportion[]): Proportion {
  return proportion(
    parts.reduce((s, p) => s + p.kept, 0),
    parts.reduce((s, p) => s + p.of, 0),
  );
}

export function summariseCoverage(
  trials: { coverage: Coverage; tail?: TailStats; requestsWhole: number }[],
): CoverageSummary | undefined {
  if (trials.length === 0) return undefined;
  const cov = trials.map((t) => t.coverage);
  const services = [...new Set(cov.flatMap((c) => Object.keys(c.byService)))].sort();
  const routes = [...new Set(cov.flatMap((c) => Object.keys(c.byRoute)))].sort();
  const med = (pick: (c: Coverage) => number) => median(cov.map(pick));
  const tails = trials.flatMap((t) => (t.tail ? [t.tail] : []));
  return {
    trials: trials.length,
    traces: pool(cov.map((c) => c.traces)),
    errors: pool(cov.map((c) => c.errors)),
    slow: pool(cov.map((c) => c.slow)),
    whole: proportion(
      trials.reduce((s, t) => s + t.requestsWhole, 0),
      cov.reduce((s, c) => s + c.traces.kept, 0),
    ),
    byService: Object.fromEntries(
      services.map((name) => [name, pool(cov.flatMap((c) => (c.byService[name] ? [c.byService[name]] : [])))]),
    ),
    byRoute: Object.fromEntries(
      routes.map((name) => {
        const own = cov.flatMap((c) => (c.byRoute[name] ? [c.byRoute[name]] : []));
        return [
          name,
          {
            traces: pool(own.map((r) => r.traces)),
            errors: pool(own.map((r) => r.errors)),
            slow: pool(own.map((r) => r.slow)),
          },
        ];
      }),
    ),
    exportedSpansPerSecond: med((c) => c.cost.exportedSpansPerSecond),
    exportedBytesPerSecond: med((c) => c.cost.exportedBytesPerSecond),
    keptSpansPerSecond: med((c) => c.cost.keptSpansPerSecond),
    keptBytesPerSecondEstimate: med((c) => c.cost.keptBytesPerSecondEstimate),
    ...(tails.length > 0
      ? {
          tail: {
            peakBufferedSpans: median(tails.map((t) => t.peakBufferedSpans)),
            peakBufferedBytes: median(tails.map((t) => t.peakBufferedBytes)),
            decisionDelayP99Ms: median(tails.map((t) => t.decisionDelayMs.p99)),
            tracesEvicted: median(tails.map((t) => t.tracesEvicted)),
          },
        }
      : {}),
  };
}
