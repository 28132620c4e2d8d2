import autocannon from 'autocannon';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { ClosedLoopOptions, ClosedLoopResult } from './types.js';

/** The fields of autocannon's result inside a worker thread, where it skips aggregation. */
interface RawAutocannonResult {
  /** Encoded histogram of completed requests per one-second sample. */
  requests: string;
  totalCompletedRequests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Mean of the per-second request samples: what autocannon reports as `requests.average` on the main thread. */
function meanRequestsPerSecond(encoded: string): number {
  const perSecond = decodeFromCompressedBase64(encoded);
  const mean = perSecond.mean;
  perSecond.destroy();
  return mean;
}

/** Piscina task: an autocannon closed-loop saturation run. */
export default async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
  });
  // Off the main thread autocannon returns its raw result, histograms still encoded (lib/run.js: isMainThread).
  const raw = result as unknown as RawAutocannonResult;
  const encoded = typeof raw.requests === 'string';
  return {
    maxThroughputRps: encoded ? meanRequestsPerSecond(raw.requests) : result.requests.average,
    requests: encoded ? raw.totalCompletedRequests : result.requests.total,
    errors: raw.errors,
    timeouts: raw.timeouts,
    non2xx: raw.non2xx,
  };
}
