/**
 * Every environment variable the harness sets for a service process: the one table the config's env validation is
 * derived from (RESERVED_ENV). A reserved name's value in service.env, service.perService.NAME.env or variants[].env
 * would override the harness's and silently change (or break) what is measured, so it is refused there with the setting
 * to use instead. A merged name keeps the user's value with the harness's added; a default is the harness's until the
 * user sets it. OTEL_* names the harness never sets (OTEL_SERVICE_NAME, OTEL_LOG_LEVEL, ...) stay the user's.
 */
export interface HarnessEnv {
  /** The variable's name, or a prefix when `prefix` is set. */
  name: string;
  /** Every name starting with `name` is reserved. */
  prefix?: true;
  /** The config setting the harness takes the value from, to set instead; absent when there is nothing to set. */
  use?: string;
  /** Why the harness owns it, when `use` does not say. */
  why?: string;
  /** `merged`: the harness adds to the user's value; `default`: the user's value wins. Absent: reserved. */
  shared?: 'merged' | 'default';
}

export type ReservedEnv = HarnessEnv;

export const HARNESS_ENV: readonly HarnessEnv[] = [
  { name: 'PORT', why: 'the harness gives each service process its port' },
  { name: 'OTEL_SDK_DISABLED', why: 'the baseline cell runs without the SDK, the others with it' },
  { name: 'OTEL_TRACES_SAMPLER', use: 'matrix.sampler (or service.perService.NAME.sampler)' },
  { name: 'OTEL_TRACES_SAMPLER_ARG', use: 'matrix.sampler (with its ratio: { type: traceidratio, ratio: 0.1 })' },
  { name: 'OTEL_TRACES_EXPORTER', use: 'matrix.exporter' },
  { name: 'OTEL_TRACES_', prefix: true, use: 'matrix.sampler and matrix.exporter' },
  { name: 'OTEL_BSP_', prefix: true, use: 'matrix.processor (e.g. { type: batch, maxQueueSize: 4096 })' },
  { name: 'OTEL_PROPAGATORS', use: 'matrix.propagator (or service.perService.NAME.propagator)' },
  // Where spans go, in which protocol and compression: the harness's. The rest of OTEL_EXPORTER_OTLP_* (timeouts,
  // headers) stays the user's: the exporter timeout is what decides how long failed calls hold spans in an outage.
  ...['ENDPOINT', 'PROTOCOL'].flatMap((what) =>
    ['OTEL_EXPORTER_OTLP_', 'OTEL_EXPORTER_OTLP_TRACES_'].map((head) => ({
      name: `${head}${what}`,
      use: 'matrix.exporter',
      why: 'the harness points the exporter at its own sink and picks the protocol',
    })),
  ),
  ...['OTEL_EXPORTER_OTLP_COMPRESSION', 'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION'].map((name) => ({
    name,
    use: 'matrix.compression',
  })),
  {
    name: 'OTEL_EXPORTER_ZIPKIN_',
    prefix: true,
    use: 'matrix.exporter',
    why: 'the harness points the exporter at its own sink',
  },
  {
    name: 'TRACEBENCH_INSTRUMENTATION',
    why: 'each cell of the matrix says whether and how the service is instrumented',
  },
  { name: 'TRACEBENCH_SPAN_PROCESSOR', use: 'matrix.processor' },
  { name: 'TRACEBENCH_SPAN_PROCESSOR_MODULE', use: 'matrix.processor ({ module: ./my-processor.js, then: batch })' },
  { name: 'TRACEBENCH_SPAN_PROCESSOR_ARG', use: 'matrix.processor ({ module: ./my-processor.js, arg: ... })' },
  { name: 'TRACEBENCH_SAMPLER_MODULE', use: 'matrix.sampler ({ module: ./my-sampler.js })' },
  { name: 'TRACEBENCH_SAMPLER_ARG', use: 'matrix.sampler ({ module: ./my-sampler.js, arg: 0.01 })' },
  { name: 'OTEL_NODE_ENABLED_INSTRUMENTATIONS', use: 'matrix.instrumentation ({ zero-code: { enabled: [http] } })' },
  {
    name: 'OTEL_METRICS_EXPORTER',
    why: 'zero-code cells turn NodeSDK metrics off, so the cell measures tracing alone',
  },
  { name: 'OTEL_LOGS_EXPORTER', why: 'zero-code cells turn NodeSDK logs off, so the cell measures tracing alone' },
  { name: 'TRACEBENCH_CONTEXT_MANAGER', use: 'attribution (its layers run with and without a context manager)' },
  { name: 'TRACEBENCH_WORKLOAD', use: 'service.workload' },
  { name: 'TRACEBENCH_SERVICE', why: 'each process of the workload is told which service it runs' },
  { name: 'TRACEBENCH_PEERS', why: "the harness hands each service its peers' addresses" },
  {
    name: 'TRACEBENCH_EXTRA_CPU_US_PER_REQUEST',
    use: 'service.extraCpuUsPerRequest or variants[].extraCpuUsPerRequest',
  },
  { name: 'TRACEBENCH_TEST_SPAN_COST_US', use: 'variants[].extraCpuUsPerSpan' },
  {
    name: 'TRACEBENCH_BURN_ITERATIONS_PER_US',
    why: 'the run calibrates it once so every cell does the same simulated work',
  },
  {
    name: 'TRACEBENCH_PROBE_PARTS',
    why: 'the in-service probe runs whole in a run (parts are for npm run bench:probe only)',
  },
  {
    name: 'TRACEBENCH_PROBE_TARGET',
    why: 'it tells the in-service probe which process is the one the harness started',
  },
  {
    name: 'OTEL_RESOURCE_ATTRIBUTES',
    shared: 'merged',
    why: "the harness appends tracebench.trial.id to the user's attributes, so the sink can tell trials apart",
  },
  {
    name: 'OTEL_NODE_RESOURCE_DETECTORS',
    shared: 'default',
    why: 'the cloud detectors would query metadata addresses off loopback; the harness defaults to the local ones',
  },
  { name: 'NODE_OPTIONS', shared: 'merged', why: "the harness adds the probe's --import to the user's options" },
];

/** The names refused in the config's env: every name the harness sets and does not share. */
export const RESERVED_ENV: readonly HarnessEnv[] = HARNESS_ENV.filter((e) => e.shared === undefined);

const entryFor = (table: readonly HarnessEnv[], name: string) =>
  table.find((r) => (r.prefix ? name.startsWith(r.name) : name === r.name));

/** The table's entry for a name, when the harness sets it (reserved or shared). */
export function harnessEnv(name: string): HarnessEnv | undefined {
  return entryFor(HARNESS_ENV, name);
}

/** The table's entry for a name, when the name is reserved. */
export function reservedEnv(name: string): HarnessEnv | undefined {
  return entryFor(RESERVED_ENV, name);
}

/** Why a name cannot be set in the config's env, or undefined when it can. */
export function reservedEnvProblem(name: string): string | undefined {
  const reserved = reservedEnv(name);
  if (!reserved) return undefined;
  const why = reserved.why ? ` (${reserved.why})` : '';
  return `reserved: the harness sets it for every service process, and a value here would change what is measured; ${reserved.use ? `use ${reserved.use} instead${why}` : `remove it${why}`}`;
}
