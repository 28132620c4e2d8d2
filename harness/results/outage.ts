import type { OutageSetting } from '../config/types.js';
import type { PercentilesUs } from '../load/types.js';
import type { SinkOutage, SinkStats } from '../sink/types.js';
import type { ProbeSecond } from '../probe/protocol.js';
import type { OutageMetrics } from './types.js';

/** Fewer points than this give no slope worth the name: a trial of 1-2 s reports none. */
export const MIN_GROWTH_POINTS = 3;

const MS_PER_MINUTE = 60_000;

/**
 * The Theil–Sen slope (median of every pairwise slope) of y over x: robust to the GC's saw-tooth and to a single
 * outlying sample, which move a least-squares line. Null with fewer than MIN_GROWTH_POINTS distinct x.
 */
export function theilSenSlope(points: readonly { x: number; y: number }[]): number | null {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j].x - points[i].x;
      if (dx !== 0) slopes.push((points[j].y - points[i].y) / dx);
    }
  if (new Set(points.map((p) => p.x)).size < MIN_GROWTH_POINTS) return null;
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length % 2 === 1 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
}

/**
 * The span of the series memory growth is judged on, ms from the window's start: the second half of the outage (its
 * part inside the window), or of the whole window without one. Why the second half: a bounded pipeline fills its queue
 * and its exporter's export calls, then levels off; a leak keeps climbing. Over the whole of a 60 s outage at 500
 * req/s, the batch processor at its defaults read +25.3 MiB/min while it filled about 17,000 spans of bounded buffers
 * (docs/backends.md), the same failure a leak gets; and a fresh process's first seconds grow with no tracing at all.
 */
export function growthSpanMs(windowMs: number, outage?: OutageSetting): { fromMs: number; toMs: number } {
  const from = outage ? Math.min(outage.fromSeconds * 1000, windowMs) : 0;
  const to = outage ? Math.min(outage.toSeconds * 1000, windowMs) : windowMs;
  return { fromMs: from + (to - from) / 2, toMs: to };
}

/**
 * Sustained RSS and used-heap growth, bytes a minute: the Theil–Sen slope of the per-second samples inside
 * growthSpanMs; null where that span holds fewer than MIN_GROWTH_POINTS samples.
 */
export function memoryGrowth(
  series: readonly ProbeSecond[],
  span: { fromMs: number; toMs: number } = { fromMs: 0, toMs: Number.POSITIVE_INFINITY },
): {
  rssGrowthBytesPerMinute: number | null;
  heapGrowthBytesPerMinute: number | null;
} {
  const inside = series.filter((p) => p.tMs >= span.fromMs && p.tMs <= span.toMs);
  const perMinute = (pick: (p: ProbeSecond) => number) => {
    const slope = theilSenSlope(inside.map((p) => ({ x: p.tMs, y: pick(p) })));
    return slope === null ? null : Math.round(slope * MS_PER_MINUTE);
  };
  return {
    rssGrowthBytesPerMinute: perMinute((p) => p.rssBytes),
    heapGrowthBytesPerMinute: perMinute((p) => p.heapUsedBytes),
  };
}

/** The generator's phases for an outage: boundaries at its start and end, ms from the window's start. */
export function outagePhaseBoundariesMs(outage: OutageSetting): number[] {
  return [outage.fromSeconds * 1000, outage.toSeconds * 1000];
}

/**
 * What the outage did to the trial. `phases` are the generator's corrected latency before, during and after it
 * (outagePhaseBoundariesMs); a phase with no answered request has an unknown p99. `seen` is the sink's outage as read
 * right after the window, so exports the drain forces out do not count as recovery.
 */
export function outageMetrics(
  outage: OutageSetting,
  phases: readonly PercentilesUs[] | undefined,
  seen: SinkOutage | undefined,
  sink: SinkStats,
): OutageMetrics {
  const p99 = (phase: PercentilesUs | undefined) => (phase && phase.count > 0 ? phase.p99 : null);
  const [before, during, after] = [p99(phases?.[0]), p99(phases?.[1]), p99(phases?.[2])];
  const firstAcceptedAfterMs = seen?.firstAcceptedAfterMs ?? null;
  return {
    mode: outage.mode,
    fromSeconds: outage.fromSeconds,
    toSeconds: outage.toSeconds,
    latencyP99Us: { before, during, after },
    latencyP99IncreaseUs: before !== null && during !== null ? during - before : null,
    recoverySeconds:
      firstAcceptedAfterMs === null ? null : Math.max(0, firstAcceptedAfterMs - outage.toSeconds * 1000) / 1000,
    sink: {
      rejectedRequests: sink.rejectedRequests,
      hungRequests: sink.hungRequests,
      resetRequests: sink.resetRequests,
      resetConnections: sink.resetConnections,
      spansUnanswered: sink.spansUnanswered,
    },
  };
}
