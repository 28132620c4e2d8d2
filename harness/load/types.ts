import type { RequestMix, TruthCounts } from './mix.js';

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
  /**
   * How the generator waits between sends. `hybrid` sleeps on a timer until about a millisecond before a send, then
   * blocks in sub-millisecond `Atomics.wait`s and spins only the last ~20-120 µs: sends leave within microseconds at
   * the median, at somewhat more CPU than `timer` (see `npm run bench:generator`). `timer` sleeps on timers only: sends leave up to ~1 ms late, in bursts (Node timers
   * have millisecond granularity). `spin` spins below a millisecond (event-loop turns while an answer is due): precise, but the
   * thread burns a whole core and its event-loop utilization reads 1, so judge it by `sendLagUs` and `achievedRps`.
   * @default 'hybrid'
   */
  pacing?: Pacing;
  /**
   * When requests are intended to leave: `uniform` at a fixed interval, `poisson` with exponential gaps at the same
   * mean rate (drawn from `arrivalSeed`), as independent users would arrive; both schedule the same count per window.
   * @default 'uniform'
   */
  arrivals?: Arrivals;
  /**
   * The HTTP client: `raw` writes keep-alive HTTP/1.1 on plain sockets and reads answers with a minimal parser (a
   * few µs a request, so the event loop is free when a send is due); `node-http` is node:http's client, kept so the
   * benchmark can set the two side by side.
   * @default 'raw'
   */
  client?: HttpClient;
  /**
   * Runs the threads that must wake on time at SCHED_FIFO (a low real-time priority): the sending thread, and with
   * `thread` pacing its alarm thread too, so the kernel runs them the moment they wake instead of when its fair
   * scheduler next gets to them. Needs Linux and CAP_SYS_NICE (root) or an RLIMIT_RTPRIO; without them the run goes on
   * at normal priority and `realtime` in the result says why. Never applied to the measured service.
   * @default false
   */
  realtime?: boolean;
  /** Seed of the Poisson arrivals; the same seed gives the same schedule. @default 0 */
  arrivalSeed?: number;
  /** Spread requests over a workload's entry routes, each marked with its ground truth; `url` then gives only the origin. */
  mix?: RequestMix;
  /**
   * Ascending boundaries, ms from the start of the schedule, that split corrected latency by each request's intended
   * send time: n boundaries give n + 1 phases in `phases` (e.g. before, during and after a backend outage).
   */
  phaseBoundariesMs?: number[];
}

export type Pacing = 'thread' | 'timer' | 'hybrid' | 'spin';
export const PACINGS: readonly Pacing[] = ['thread', 'timer', 'hybrid', 'spin'];

export type HttpClient = 'raw' | 'node-http';

/** How a thread's scheduling policy is changed; injectable, so a test can make it fail. */
export interface SchedulerTool {
  /** The util-linux `chrt` binary. @default 'chrt' */
  chrtPath: string;
  /** SCHED_FIFO priority. @default 10 (REALTIME_PRIORITY) */
  priority: number;
}

/** What `realtime` gave the generator's pacing threads. */
export type RealtimeRecord =
  | { state: 'off' }
  /** `threads` threads ran at SCHED_FIFO `priority` for the window (sending threads, and alarm threads with `thread` pacing). */
  | { state: 'applied'; policy: 'SCHED_FIFO'; priority: number; threads: number }
  /** Asked for but not granted: the threads ran at normal priority. */
  | { state: 'refused'; reason: string };

export type Arrivals = 'uniform' | 'poisson';
export const ARRIVALS: readonly Arrivals[] = ['uniform', 'poisson'];

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
  /** 5xx answers to requests drawn to fail (honoured marks, not failures). */
  expectedErrors: number;
  /** What the generator drew: the denominators of coverage. */
  truth: TruthCounts;
  /** Latency from the intended send time: coordinated-omission safe. */
  latencyCorrectedUs: PercentilesUs;
  /** Latency from the actual send: when a connection took the request, as a closed-loop client would time it. */
  latencyUncorrectedUs: PercentilesUs;
  /** How late the generator issued each request versus its intended time (pacing lag, before any wait for a connection). */
  sendLagUs: PercentilesUs;
  /** Event-loop utilization of the busiest generator thread (0..1): near 1, the generator is the bottleneck. */
  generatorEluMax: number;
  /** The pacing threads' scheduling: real-time or not, and why not when asked for. */
  realtime: RealtimeRecord;
  /** Encoded (base64, compressed) HDR histograms in µs, merged across workers, for later views. */
  histograms: { corrected: string; uncorrected: string };
  /** Corrected latency per phase of `phaseBoundariesMs`; absent without boundaries. */
  phases?: PercentilesUs[];
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

export interface LoadGeneratorOptions {
  /** Worker threads in the pool; an open-loop run may use up to this many. @default 1 */
  threads?: number;
  /** Called once per generator, the first time `realtime` is asked for and refused, with a warning that says how to enable it. */
  onWarning?: (message: string) => void;
  /** How threads are put at SCHED_FIFO (`chrt`); a test injects one that fails. */
  schedulerTool?: SchedulerTool;
}

export interface LoadGenerator {
  openLoop(options: OpenLoopOptions, signal?: AbortSignal): Promise<OpenLoopResult>;
  closedLoop(options: ClosedLoopOptions, signal?: AbortSignal): Promise<ClosedLoopResult>;
  close(): Promise<void>;
}
