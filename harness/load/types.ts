/** Percentiles of a distribution, all in microseconds. */
export interface PercentilesUs {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Number of recorded values. */
  count: number;
}

export interface OpenLoopOptions {
  /** Full URL on loopback, e.g. `http://127.0.0.1:40123/api/users/42`. */
  url: string;
  /** Offered rate, all threads together. */
  rateRps: number;
  durationMs: number;
  /** Worker threads in the pool. @default 1 */
  threads: number;
  /** Keep-alive connections per thread. @default 16 */
  connections: number;
  timeoutMs: number;
  /** Extra request headers (e.g. ground-truth marks). */
  headers?: Record<string, string>;
}

export interface OpenLoopResult {
  targetRps: number;
  /** Responses (any status) per second of the intended schedule's span. */
  achievedRps: number;
  durationMs: number;
  /** Requests whose intended send time fell inside the window. */
  scheduled: number;
  sent: number;
  /** 2xx responses. */
  ok: number;
  /** Non-2xx responses. */
  httpErrors: number;
  /** Connection resets, refused connections and other socket errors. */
  socketErrors: number;
  timeouts: number;
  /** Latency from the intended send time: coordinated-omission safe. */
  latencyCorrectedUs: PercentilesUs;
  /** Latency from the actual send. */
  latencyUncorrectedUs: PercentilesUs;
  /** How late sends left versus their intended time. */
  sendLagUs: PercentilesUs;
  /** Event-loop utilization of the busiest generator thread (0..1): near 1, the generator is the bottleneck. */
  generatorEluMax: number;
  /** Encoded (base64, compressed) HDR histograms in µs, merged across workers, for later views. */
  histograms: { corrected: string; uncorrected: string };
}

export interface ClosedLoopOptions {
  url: string;
  durationSeconds: number;
  connections: number;
}

export interface ClosedLoopResult {
  /** Mean requests per second autocannon achieved at saturation. */
  maxThroughputRps: number;
  requests: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

export interface LoadGenerator {
  openLoop(options: OpenLoopOptions, signal?: AbortSignal): Promise<OpenLoopResult>;
  closedLoop(options: ClosedLoopOptions, signal?: AbortSignal): Promise<ClosedLoopResult>;
  close(): Promise<void>;
}
