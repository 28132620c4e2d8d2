import type { TailSamplingConfig } from '../sink/tail/types.js';
import type { Budget } from '../budget/types.js';
/** Tracing settings of one matrix cell, in OpenTelemetry's vocabulary. */

export type SamplerSetting =
  | { type: 'always_on' }
  | { type: 'always_off' }
  | { type: 'traceidratio'; ratio: number }
  | { type: 'parentbased_always_on' }
  | { type: 'parentbased_always_off' }
  | { type: 'parentbased_traceidratio'; ratio: number }
  /** Consistent probability sampling (OpenTelemetry spec, `tracestate` `ot=th:`), alone or as ParentBased's root. */
  | { type: 'consistent_probability'; ratio: number }
  | { type: 'parentbased_consistent_probability'; ratio: number }
  /** A token bucket: at most `tracesPerSecond` traces per second per service. */
  | { type: 'ratelimiting'; tracesPerSecond: number }
  | { type: 'parentbased_ratelimiting'; tracesPerSecond: number }
  /**
   * The head sampler users write: always keeps requests on `alwaysRoutes` (http.route) or with an attribute in
   * `alwaysAttributes` at span start, the rest at `ratio`; parent-based. It cannot see how a request will end.
   */
  | { type: 'biased'; ratio: number; alwaysRoutes: string[]; alwaysAttributes: Record<string, string> }
  /**
   * The user's own sampler: a module (a path from the config file's folder, or a package) whose default export is a
   * Sampler, a class constructed with `arg`, or a function called with `arg` that returns one.
   */
  | { type: 'module'; module: string; arg?: ModuleArg };

/** The argument handed to a user's sampler or span processor module (as JSON). */
export type ModuleArg = number | string | boolean | Record<string, unknown> | unknown[];

export type SamplerType = SamplerSetting['type'];

/** The SDK's own processors. */
export type BuiltInProcessorSetting = Exclude<ProcessorSetting, { type: 'module' }>;

export type ProcessorSetting =
  | { type: 'simple' }
  /**
   * The user's own span processor: a module whose default export is a SpanProcessor class (constructed with
   * `{ next, arg }`) or a function called with `{ next, arg }` that returns one; `next` is the `then` processor, to which
   * it hands the spans it keeps.
   */
  | { type: 'module'; module: string; arg?: ModuleArg; then: Exclude<ProcessorSetting, { type: 'module' }> }
  | {
      type: 'batch';
      /** Spans held before new ones are dropped. @default 2048 (OTEL_BSP_MAX_QUEUE_SIZE) */
      maxQueueSize: number;
      /** Spans per export call; never more than maxQueueSize. @default 512, or maxQueueSize when that is smaller (the SDK clamps it the same way) (OTEL_BSP_MAX_EXPORT_BATCH_SIZE) */
      maxExportBatchSize: number;
      /** Delay between two exports. @default 5000 (OTEL_BSP_SCHEDULE_DELAY) */
      scheduleDelayMillis: number;
      /** How long one export may take. @default 30000 (OTEL_BSP_EXPORT_TIMEOUT) */
      exportTimeoutMillis: number;
    };

/**
 * `none`: the SDK runs and nothing leaves the process; `console`: to a file, never the terminal; `otlp-grpc`: OTLP over
 * gRPC (@opentelemetry/exporter-trace-otlp-grpc).
 */
export type ExporterSetting = 'none' | 'console' | 'otlp-http-protobuf' | 'otlp-http-json' | 'otlp-grpc' | 'zipkin';

/** How OTLP exporters compress request bodies (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION). */
export type CompressionSetting = 'none' | 'gzip';

/**
 * Context propagation (OTEL_PROPAGATORS): `tracecontext` is W3C trace context with W3C baggage; `b3` the single
 * `b3` header, `b3multi` the `X-B3-*` headers; `jaeger` the `uber-trace-id` header; `xray` AWS X-Ray's header.
 */
export type PropagatorSetting = 'tracecontext' | 'b3' | 'b3multi' | 'jaeger' | 'xray';

/** Settings for one service of a multi-service workload, over the cell's. */
export interface PerServiceConfig {
  /** This service propagates with this instead of the cell's propagator: a mismatch breaks traces. */
  propagator?: PropagatorSetting;
  /** This service samples with this instead of the cell's sampler (e.g. another ratio), in traced cells. */
  sampler?: SamplerSetting;
  /** Extra environment for this service's process, over service.env. */
  env: Record<string, string>;
}

/** How the sink (the receiving backend) behaves during a trial. */
export type SinkSetting =
  | { mode: 'ok'; outage?: OutageSetting }
  | { mode: 'slow'; delayMs: number; outage?: OutageSetting }
  | { mode: 'error'; statusCode: number; fraction: number; retryAfterSeconds?: number }
  /** Reads each export request and never answers: the exporter's own timeout ends it. */
  | { mode: 'timeout' }
  /** Resets the connection of this fraction of export requests, spread evenly like `error`'s. */
  | { mode: 'flaky'; fraction: number }
  | { mode: 'down' };

/** What the backend does during an outage. */
export type OutageBehaviour =
  /** Every connection is reset as it arrives (and a request on a kept-alive one too): the port stays the sink's. */
  { mode: 'down' } | { mode: 'error'; statusCode: number; retryAfterSeconds?: number } | { mode: 'timeout' };

/** A window of the measured window, in seconds from its start, during which the backend fails; outside it, it answers. */
export type OutageSetting = { fromSeconds: number; toSeconds: number } & OutageBehaviour;

/** The measured service. */
export interface ServiceConfig {
  /** Workload name (a file in `workloads/`) or a path to a workload YAML. @default 'user-api' */
  workload: string;
  /** A custom service entry (compiled JavaScript, CommonJS or ESM) run with node; the reference service when absent and no command is given. */
  entry?: string;
  /** Instead of entry: the command that starts the service, e.g. `['node', 'dist/server.js']`; it must start node (the probe comes through NODE_OPTIONS). */
  command?: string[];
  /** The service's working directory, relative to the config file; a command's paths and NODE_OPTIONS' preloads resolve from it. @default the config file's folder */
  cwd?: string;
  /** Extra environment for the service process. */
  env: Record<string, string>;
  /** Extra environment for traced cells only, over env (e.g. NODE_OPTIONS loading the SDK): the baseline runs without it. */
  tracedEnv?: Record<string, string>;
  /** Path polled with GET until it answers 200. @default '/healthz' */
  readyPath: string;
  /** Path the load generator requests. @default '/api/users/42' */
  requestPath: string;
  /** How long the service may take to become ready. @default 10000 */
  startupTimeoutMs: number;
  /** Test-only: CPU time spent per request on top of the workload, a spin on the process CPU clock (µs). @default 0 */
  extraCpuUsPerRequest: number;
  /** Per service name of the workload: settings over the cell's (e.g. a mismatched propagator). @default {} */
  perService: Record<string, PerServiceConfig>;
}

export interface LoadConfig {
  /** Offered rate of the open loop, requests per second, all threads together. @default 500 */
  rateRps: number;
  /** Discarded warm-up before the measured window. @default 1 */
  warmupSeconds: number;
  /** Measured window. @default 3 */
  durationSeconds: number;
  /** Generator worker threads; 1 is best on 2 cores (ARCHITECTURE.md). @default 1 */
  threads: number;
  /** Keep-alive connections per thread. @default 16 */
  connections: number;
  /** A request not answered within this is a timeout. @default 2000 */
  timeoutMs: number;
  /** How the generator waits between sends: `thread` and `hybrid` leave within tens of µs, `timer` up to ~1 ms late in bursts. @default 'timer' */
  pacing?: 'timer' | 'hybrid' | 'thread';
  /** Pacing threads at SCHED_FIFO during each window (Linux, root or CAP_SYS_NICE); refused, the run goes on at normal priority with a warning. @default false */
  realtime?: boolean;
  /** A trial whose send lag p99 exceeds this (µs) carries a warning. @default the larger of 1000 µs and 25% of the service's median latency */
  maxSendLagP99Us?: number;
  /** Intended send times: `uniform` (fixed interval) or `poisson` (exponential gaps, seeded by the run's seed). @default 'uniform' */
  arrivals?: 'uniform' | 'poisson';
  /** Closed-loop saturation run with autocannon after the open loop, for a maxThroughput figure; off when absent. */
  saturation?: { durationSeconds: number; connections: number };
}

/**
 * How the service is traced (the `instrumentation` axis), in the ecosystem's terms: `none` the baseline (no SDK at all);
 * `manual` the reference service's own SDK set-up and spans (today's traced cells); `zero-code`
 * `--require @opentelemetry/auto-instrumentations-node/register`, limited to `enabled` instrumentations
 * (OTEL_NODE_ENABLED_INSTRUMENTATIONS, e.g. `http`) when given; `sdk-node` the user's own set-up module
 * (`--import` for ESM, `--require` for CommonJS), which builds a NodeSDK from the OTEL_* variables.
 */
export type InstrumentationSetting =
  | { type: 'none' }
  | { type: 'manual' }
  | { type: 'zero-code'; enabled?: string[] }
  | { type: 'sdk-node'; module: string; load: 'import' | 'require' };

export interface MatrixConfig {
  /** @default [manual] (absent in results written before the axis existed) */
  instrumentation?: InstrumentationSetting[];
  sampler: SamplerSetting[];
  processor: ProcessorSetting[];
  exporter: ExporterSetting[];
  /** Compression of the OTLP exporters' requests; absent in results written before the axis existed. @default ['none'] */
  compression?: CompressionSetting[];
  /** @default ['tracecontext'] */
  propagator: PropagatorSetting[];
  /** Measure the baseline cell; false only with variants, compared with each other. @default true (absent in older results) */
  baseline?: boolean;
}

/** One variant of the system under test in a same-run A/B. */
export interface VariantConfig {
  name: string;
  /** This variant's service entry; service.entry when absent. */
  entry?: string;
  env: Record<string, string>;
  /** Test-only: CPU time spent per request, a spin on the process CPU clock (µs). @default 0 */
  extraCpuUsPerRequest: number;
  /** Test-only: simulated CPU work per ended span, like a slow span processor (µs). @default 0 */
  extraCpuUsPerSpan: number;
  /**
   * Only these of the matrix's instrumentations are measured on this variant. Without `manual`, the variant's entry is
   * an app of its own, not the reference service: it gets `service.requestPath` only, as a `service.entry` does. @default all
   */
  instrumentation?: InstrumentationSetting[];
}

export interface AttributionConfig {
  /** The exporters measured on the top layer, each with the batch processor. @default ['otlp-http-protobuf'] */
  exporters: ExporterSetting[];
  /** Also measure the simple processor with the first exporter. @default true */
  simple: boolean;
  /** Batch options for the export layers. @default the SDK's defaults */
  batch: Partial<{
    maxQueueSize: number;
    maxExportBatchSize: number;
    scheduleDelayMillis: number;
    exportTimeoutMillis: number;
  }>;
  /** Run the micro-benchmarks after the trials, for the prediction next to the waterfall (`quick`: the short profile). @default true */
  micro: boolean | 'quick';
}

/** A tail-sampling configuration measured as one more cell: a head sampler in the services, the sink deciding. */
export interface TailCellConfig {
  /** Names the cell (`…~tail-<name>`). */
  name: string;
  /** The services' sampler. @default always_on */
  head: SamplerSetting;
  /** The collector-style tail_sampling settings the sink applies. */
  sampling: TailSamplingConfig;
}

/** Live, warmed processes measured in paired windows (docs/precision.md). */
export interface WindowsMethodConfig {
  type: 'windows';
  /** Measured window, seconds; both sides are measured over the same seconds. @default 2 */
  windowSeconds: number;
  /** Live process sets per side; under 3, a difference between processes cannot be told from noise. @default 4 */
  processes: number;
  /** Back-to-back windows per block; blocks cycle over the process sets. @default 4 */
  windowsPerBlock: number;
  /** Unmeasured load at the start of each block, seconds. @default 2 */
  leadInSeconds: number;
  /** Upper bound of the warm-up until CPU per request is steady, seconds. @default 40 */
  warmupMaxSeconds: number;
  /** Steady when the last two halves of `steadyHalfSeconds` agree within this fraction. @default 0.05 */
  steadyTolerance: number;
  /**
   * Seconds in each half the steady test compares. 8, not 4: with 4 the baseline was declared steady after 16-17 s and
   * its first windows ran +4.6% [+1.8, +7.5] over the same service warmed 30 s; with 8, after 22-24 s and +0.55%
   * [-0.7, +1.8] (bench:precision --warmup-check, docs/precision.md). @default 8
   */
  steadyHalfSeconds: number;
  /** Wall time per comparison, warm-up included, minutes. @default 3 */
  maxMinutes: number;
  /** Stop a comparison as soon as its sequential interval decides it against its limit. @default false */
  untilDecided: boolean;
  /**
   * Largest acceptable increase of CPU per request, percent; a comparison a `cpuUsPerRequest: +N%` budget covers (a
   * traced cell against the baseline, or a variant's cell against the first variant's) is judged on each covering
   * budget instead (plan/windows-pairings.ts). @default 3
   */
  limitPct: number;
  /** `split`: measured services on the upper half of the CPUs, the harness and waiting services on the rest (taskset); `none`: the kernel places all. @default 'split' */
  placement: 'split' | 'none';
  /**
   * A calibration.json (relative to the config file): the between-process variance pooled over earlier runs on this
   * machine, pooled again with each comparison's own sets when they fit it (an F test).
   */
  calibration?: string;
  /** A traced cell's id: every other traced cell is compared with it instead of with the baseline. Not with variants. */
  against?: string;
}

/** How cells are measured. */
export type MethodConfig = { type: 'trials' } | WindowsMethodConfig;

/** The whole, validated config with every default filled in. */
export interface Config {
  /** Names the run in reports. @default the config file's name without its extension */
  name: string;
  /** Rounds: each runs every cell once, in a shuffled order. @default 3 */
  rounds: number;
  /** Seed for the shuffle (and later statistics). @default derived from the clock, recorded */
  seed: number;
  /** Where the seed came from, so a run seeded from the clock can say how to repeat it. */
  seedSource?: 'config' | 'override' | 'clock';
  service: ServiceConfig;
  load: LoadConfig;
  sink: SinkSetting;
  matrix: MatrixConfig;
  /** Upper bound for draining spans after the window (forceFlush). @default 5000 */
  drainTimeoutMs: number;
  /** Same-run A/B: variants run interleaved in the same rounds; the first is the reference. */
  variants?: VariantConfig[];
  /** How cells are measured: fresh-process trials, or windows between warm processes. Absent (results before it existed) reads as trials. @default { type: 'trials' } */
  method?: MethodConfig;
  /** Tail-sampling cells, each with the matrix's first processor, exporter and propagator. @default [] */
  tail?: TailCellConfig[];
  /** Attribution: layer cells instead of the matrix (no SDK, API, SDK, context manager, recording, export). */
  attribution?: AttributionConfig;
  /** Overhead budgets judged after the run. */
  budgets?: Budget[];
  /** Profiled extra windows. @default { cells: 'attribution', intervalUs: 1000 } */
  profile?: ProfileConfig;
}

/** Which cells get a profiled window after their measured one, and at what sampling interval. */
export interface ProfileConfig {
  /** `attribution`: the attribution layer cells; `all`: every cell (`--profile`); `none`. @default 'attribution' */
  cells: 'attribution' | 'all' | 'none';
  /** V8's sampling interval, µs. @default 1000 */
  intervalUs: number;
}
