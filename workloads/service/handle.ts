/** How the in-service probe finds the tracing set-up without importing it (the baseline loads no SDK). */
export const TRACING_HANDLE = Symbol.for('tracebench.tracing');

/** Live counters kept by wrappers around the sampler, processor and exporter. */
export interface SpanCounters {
  /** Every span start the sampler saw, recorded or not. */
  started: number;
  /** Starts the sampler decided to record and sample. */
  sampled: number;
  /** Sampled spans that ended and reached the processor. */
  ended: number;
  /** Spans in export calls that succeeded. */
  exported: number;
  /** Spans in export calls that failed. */
  failed: number;
  /** Spans inside an export call that has not answered yet. */
  inFlight: number;
  /** Export calls that have not answered yet. */
  exportCalls: number;
  /** The most export calls ever unanswered at once (the spec allows one; see results/validity.ts). */
  exportCallsMaxConcurrent: number;
  /** Set when the drain begins: its forceFlush sends every queued batch at once, which is no processor's doing. */
  draining: boolean;
  /** Spans per export error message (the first few distinct ones), so a warning can say why exports failed. */
  failureReasons: Record<string, number>;
}

export interface TracingHandle {
  counters(): SpanCounters;
  /** Spans the batch processor dropped because its queue was full (SDK self-observability metric). */
  droppedQueueFull(): Promise<number>;
  /** Spans waiting in the batch processor's queue now. */
  queueDepth(): Promise<number>;
  /** forceFlush bounded by a timeout; false when it timed out. */
  drain(timeoutMs: number): Promise<boolean>;
  shutdown(): Promise<void>;
}
