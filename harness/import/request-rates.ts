import type { ErrorShape, SlowShape } from '../../workloads/shape/types.js';
import { MAX_US, median, mostFrequent } from './timing.js';
import { SLOW_FACTOR } from './types.js';
import { nodesOfRequest, unitsOfRequest, type NodeInstance, type UnitInstance } from './units.js';
import { spanNameOf } from './span-shape.js';

const rounded = (rate: number) => Math.round(rate * 10_000) / 10_000;
const durationUs = (unit: UnitInstance) => unit.root.node.endUs - unit.root.node.startUs;

/** Where a failed request's error started: the deepest erroring span (the earliest, among equally deep ones). */
function errorOrigin(spans: readonly NodeInstance[]): NodeInstance | undefined {
  let origin: NodeInstance | undefined;
  for (const n of spans) {
    if (!n.node.span.error) continue;
    if (
      !origin ||
      n.node.depth > origin.node.depth ||
      (n.node.depth === origin.node.depth && n.node.startUs < origin.node.startUs)
    )
      origin = n;
  }
  return origin;
}

/** Share of a route's requests with an error anywhere in them, and the span where errors most often start. */
export function errorOf(requests: readonly UnitInstance[]): ErrorShape | undefined {
  const origins = requests.map((r) => errorOrigin(nodesOfRequest(r))).filter((o): o is NodeInstance => o !== undefined);
  if (origins.length === 0) return undefined;
  return { rate: rounded(origins.length / requests.length), at: mostFrequent(origins.map(spanNameOf))! };
}

/**
 * Slow requests: the root took more than SLOW_FACTOR × the route's median. Marks them (their timings then stay out of
 * the span distributions, which would otherwise count the slowness twice) and returns the rate, the median extra time,
 * and the span that most often took the extra time (largest self time above that span's median).
 */
export function markSlow(
  requests: readonly UnitInstance[],
  medianSelfUs: (key: number) => number,
  clamped: { count: number },
): SlowShape | undefined {
  const medianUs = median(requests.map(durationUs));
  const slow = requests.filter((r) => durationUs(r) > SLOW_FACTOR * medianUs);
  if (slow.length === 0) return undefined;
  for (const request of slow) for (const unit of unitsOfRequest(request)) unit.slowRequest = true;
  const culprits = slow.map((request) => {
    const spans = nodesOfRequest(request);
    const excess = (n: NodeInstance) => n.selfUs - medianSelfUs(n.key);
    return spans.reduce((best, n) => (excess(n) > excess(best) ? n : best), spans[0]);
  });
  const extraUs = Math.round(median(slow.map((r) => durationUs(r) - medianUs)));
  if (extraUs > MAX_US) clamped.count++;
  return {
    rate: rounded(slow.length / requests.length),
    extraWaitUs: Math.min(extraUs, MAX_US),
    at: mostFrequent(culprits.map(spanNameOf))!,
  };
}
