/** Messages between the harness and the probe preloaded into a measured service (over the fork IPC channel). */

export type HarnessToProbe = { tb: 'window-start' } | { tb: 'window-end' } | { tb: 'drain'; timeoutMs: number };

export interface ProbeSecond {
  /** Milliseconds since the window started, at the end of this second. */
  tMs: number;
  cpuUs: number;
  requests: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Worst lateness of the probe's own 100 ms timer in this second: event-loop delay at coarse grain. */
  loopLagMaxUs: number;
  /** Spans waiting in the batch processor's queue (0 without one). */
  queueDepth: number;
}

export interface ProbeWindowReport {
  windowMs: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Requests the server started inside the window (node:http diagnostics channel). */
  requests: number;
  rssStartBytes: number;
  rssPeakBytes: number;
  rssEndBytes: number;
  heapUsedPeakBytes: number;
  heapUsedEndBytes: number;
  gc: { count: number; totalMs: number; maxMs: number };
  eventLoopDelayUs: { p50: number; p99: number; max: number; mean: number };
  /** CPU the probe's own sampling took in the window, to keep its cost visible (target < 1% of the service's). */
  probeCpuUs: number;
  series: ProbeSecond[];
}

/** A trial's span counts as the service sees them: `ended = exported + failed + dropped + queuedAtEnd`. */
export interface SpanCounts {
  /** Every span start, recorded or not. */
  started: number;
  sampled: number;
  ended: number;
  exported: number;
  failed: number;
  /** Dropped because the batch processor's queue was full (SDK self-observability metric). */
  dropped: number;
  /** Still in the processor's queue, or inside an unanswered export call, after the drain. */
  queuedAtEnd: number;
}

export interface ProbeSpanReport extends SpanCounts {
  /** False when the service runs no tracing SDK (the baseline): counters are all zero. */
  tracing: boolean;
  /** False when forceFlush did not finish within the drain timeout. */
  drained: boolean;
  /** Failed spans per export error message. */
  failureReasons: Record<string, number>;
}

export type ProbeToHarness =
  | { tb: 'listening'; port: number }
  | { tb: 'window-started' }
  | { tb: 'window'; report: ProbeWindowReport }
  | { tb: 'drained'; spans: ProbeSpanReport }
  | { tb: 'probe-error'; message: string };
