import { z } from 'zod';
import { budgetsSchema } from '../budget/schema.js';
import { tailSamplingSchema } from '../sink/tail/schema.js';
import { describeValue } from './issues.js';
import { reservedEnvProblem } from './reserved-env.js';
import {
  COMPRESSIONS,
  EXPORTERS,
  PROPAGATORS,
  SAMPLERS_WITH_RATE,
  SAMPLERS_WITH_RATIO,
  SAMPLERS_WITHOUT_ARG,
} from './vocabulary.js';
import type {
  WindowsMethodConfig,
  BuiltInProcessorSetting,
  Config,
  InstrumentationSetting,
  ModuleArg,
  ProcessorSetting,
  SamplerSetting,
  SinkSetting,
} from './types.js';

// The user-facing YAML. Options and defaults are documented once, in types.ts; descriptions here are for editors' hovers.

export { EXPORTERS, PROPAGATORS, SAMPLERS_WITH_RATIO, SAMPLERS_WITHOUT_ARG } from './vocabulary.js';

/** The OpenTelemetry batch span processor's defaults (OTEL_BSP_*). */
export const BATCH_DEFAULTS = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduleDelayMillis: 5000,
  exportTimeoutMillis: 30000,
} as const;

/** Largest seed: the shuffle's PRNG takes 32 bits. */
export const MAX_SEED = 2 ** 32 - 1;

/** A whole number in [min, max], worded as one range ("must be a whole number between 1 and 16, got 0"). */
function wholeNumber(min: number, max: number) {
  const words = `must be a whole number between ${min} and ${max}`;
  const error = (iss: { input: unknown }) => (typeof iss.input === 'number' ? `${words}, got ${iss.input}` : undefined);
  return z.int({ error }).min(min, { error }).max(max, { error });
}

/** A number in (0, max] ("must be greater than 0 and at most 600, got 0"). */
function positiveNumber(max: number) {
  const error = (iss: { input: unknown }) =>
    `must be greater than 0 and at most ${max}, got ${describeValue(iss.input)}`;
  return z.number().gt(0, { error }).max(max, { error });
}

function between0And1(requiredWords: string) {
  const error = (iss: { input: unknown }) => `must be between 0 and 1, got ${describeValue(iss.input)}`;
  return z
    .number({ error: (iss) => (iss.input === undefined ? requiredWords : undefined) })
    .min(0, { error })
    .max(1, { error });
}

const nonEmptyString = () => z.string().min(1);

const urlPath = () =>
  z.string().regex(/^\//, { error: (iss) => `must start with '/', got ${describeValue(iss.input)}` });

const samplerNameShorthand = z.enum(SAMPLERS_WITHOUT_ARG, {
  error: (iss) =>
    (SAMPLERS_WITH_RATIO as readonly unknown[]).includes(iss.input)
      ? `${String(iss.input)} needs a ratio: write { type: ${String(iss.input)}, ratio: 0.1 }`
      : `expected one of ${SAMPLERS_WITHOUT_ARG.join(', ')}, got ${describeValue(iss.input)} (traceidratio and parentbased_traceidratio take a ratio: { type: traceidratio, ratio: 0.1 })`,
});

function samplerWithoutArg(type: (typeof SAMPLERS_WITHOUT_ARG)[number]) {
  return z.strictObject(
    { type: z.literal(type) },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys' && (iss.keys as string[]).includes('ratio')
          ? `a ratio applies only to ${SAMPLERS_WITH_RATIO.join(' and ')}; ${type} takes none`
          : undefined,
    },
  );
}

function samplerWithRatio(type: (typeof SAMPLERS_WITH_RATIO)[number]) {
  return z.strictObject({
    type: z.literal(type),
    ratio: between0And1(`required for ${type}: the fraction of traces to sample, between 0 and 1`).describe(
      'Fraction of traces sampled, in [0, 1] (OTEL_TRACES_SAMPLER_ARG).',
    ),
  });
}

function samplerWithRate(type: (typeof SAMPLERS_WITH_RATE)[number]) {
  return z.strictObject({
    type: z.literal(type),
    tracesPerSecond: positiveNumber(1_000_000).describe(
      'Traces per second each service keeps at most (OTEL_TRACES_SAMPLER_ARG).',
    ),
  });
}

const biasedSampler = z.strictObject({
  type: z.literal('biased'),
  ratio: between0And1('required for biased: the fraction of the other traces to sample, between 0 and 1'),
  alwaysRoutes: z
    .array(z.string().min(1))
    .default([])
    .describe('http.route values always sampled (known at span start).'),
  alwaysAttributes: z
    .record(z.string().min(1), z.string())
    .default({})
    .describe('Start attributes that always sample when equal to the value.'),
});

const samplerObject = z.discriminatedUnion('type', [
  ...SAMPLERS_WITHOUT_ARG.map(samplerWithoutArg),
  ...SAMPLERS_WITH_RATIO.map(samplerWithRatio),
  ...SAMPLERS_WITH_RATE.map(samplerWithRate),
  biasedSampler,
] as unknown as [
  ReturnType<typeof samplerWithoutArg>,
  ...Array<
    | ReturnType<typeof samplerWithoutArg>
    | ReturnType<typeof samplerWithRatio>
    | ReturnType<typeof samplerWithRate>
    | typeof biasedSampler
  >,
]);

const moduleArg = z
  .union([z.number(), z.string(), z.boolean(), z.record(z.string(), z.unknown()), z.array(z.unknown())], {
    error: (iss) => `expected a number, string, true/false, list or mapping, got ${describeValue(iss.input)}`,
  })
  .optional()
  .describe('Handed to the module as its argument (JSON).');

const moduleSpecifier = nonEmptyString().describe(
  "A path from the config file's folder (./samplers/mine.js) or a package name.",
);

const samplerModule = z.strictObject({ module: moduleSpecifier, arg: moduleArg });

export const samplerSchema = z
  .union([samplerNameShorthand, samplerObject, samplerModule], {
    error: (iss) =>
      `expected a sampler name (${SAMPLERS_WITHOUT_ARG.join(', ')}), { type, ratio } or { module, arg }, got ${describeValue(iss.input)}`,
  })
  .transform(
    (s): SamplerSetting =>
      typeof s === 'string'
        ? { type: s }
        : 'module' in s
          ? { type: 'module', module: s.module, ...(s.arg !== undefined ? { arg: s.arg as ModuleArg } : {}) }
          : (s as SamplerSetting),
  )
  .describe(
    'A sampler: a name, { type, ratio } for the ratio samplers, { type, tracesPerSecond } for rate limiting, or { type: biased, ratio, alwaysRoutes, alwaysAttributes } (OTEL_TRACES_SAMPLER).',
  );

const batchObject = z
  .strictObject({
    type: z.literal('batch'),
    maxQueueSize: wholeNumber(1, 1_000_000)
      .optional()
      .describe('Spans held before new ones are dropped (OTEL_BSP_MAX_QUEUE_SIZE). Default 2048.'),
    maxExportBatchSize: wholeNumber(1, 1_000_000)
      .optional()
      .describe(
        'Spans per export call, at most maxQueueSize (OTEL_BSP_MAX_EXPORT_BATCH_SIZE). Default 512, or maxQueueSize when smaller.',
      ),
    scheduleDelayMillis: wholeNumber(1, 3_600_000)
      .optional()
      .describe('Delay between two exports, ms (OTEL_BSP_SCHEDULE_DELAY). Default 5000.'),
    exportTimeoutMillis: wholeNumber(1, 3_600_000)
      .optional()
      .describe('How long one export may take, ms (OTEL_BSP_EXPORT_TIMEOUT). Default 30000.'),
  })
  .superRefine((p, ctx) => {
    const queue = p.maxQueueSize ?? BATCH_DEFAULTS.maxQueueSize;
    if (p.maxExportBatchSize !== undefined && p.maxExportBatchSize > queue) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxExportBatchSize'],
        message: `maxExportBatchSize (${p.maxExportBatchSize}) must not be larger than maxQueueSize (${queue}${p.maxQueueSize === undefined ? ', the default' : ''})`,
      });
    }
  });

const processorObject = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('simple') }), batchObject]);

/** Fills the batch defaults; the export batch never exceeds the queue, as the SDK itself clamps it. */
export function normaliseProcessor(p: 'simple' | 'batch' | z.output<typeof processorObject>): BuiltInProcessorSetting {
  if (p === 'simple' || (typeof p === 'object' && p.type === 'simple')) return { type: 'simple' };
  const o = typeof p === 'object' && p.type === 'batch' ? p : { type: 'batch' as const };
  const maxQueueSize = o.maxQueueSize ?? BATCH_DEFAULTS.maxQueueSize;
  return {
    type: 'batch',
    maxQueueSize,
    maxExportBatchSize: o.maxExportBatchSize ?? Math.min(BATCH_DEFAULTS.maxExportBatchSize, maxQueueSize),
    scheduleDelayMillis: o.scheduleDelayMillis ?? BATCH_DEFAULTS.scheduleDelayMillis,
    exportTimeoutMillis: o.exportTimeoutMillis ?? BATCH_DEFAULTS.exportTimeoutMillis,
  };
}

const builtInProcessor = z.union([z.enum(['simple', 'batch']), processorObject], {
  error: (iss) => `expected simple, batch or { type: batch, maxQueueSize, ... }, got ${describeValue(iss.input)}`,
});

const processorModule = z.strictObject({
  module: moduleSpecifier,
  arg: moduleArg,
  // biome-ignore lint/suspicious/noThenProperty: `then` is the config key users write; zod parses it, nothing awaits it
  then: builtInProcessor
    .default('batch')
    .describe('The SDK processor the module hands the spans it keeps to. Default batch.'),
});

export const processorSchema = z
  .union([z.enum(['simple', 'batch']), processorObject, processorModule], {
    error: (iss) =>
      `expected simple, batch, { type: batch, maxQueueSize, ... } or { module, then }, got ${describeValue(iss.input)}`,
  })
  .transform(
    (p): ProcessorSetting =>
      typeof p === 'object' && 'module' in p
        ? {
            type: 'module',
            module: p.module,
            ...(p.arg !== undefined ? { arg: p.arg as ModuleArg } : {}),
            // biome-ignore lint/suspicious/noThenProperty: the config key, as above
            then: normaliseProcessor(p.then),
          }
        : normaliseProcessor(p),
  )
  .describe(
    'A span processor: simple, batch, { type: batch, maxQueueSize, maxExportBatchSize, scheduleDelayMillis, exportTimeoutMillis }, or your own { module, arg, then }.',
  );

const instrumentationWords = (iss: { input: unknown }) =>
  `expected none, manual, zero-code, { zero-code: { enabled: [http] } } or { sdk-node: { import: ./tracing.js } }, got ${describeValue(iss.input)}`;
const instrumentationName = z.enum(['none', 'manual', 'zero-code'], { error: instrumentationWords });
const instrumentationObject = z.union([
  z.strictObject({
    'zero-code': z.strictObject({
      enabled: z
        .array(
          z.string().regex(/^[a-z][\w-]*$/, {
            error: (iss) =>
              `an instrumentation name such as http or express (without @opentelemetry/instrumentation-), got ${describeValue(iss.input)}`,
          }),
        )
        .min(1)
        .optional()
        .describe('Only these instrumentations (OTEL_NODE_ENABLED_INSTRUMENTATIONS), e.g. [http]. Default: all.'),
    }),
  }),
  z.strictObject({
    'sdk-node': z.union([z.strictObject({ import: moduleSpecifier }), z.strictObject({ require: moduleSpecifier })], {
      error: (iss) =>
        `expected { import: ./tracing.js } (ESM) or { require: ./tracing.cjs } (CommonJS), got ${describeValue(iss.input)}`,
    }),
  }),
]);

export const instrumentationSchema = z
  .union([instrumentationName, instrumentationObject], { error: instrumentationWords })
  .transform((i): InstrumentationSetting => {
    if (typeof i === 'string') return { type: i };
    if ('zero-code' in i)
      return { type: 'zero-code', ...(i['zero-code'].enabled ? { enabled: i['zero-code'].enabled } : {}) };
    const setup = i['sdk-node'];
    return 'import' in setup
      ? { type: 'sdk-node', module: setup.import, load: 'import' }
      : { type: 'sdk-node', module: setup.require, load: 'require' };
  })
  .describe(
    "How the service is traced: none (no SDK), manual (the reference service's own spans), zero-code (auto-instrumentations-node/register), or sdk-node with your set-up module.",
  );

export const exporterSchema = z
  .enum(EXPORTERS)
  .describe(
    'Where spans go: none (the SDK runs, nothing leaves), console (to a file), otlp-http-protobuf, otlp-http-json, otlp-grpc, zipkin.',
  );

export const compressionSchema = z
  .enum(COMPRESSIONS)
  .describe('How OTLP exporters compress their requests (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION): none or gzip.');
const statusCodeSchema = wholeNumber(400, 599).describe('HTTP status of the failed answers, e.g. 429 or 503.');
const retryAfterSchema = wholeNumber(0, 3600)
  .optional()
  .describe('Seconds sent as the Retry-After header of the failed answers. Default: no header.');

const outageWindow = {
  fromSeconds: z.number().min(0).describe("Start of the outage, seconds after the measured window's start."),
  toSeconds: z
    .number()
    .gt(0)
    .describe("End of the outage, seconds after the measured window's start; the backend then answers again."),
};

const outageSchema = z
  .discriminatedUnion('mode', [
    z.strictObject({ ...outageWindow, mode: z.literal('down') }),
    z.strictObject({
      ...outageWindow,
      mode: z.literal('error'),
      statusCode: statusCodeSchema,
      retryAfterSeconds: retryAfterSchema,
    }),
    z.strictObject({ ...outageWindow, mode: z.literal('timeout') }),
  ])
  .refine((o) => o.toSeconds > o.fromSeconds, {
    error: (iss) => {
      const o = iss.input as { fromSeconds: number; toSeconds: number };
      return `outage.toSeconds (${o.toSeconds}) must be after outage.fromSeconds (${o.fromSeconds})`;
    },
  })
  .optional()
  .describe(
    'An outage of the backend inside the measured window: { fromSeconds, toSeconds, mode: down | error | timeout } (error takes statusCode and retryAfterSeconds); outside it the sink behaves as its mode says.',
  );

const sinkObject = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('ok'), outage: outageSchema }),
  z.strictObject({
    mode: z.literal('slow'),
    delayMs: wholeNumber(1, 60_000).describe('Delay before each answer, ms.'),
    outage: outageSchema,
  }),
  z.strictObject({
    mode: z.literal('error'),
    statusCode: statusCodeSchema,
    fraction: positiveNumber(1).describe('Fraction of export requests that fail, in (0, 1].'),
    retryAfterSeconds: retryAfterSchema,
  }),
  z.strictObject({ mode: z.literal('timeout') }),
  z.strictObject({
    mode: z.literal('flaky'),
    fraction: positiveNumber(1).describe('Fraction of export requests whose connection is reset, in (0, 1].'),
  }),
  z.strictObject({ mode: z.literal('down') }),
]);

export const sinkSchema = z
  .union([z.enum(['ok', 'down', 'timeout']), sinkObject], {
    error: (iss) =>
      `expected ok, down, timeout or { mode: slow | error | flaky | ok, ... }, got ${describeValue(iss.input)}`,
  })
  .transform((s): SinkSetting => (typeof s === 'string' ? { mode: s } : (s as SinkSetting)))
  .describe(
    'How the receiving backend behaves: { mode: ok }, { mode: slow, delayMs }, { mode: error, statusCode, fraction, retryAfterSeconds }, { mode: timeout } (never answers), { mode: flaky, fraction } (resets connections), { mode: down }; ok and slow take an outage: { fromSeconds, toSeconds, mode: down | error | timeout }.',
  );

/** Bounds of one env mapping: a process's whole environment must fit the OS's argument space (128 KiB a variable on Linux). */
export const ENV_LIMITS = { maxVariables: 1000, maxNameChars: 256, maxValueChars: 32 * 1024 } as const;

const envName = z
  .string()
  .max(ENV_LIMITS.maxNameChars, { error: `a variable name may be at most ${ENV_LIMITS.maxNameChars} characters` })
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: (iss) => `not a valid environment variable name: ${describeValue(iss.input)}`,
  })
  .superRefine((key, ctx) => {
    const problem = reservedEnvProblem(key);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const envSchema = z
  .record(
    envName,
    z.union([z.string().max(ENV_LIMITS.maxValueChars), z.number(), z.boolean()], {
      error: (iss) => `expected a string, number or true/false, got ${describeValue(iss.input)}`,
    }),
  )
  .superRefine((env, ctx) => {
    const count = Object.keys(env).length;
    if (count > ENV_LIMITS.maxVariables)
      ctx.addIssue({
        code: 'custom',
        message: `${count} variables: at most ${ENV_LIMITS.maxVariables} may be set here`,
      });
  })
  .transform((env) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])));

const propagatorSchema = z.enum(PROPAGATORS, {
  error: (iss) => `expected one of ${PROPAGATORS.join(', ')}, got ${describeValue(iss.input)}`,
});

const perServiceSchema = z.strictObject({
  propagator: propagatorSchema
    .optional()
    .describe("This service's propagator instead of the cell's (a mismatch breaks traces)."),
  sampler: z
    .lazy(() => samplerSchema)
    .optional()
    .describe("This service's sampler instead of the cell's, in traced cells (e.g. a different ratio)."),
  env: envSchema.prefault({}).describe("Extra environment for this service's process, over service.env."),
});

const serviceSchema = z
  .strictObject({
    workload: nonEmptyString()
      .default('user-api')
      .describe('Workload name (a file in workloads/) or a path to a workload YAML.'),
    entry: nonEmptyString()
      .optional()
      .describe(
        'A custom service entry (compiled JavaScript, CommonJS or ESM) run with node; the reference service when absent and no command is given.',
      ),
    command: z
      .array(nonEmptyString())
      .min(1)
      .optional()
      .describe(
        'Instead of entry: the command that starts the service, e.g. [node, dist/server.js]; it must start node (the probe is loaded through NODE_OPTIONS).',
      ),
    cwd: nonEmptyString()
      .optional()
      .describe(
        "The service's working directory, relative to the config file: a command's paths and NODE_OPTIONS' --require/--import resolve from it. Default: the config file's folder.",
      ),
    env: envSchema
      .prefault({})
      .describe(
        'Extra environment for the service process (not PORT, OTEL_TRACES_*, OTEL_BSP_*, OTEL_EXPORTER_OTLP_ endpoint, protocol and compression, OTEL_EXPORTER_ZIPKIN_*, OTEL_PROPAGATORS, OTEL_SDK_DISABLED or the TRACEBENCH_* variables the harness sets).',
      ),
    tracedEnv: envSchema
      .optional()
      .describe(
        'Extra environment for traced cells only, over env: e.g. NODE_OPTIONS that loads the SDK (--require @opentelemetry/auto-instrumentations-node/register), so the baseline runs without it.',
      ),
    readyPath: urlPath().default('/healthz').describe('Path polled with GET until it answers 200.'),
    requestPath: urlPath().default('/api/users/42').describe('Path the load generator requests.'),
    startupTimeoutMs: wholeNumber(100, 600_000)
      .default(10_000)
      .describe('How long the service may take to become ready, ms.'),
    extraCpuUsPerRequest: wholeNumber(0, 1_000_000)
      .default(0)
      .describe('Test-only: CPU time spent per request on top of the workload (a spin on the process CPU clock), µs.'),
    perService: z
      .record(
        z.string().regex(/^[A-Za-z][\w.-]*$/, { error: (iss) => `not a service name: ${describeValue(iss.input)}` }),
        perServiceSchema,
      )
      .default({})
      .describe(
        "Per service of the workload (by name): settings over the cell's, e.g. { inventory: { propagator: b3 } }.",
      ),
  })
  .refine((s) => !(s.entry && s.command), {
    error: 'give entry (a JavaScript file) or command (e.g. [node, dist/server.js]), not both',
    path: ['command'],
  });

/** Shortest measured window: the probe's series takes one point a second (probe-window.ts); a shorter one has no whole second to show. */
export const MIN_WINDOW_SECONDS = 1;
/** Fewest requests a window may hold: one request more or less is then at most 1%, half the 2% achieved-rate bar. */
export const MIN_REQUESTS_PER_WINDOW = 100;

function windowSeconds(why: string) {
  const error = (iss: { input: unknown }) =>
    `must be at least ${MIN_WINDOW_SECONDS} and at most 600 seconds, got ${describeValue(iss.input)}: ${why}`;
  return z.number().min(MIN_WINDOW_SECONDS, { error }).max(600, { error });
}

const loadSchema = z
  .strictObject({
    rateRps: positiveNumber(100_000)
      .default(500)
      .describe('Offered rate of the open loop, requests per second, all threads together.'),
    warmupSeconds: z
      .number()
      .min(0, { error: (iss) => `must be at least 0, got ${describeValue(iss.input)}` })
      .max(600, { error: (iss) => `must be at most 600, got ${describeValue(iss.input)}` })
      .default(1)
      .describe('Discarded warm-up before the measured window, seconds.'),
    durationSeconds: windowSeconds('shorter windows cannot be measured (the probe takes one point a second)')
      .default(3)
      .describe('Measured window, seconds (at least 1).'),
    threads: wholeNumber(1, 16).default(1).describe('Generator worker threads; 1 is best on 2 cores.'),
    connections: wholeNumber(1, 1024).default(16).describe('Keep-alive connections per thread.'),
    timeoutMs: wholeNumber(1, 600_000).default(2000).describe('A request not answered within this is a timeout, ms.'),
    pacing: z
      .enum(['timer', 'hybrid', 'thread'], {
        error: (iss) => `expected timer, hybrid or thread, got ${describeValue(iss.input)}`,
      })
      // timer by default: the cheapest (6-8% of a core at 500 req/s vs thread's 10-11%, bench:generator 2026-12-06), CPU the service shares on 2 cores.
      .default('timer')
      .describe(
        'How the generator waits between sends: timer (millisecond timers only: sends leave up to ~1 ms late, in bursts; the default), hybrid (a timer, then sub-millisecond waits on the sending thread: sends leave within tens of µs at the median, but answers are read up to ~100 µs late) or thread (an alarm thread wakes the sending loop at each send time: sends within tens of µs, answers read at once, more generator CPU).',
      ),
    realtime: z
      .boolean({ error: (iss) => `expected true or false, got ${describeValue(iss.input)}` })
      .default(false)
      .describe(
        "Run the generator's pacing threads (the sending thread, and with thread pacing its alarm thread) at real-time priority (SCHED_FIFO 10) during each window, so the kernel runs them the moment a send is due instead of when its fair scheduler gets to them; the measured service keeps normal priority. Needs Linux and root, CAP_SYS_NICE or an RLIMIT_RTPRIO (ulimit -r); without them the run goes on at normal priority with one warning, and each trial's load.realtime records what was applied. Best with hybrid pacing; with thread pacing two threads spin at real-time priority and on 2 cores took CPU from the service (docs/generator.md).",
      ),
    maxSendLagP99Us: wholeNumber(1, 10_000_000)
      .optional()
      .describe(
        "A trial whose send lag p99 exceeds this (µs) carries a warning. Default: the larger of 25% of the service's median latency and 1000 µs (hybrid or thread pacing) or 10000 µs (timer pacing, whose millisecond grid makes ~1-2 ms normal).",
      ),
    arrivals: z
      .enum(['uniform', 'poisson'], { error: (iss) => `expected uniform or poisson, got ${describeValue(iss.input)}` })
      .default('uniform')
      .describe(
        "When requests are intended to leave: uniform (a fixed interval) or poisson (exponential gaps at the same mean rate and the same count per window, seeded by the run's seed).",
      ),
    saturation: z
      .strictObject({
        durationSeconds: windowSeconds('the closed loop reports throughput per second').describe(
          'Length of the closed-loop run, seconds (at least 1).',
        ),
        connections: wholeNumber(1, 1024).describe('Connections of the closed-loop run.'),
      })
      .optional()
      .describe(
        'Closed-loop saturation run with autocannon after the open loop, for a maxThroughput figure; off when absent.',
      ),
  })
  .superRefine((load, ctx) => {
    const requests = load.rateRps * load.durationSeconds;
    if (load.durationSeconds >= MIN_WINDOW_SECONDS && requests < MIN_REQUESTS_PER_WINDOW)
      ctx.addIssue({
        code: 'custom',
        path: ['durationSeconds'],
        message: `rateRps × durationSeconds is ${Math.round(requests)} requests per window: at least ${MIN_REQUESTS_PER_WINDOW} are needed (one request more or less must stay well under the 2% achieved-rate bar); raise load.rateRps or load.durationSeconds`,
      });
  });

const matrixSchema = z.strictObject({
  instrumentation: z
    .array(instrumentationSchema)
    .min(1)
    .prefault(['manual'])
    .describe(
      "How the service is traced; the baseline (none) is always measured. Default [manual]: the reference service's own spans.",
    ),
  sampler: z.array(samplerSchema).min(1).prefault(['always_on']).describe('Samplers to measure. Default [always_on].'),
  processor: z
    .array(processorSchema)
    .min(1)
    .prefault(['batch'])
    .describe('Span processors to measure. Default [batch].'),
  exporter: z
    .array(exporterSchema)
    .min(1)
    .prefault(['otlp-http-protobuf'])
    .describe('Exporters to measure. Default [otlp-http-protobuf].'),
  compression: z
    .array(compressionSchema)
    .min(1)
    .prefault(['none'])
    .describe(
      'Request compression of the OTLP exporters to measure; folded to none for exporters that do not compress. Default [none].',
    ),
  propagator: z
    .array(propagatorSchema)
    .min(1)
    .prefault(['tracecontext'])
    .describe('Context propagators (OTEL_PROPAGATORS) to measure. Default [tracecontext].'),
  baseline: z
    .boolean()
    .default(true)
    .describe(
      'Measure the baseline (no SDK) in every round. false only with variants: for an A/A or A/B that compares variants with each other and needs no baseline (tracebench calibrate does this); budgets against the baseline then have nothing to compare with.',
    ),
});

const variantSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[\w.-]{1,40}$/, {
      error: (iss) => `must be 1-40 letters, digits, '.', '_' or '-', got ${describeValue(iss.input)}`,
    })
    .describe('Names the variant in reports (e.g. base, head).'),
  entry: nonEmptyString()
    .optional()
    .describe(
      "This variant's service entry (compiled JavaScript, e.g. in a worktree with its own node_modules); service.entry when absent.",
    ),
  env: envSchema.prefault({}).describe('Extra environment for this variant, on top of service.env.'),
  extraCpuUsPerRequest: wholeNumber(0, 1_000_000)
    .default(0)
    .describe('Test-only: CPU time spent per request in this variant (a spin on the process CPU clock), µs.'),
  extraCpuUsPerSpan: wholeNumber(0, 1_000_000)
    .default(0)
    .describe('Test-only: simulated CPU work per ended span in this variant (a slow span processor), µs.'),
  instrumentation: z
    .array(z.lazy(() => instrumentationSchema))
    .min(1)
    .optional()
    .describe(
      "Only the matrix's instrumentations listed here are measured on this variant; all when absent. Without manual, the variant's entry is an app of its own (e.g. [zero-code]): it gets service.requestPath, not the workload's routes.",
    ),
});

const variantsSchema = z
  .array(variantSchema)
  .min(2, { error: 'list at least two variants to compare (e.g. base and head), or none' })
  .superRefine((variants, ctx) => {
    const seen = new Map<string, number>();
    variants.forEach((v, i) => {
      if (seen.has(v.name))
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `'${v.name}' is already the name of variants[${seen.get(v.name)}]: names must be unique`,
        });
      else seen.set(v.name, i);
    });
  })
  .optional()
  .describe(
    'Same-run A/B: variants of the system under test, run interleaved in the same rounds; the first is the reference.',
  );

const methodSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('trials') }),
    z.strictObject({
      type: z.literal('windows'),
      windowSeconds: windowSeconds('the probe takes one point a second')
        .default(2)
        .describe('Measured window, seconds; both sides are measured over the same seconds.'),
      processes: wholeNumber(1, 16)
        .default(4)
        .describe(
          'Live process sets per side; more sets average out differences between processes (under 3, such a difference cannot be told from noise and the interval can be too narrow).',
        ),
      windowsPerBlock: wholeNumber(1, 1000)
        .default(4)
        .describe('Back-to-back windows per block; blocks cycle over the process sets.'),
      leadInSeconds: z
        .number()
        .min(0, { error: (iss) => `must be at least 0, got ${describeValue(iss.input)}` })
        .max(60, { error: (iss) => `must be at most 60, got ${describeValue(iss.input)}` })
        .default(2)
        .describe('Unmeasured load at the start of each block, seconds.'),
      warmupMaxSeconds: positiveNumber(600)
        .default(40)
        .describe('Upper bound of the warm-up until CPU per request is steady, seconds (a warning when not reached).'),
      steadyTolerance: positiveNumber(1)
        .default(0.05)
        .describe(
          'Steady when the last two halves of steadyHalfSeconds agree within this fraction of CPU per request.',
        ),
      steadyHalfSeconds: wholeNumber(1, 60)
        .default(8)
        .describe(
          "Seconds in each of the two halves the steady test compares: longer halves declare steady later, nearer a long-warmed process's level (docs/precision.md).",
        ),
      maxMinutes: positiveNumber(600).default(3).describe('Wall time per comparison, warm-up included, minutes.'),
      untilDecided: z
        .boolean()
        .default(false)
        .describe(
          'Stop a comparison as soon as its sequential interval decides it against its limit (limitPct or the budget).',
        ),
      limitPct: z
        .number()
        .min(0, { error: (iss) => `must be at least 0, got ${describeValue(iss.input)}` })
        .max(1000, { error: (iss) => `must be at most 1000, got ${describeValue(iss.input)}` })
        .default(3)
        .describe(
          "Largest acceptable increase of CPU per request, percent: the limit each comparison is judged on, except one a budget's cpuUsPerRequest: +N% covers (a traced cell against the baseline, or a variant's cell against the first variant's), which each covering budget judges.",
        ),
      placement: z
        .enum(['split', 'none'])
        .default('split')
        .describe(
          "CPU placement: 'split' runs the two services being measured on the upper half of the CPUs, and the load generators, sink and services waiting for their block on the rest (taskset; recorded in environment.placement), so both sides share the same CPU and neighbours; 'none' lets the kernel place everything.",
        ),
      calibration: nonEmptyString()
        .optional()
        .describe(
          "A calibration.json of this machine (tracebench calibrate --method windows; relative to this file): how much the service's processes differ, pooled over earlier runs, so a run's few process sets need not estimate it alone. A comparison whose sets spread more than it allows is judged on its own sets, with a warning.",
        ),
      against: nonEmptyString()
        .optional()
        .describe(
          "A traced cell's id: every other traced cell is compared with it instead of with the baseline, an A/B of two settings of the matrix (e.g. always_on~batch~otlp-http-protobuf, to see what ~gzip costs). Not with variants, which compare each cell across variants.",
        ),
    }),
  ])
  .describe(
    'How cells are measured: trials (a fresh process per trial, the default) or windows (live, warmed processes; paired windows).',
  );

/** The windows method with every default: what `--until-decided` or `--max-minutes` switch a trials config to. */
export function windowsDefaults(): WindowsMethodConfig {
  return methodSchema.parse({ type: 'windows' }) as WindowsMethodConfig;
}

/** The config file as written; `seed` and `name` are completed at load time (clock, file name). */
export const configSchema = z
  .strictObject({
    name: z.string().min(1).max(100).optional().describe("Names the run in reports. Default: the config file's name."),
    rounds: wholeNumber(1, 1000).default(3).describe('Rounds: each runs every cell once, in a shuffled order.'),
    seed: wholeNumber(0, MAX_SEED)
      .optional()
      .describe('Seed for the shuffle (and statistics). Default: derived from the clock and recorded.'),
    service: serviceSchema.prefault({}).describe('The measured service.'),
    load: loadSchema.prefault({}).describe('The load generator.'),
    sink: sinkSchema.prefault({ mode: 'ok' }),
    matrix: matrixSchema
      .prefault({})
      .describe('Tracing settings; every combination sampler × processor × exporter is a cell.'),
    drainTimeoutMs: wholeNumber(0, 600_000)
      .default(5000)
      .describe('Upper bound for draining spans after the window (forceFlush), ms.'),
    profile: z
      .strictObject({
        cells: z
          .enum(['attribution', 'all', 'none'], {
            error: (iss) => `expected attribution, all or none, got ${describeValue(iss.input)}`,
          })
          .default('attribution')
          .describe(
            'Cells that get a profiled window after the measured one (V8 sampling CPU profiler in the service; its figures never enter the unprofiled ones): the attribution layer cells, every cell (--profile), or none.',
          ),
        intervalUs: wholeNumber(100, 100_000)
          .default(1000)
          .describe("The profiler's sampling interval, µs (V8's default: 1000)."),
      })
      .prefault({})
      .describe(
        'CPU profiles of extra windows, saved as <trial>.cpuprofile beside results.json and placed in categories (docs/attribution.md).',
      ),
    variants: variantsSchema,
    method: methodSchema.prefault({ type: 'trials' }),
    tail: z
      .array(
        z.strictObject({
          name: z.string().regex(/^[\w.-]{1,40}$/, {
            error: (iss) => `must be 1-40 letters, digits, '.', '_' or '-', got ${describeValue(iss.input)}`,
          }),
          head: samplerSchema.prefault('always_on').describe("The services' sampler. Default always_on."),
          sampling: tailSamplingSchema.describe('Collector-style tail_sampling: decision_wait, num_traces, policies.'),
        }),
      )
      .default([])
      .describe(
        "Tail-sampling cells: the sink decides per trace, as the Collector tail_sampling processor; each uses the matrix's first processor, exporter and propagator.",
      ),
    attribution: z
      .strictObject({
        exporters: z
          .array(exporterSchema)
          .min(1)
          .prefault(['otlp-http-protobuf'])
          .describe('Exporters on the top layer, each with the batch processor.'),
        simple: z.boolean().default(true).describe('Also measure the simple processor with the first exporter.'),
        batch: z
          .strictObject({
            maxQueueSize: wholeNumber(1, 1_000_000).optional(),
            maxExportBatchSize: wholeNumber(1, 1_000_000).optional(),
            scheduleDelayMillis: wholeNumber(0, 600_000).optional(),
            exportTimeoutMillis: wholeNumber(1, 600_000).optional(),
          })
          .default({})
          .describe('Batch processor options of the export layers.'),
        micro: z
          .union([z.boolean(), z.literal('quick')])
          .default(true)
          .describe(
            'Run the micro-benchmarks after the trials, for the prediction beside the waterfall: true (3 rounds of the default profile), quick, or false.',
          ),
      })
      .optional()
      .describe(
        'Attribution: measure one layer at a time (no SDK, API, SDK, context manager, recording, export) instead of the matrix.',
      ),
    budgets: budgetsSchema
      .optional()
      .describe('Overhead budgets judged after the run (see configs/budgets.yaml); --budgets FILE adds more.'),
  })
  .superRefine((config, ctx) => {
    if (config.matrix.baseline === false && !config.variants && !config.attribution)
      ctx.addIssue({
        code: 'custom',
        path: ['matrix', 'baseline'],
        message:
          'false leaves nothing to compare with: without the baseline a run needs variants (an A/A or A/B), whose cells are compared with each other; remove baseline: false or add variants',
      });
  })
  .meta({
    title: 'tracebench config',
    description: 'What tracing settings to measure and how: the matrix, the service, the load and the sink.',
  });

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

// Compile-time: with name and seed completed, the parsed config is a Config.
export const parsedIsConfig = (p: ParsedConfig, name: string, seed: number): Config => ({ ...p, name, seed });
