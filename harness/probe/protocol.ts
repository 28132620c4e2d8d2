/** Messages between the harness and the probe preloaded into a measured service (over the child's IPC channel). */
import type { ThreadCpu } from './thread-cpu.js';

export type { ThreadCpu };

/** Set by the launcher, to '1', for the one process it starts: the probe runs there, not in the processes that one starts. */
export const PROBE_TARGET_ENV = 'TRACEBENCH_PROBE_TARGET';

export type HarnessToProbe =
  | {
      tb: 'window-start';
      /** bench:probe only (`TRACEBENCH_PROBE_PARTS` syntax): what this window runs instead of the probe's own set. */
      parts?: string;
      /** Runs V8's sampling CPU profiler through the window at this interval (µs); absent, no profiler. */
      profileIntervalUs?: number;
    }
  | { tb: 'window-end' }
  | { tb: 'drain'; timeoutMs: number };

/** A call frame of a V8 CPU profile (the inspector's `Runtime.CallFrame`). */
export interface CpuProfileCallFrame {
  functionName: string;
  scriptId: string;
  /** `file://…` for ES modules, a plain path for CommonJS, `node:…` for node's own modules, '' for natives. */
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfileNode {
  id: number;
  callFrame: CpuProfileCallFrame;
  hitCount?: number;
  children?: number[];
}

/** V8's sampling CPU profile as the inspector returns it: Chrome DevTools and speedscope open it as `.cpuprofile`. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** µs, on V8's monotonic clock. */
  startTime: number;
  endTime: number;
  /** The node id on top of the stack at each sample. */
  samples: number[];
  /** µs between each sample and the one before it (the first: since startTime). */
  timeDeltas: number[];
}

/** Garbage collections in a window: how many, and their pauses (every GC type). */
export interface GcPauses {
  pauseCount: number;
  pauseTotalMs: number;
  pauseMaxMs: number;
}

/** Percentiles of event-loop delay samples, in µs. */
export interface LoopDelayUs {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ProbeSecond {
  /** Milliseconds since the window started, at the end of this second. */
  tMs: number;
  cpuUs: number;
  requests: number;
  rssBytes: number;
  heapUsedBytes: number;
  /**
   * Worst event-loop delay sample in this second, from a monitor sampling every `eventLoopDelayResolutionMs` (200 ms
   * by default). Before the probe's cost was cut, this was the lateness of the probe's own 100 ms timer.
   */
  loopLagMaxUs: number;
  /** Spans waiting in the batch processor's queue (0 without one). */
  queueDepth: number;
  /** Spans inside export calls not answered yet, at this point; absent where unknown (no SDK, older probes). */
  inFlightSpans?: number;
}

/** How `rssPeakBytes` was found: the kernel's exact high-water mark (Linux), or the largest per-second sample. */
export type RssPeakSource = 'kernel' | 'sampled';

export interface ProbeWindowReport {
  windowMs: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Requests the server started inside the window (node:http diagnostics channel). */
  requests: number;
  rssStartBytes: number;
  /** Exact where `rssPeakSource` is `kernel` (VmHWM, reset at window start); else the largest of start, per-second and end samples. */
  rssPeakBytes: number;
  rssEndBytes: number;
  /**
   * The used heap's peak: the largest of its size right before each GC in the window (exact: it only grows between
   * collections), the per-second samples, and the start and end values. Before, the largest 100 ms sample.
   */
  heapUsedPeakBytes: number;
  heapUsedEndBytes: number;
  /** Collections inside the window and their pauses (`v8.GCProfiler`: every GC type, as the `gc` observer counted). */
  gc: GcPauses;
  /**
   * Percentiles of event-loop delay samples taken every `eventLoopDelayResolutionMs`: 5 a second at the default
   * 200 ms. It was 10 ms, which cost 4.5 ms of CPU a second on an idle loop, ~2% of the service's at 1,000 req/s.
   * With few samples, p99 lies close to max; a stall shorter than the resolution can fall between samples, and the
   * window's first interval is not sampled.
   */
  eventLoopDelayUs: LoopDelayUs;
  /** The monitor's sampling interval in ms; 0 when it was off (all delays then read 0). Absent from older probes. */
  eventLoopDelayResolutionMs?: number;
  /** Absent from older probes, which sampled every 100 ms. */
  rssPeakSource?: RssPeakSource;
  /**
   * CPU of the probe's per-second sampling, timed by itself: a lower bound, blind to its timers' wake-ups and to the
   * work V8 and node do for it; `npm run bench:probe` measures the whole cost from outside (target < 1%).
   */
  probeCpuUs: number;
  series: ProbeSecond[];
  /**
   * The window's CPU by thread (Linux schedstat, read outside the window's CPU reading): the main thread, which a
   * profile samples, and the others (GC and compiler threads); null where it cannot be read. Absent from older probes.
   */
  threadCpuUs?: ThreadCpu | null;
  /** The window's CPU profile, when the harness asked for one (`profileIntervalUs`). */
  profile?: CpuProfile;
  /** The main thread's CPU while the profiler ran, µs (Linux schedstat); null where it cannot be read. */
  profileMainThreadCpuUs?: number | null;
}

/**
 * A span counter: null where the harness could not read it (e.g. a service whose SDK tracebench did not build and whose
 * processor the probe cannot see), never 0.
 */
export type SpanCount = number | null;

/** A trial's span counts as the service sees them: `ended = exported + failed + dropped + queuedAtEnd` where all are known. */
export interface SpanCounts {
  /** Every span start, recorded or not. */
  started: SpanCount;
  sampled: SpanCount;
  ended: SpanCount;
  exported: SpanCount;
  failed: SpanCount;
  /** Dropped because the batch processor's queue was full (SDK self-observability metric). */
  dropped: SpanCount;
  /** Still in the processor's queue, or inside an unanswered export call, after the drain. */
  queuedAtEnd: SpanCount;
}

/**
 * Who counted: `tracebench` (the reference service's own tracing set-up), `probe` (the probe observed a tracer provider
 * the service registered itself; what it cannot see is null), `none` (no tracing SDK registered: nothing started).
 */
export type SpanCountSource = 'tracebench' | 'probe' | 'none';

export interface ProbeSpanReport extends SpanCounts {
  /** False when the service runs no tracing SDK (the baseline): counters are all zero. */
  tracing: boolean;
  /** Absent from older probes (read as `tracebench` when tracing, else `none`). */
  source?: SpanCountSource;
  /** False when forceFlush did not finish within the drain timeout. */
  drained: boolean;
  /** Failed spans per export error message. */
  failureReasons: Record<string, number>;
  /**
   * The most export calls unanswered at once over the service's life; null where the exporter could not be hooked.
   * The spec has one at a time; more means a processor started exports concurrently (results/validity.ts says why).
   * Absent from older probes.
   */
  exportCallsMaxConcurrent?: number | null;
}

/** What a service without a tracing SDK reports: nothing traced, every counter a known zero. */
export function untracedSpanReport(): ProbeSpanReport {
  return {
    tracing: false,
    source: 'none',
    started: 0,
    sampled: 0,
    ended: 0,
    exported: 0,
    failed: 0,
    dropped: 0,
    queuedAtEnd: 0,
    drained: true,
    failureReasons: {},
  };
}

/** A server that started listening in the service (TCP only; pipes are not reported). */
export interface ListenSeen {
  address: string;
  port: number;
  /** The host the app asked for; null when it named none (Node's default: every interface). */
  requestedHost: string | null;
  /** True when the probe bound loopback instead of what the app asked for. */
  rebound: boolean;
}

/** An outgoing connection to an address off this machine, seen before it was attempted. */
export interface EgressSeen {
  host: string;
  port: number;
  /** The address a host name resolved to; absent for an IP, or when the name did not resolve (`resolved: false`). */
  address?: string;
  resolved: boolean;
}

export type ProbeToHarness =
  /** Sent by the reference service and test fixtures themselves; the harness no longer needs it (the probe reports `listen`). */
  | { tb: 'listening'; port: number }
  /** The probe loaded in the process the harness started (not in the processes that one starts). */
  | { tb: 'probe-hello'; pid: number }
  | ({ tb: 'listen' } & ListenSeen)
  | ({ tb: 'egress' } & EgressSeen)
  | { tb: 'window-started' }
  | { tb: 'window'; report: ProbeWindowReport }
  | { tb: 'drained'; spans: ProbeSpanReport }
  | { tb: 'probe-error'; message: string };
