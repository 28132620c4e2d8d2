/** One second of a service's own series: CPU µs and requests started in it (the probe's `ProbeSecond`). */
export interface SecondPoint {
  cpuUs: number;
  requests: number;
}

/** When a service's CPU per request has stopped falling. */
export interface SteadyStateOptions {
  /** Seconds in each of the two halves compared. @default 4 */
  halfSeconds?: number;
  /** Largest relative difference between the halves' CPU per request that counts as steady. @default 0.03 */
  tolerance?: number;
  /** Seconds with fewer requests than this are left out (an idle second says nothing of the cost). @default 20 */
  minRequests?: number;
}

/** CPU per request over a run of seconds: total CPU over total requests, so a busy second weighs more than a quiet one. */
function perRequest(points: readonly SecondPoint[]): number {
  let cpu = 0;
  let requests = 0;
  for (const p of points) {
    cpu += p.cpuUs;
    requests += p.requests;
  }
  return requests > 0 ? cpu / requests : Number.NaN;
}

/**
 * The number of points (1-based: the series up to and including the point that settled it) after which the last `2 × halfSeconds` seconds of CPU per request
 * split into two halves that agree within `tolerance`; null when that never happens. A service still warming up
 * (JIT, caches; its CPU per request falls for ~10 s on this VM) has a later half cheaper than the earlier one.
 */
export function steadyAfter(series: readonly SecondPoint[], options: SteadyStateOptions = {}): number | null {
  const half = options.halfSeconds ?? 4;
  const tolerance = options.tolerance ?? 0.03;
  const minRequests = options.minRequests ?? 20;
  const usable: number[] = [];
  series.forEach((p, i) => {
    if (p.requests >= minRequests && Number.isFinite(p.cpuUs)) usable.push(i);
  });
  const points = (from: number, to: number) => usable.slice(from, to).map((i) => series[i]);
  for (let end = 2 * half; end <= usable.length; end++) {
    const early = perRequest(points(end - 2 * half, end - half));
    const late = perRequest(points(end - half, end));
    if (Math.abs(late / early - 1) <= tolerance) return usable[end - 1] + 1;
  }
  return null;
}
