import { z } from 'zod';
import { RESULTS_SCHEMA_VERSION } from './types.js';

/**
 * The shape of results.json that the verdict stage reads: every figure a gate, a summary or an interval is drawn from
 * must be a number. Objects are open (`looseObject`) so fields added later, or only some runs carry, pass through;
 * what is checked is what is read. JSON cannot hold NaN, so an unmeasured figure (a trial that served no request) is
 * null, which is accepted where the writer can produce it and means unknown.
 */

const num = z.number();
/** A figure JSON wrote from NaN: unknown. */
const figure = z.number().nullable();
/** Span counters are null when the probe could not read them (no SDK it recognises). */
const spanCount = z.number().nullable();

const percentiles = (n: z.ZodType) =>
  z.looseObject({ p50: n, p90: n, p99: n, p999: n, max: n, mean: figure, count: num });

const spanCounts = z.looseObject({
  started: spanCount,
  sampled: spanCount,
  ended: spanCount,
  exported: spanCount,
  failed: spanCount,
  dropped: spanCount,
  queuedAtEnd: spanCount,
});

const threadCpu = z.looseObject({ main: num, other: num, profiler: num });

const gcPauses = (n: z.ZodType) => z.looseObject({ pauseCount: n, pauseTotalMs: n, pauseMaxMs: n });
const loopDelay = (n: z.ZodType) => z.looseObject({ p50: n, p99: n, max: n, mean: figure.optional() });

/** `n` is the type of the judged figures: plain numbers for a trial that counted, nullable for one that did not. */
function trialMetrics(n: z.ZodType) {
  return z.looseObject({
    cpuUsPerRequest: n,
    cpuUserUs: num,
    cpuSystemUs: num,
    requests: num,
    windowMs: num,
    targetRps: num,
    achievedRps: figure,
    latencyUs: z.looseObject({ corrected: percentiles(n), uncorrected: percentiles(figure) }),
    sendLagUs: percentiles(figure),
    load: z.looseObject({
      sent: num,
      ok: num,
      httpErrors: num,
      expectedErrors: num.optional(),
      socketErrors: num,
      timeouts: num,
      generatorEluMax: figure,
      realtime: z
        .discriminatedUnion('state', [
          z.looseObject({ state: z.literal('off') }),
          z.looseObject({ state: z.literal('applied'), policy: z.literal('SCHED_FIFO'), priority: num, threads: num }),
          z.looseObject({ state: z.literal('refused'), reason: z.string() }),
        ])
        .optional(),
    }),
    services: z
      .record(
        z.string(),
        z.looseObject({
          cpuUs: figure,
          cpuUsPerRequest: figure,
          requests: num,
          rssPeakBytes: figure,
          heapUsedPeakBytes: figure,
          gc: gcPauses(figure),
          eventLoopDelayUs: loopDelay(figure),
          spans: spanCounts,
        }),
      )
      .optional(),
    rssPeakBytes: n,
    rssStartBytes: figure,
    heapUsedPeakBytes: figure,
    gc: gcPauses(n),
    eventLoopDelayUs: loopDelay(n),
    spans: spanCounts.extend({ received: spanCount }),
    sink: z.looseObject({ requests: num, bytes: num, rejectedRequests: num, uncompressedBytes: num.optional() }),
    probeCpuUs: figure,
    maxThroughputRps: figure.optional(),
    threadCpuUs: threadCpu.nullable().optional(),
    // The attribution reads these figures of a profiled window; its flame tree passes through unchecked.
    profile: z
      .looseObject({
        files: z.array(z.string()),
        intervalUs: num,
        requests: num,
        cpuUsPerRequest: figure,
        mainThreadCpuUsPerRequest: figure,
        threadCpuUsPerRequest: threadCpu.nullable(),
        categoryUsPerRequest: z.record(z.string(), num),
        flame: z.looseObject({}),
      })
      .optional(),
    series: z.array(z.looseObject({})),
    rssGrowthBytesPerMinute: figure.optional(),
    heapGrowthBytesPerMinute: figure.optional(),
    outage: z
      .looseObject({
        mode: z.enum(['down', 'error', 'timeout']),
        fromSeconds: num,
        toSeconds: num,
        latencyP99Us: z.looseObject({ before: figure, during: figure, after: figure }),
        latencyP99IncreaseUs: figure,
        recoverySeconds: figure,
      })
      .optional(),
    histograms: z.looseObject({ corrected: z.string(), uncorrected: z.string() }),
  });
}

const trialBase = {
  runId: z.string(),
  cellId: z.string(),
  variant: z.string().optional(),
  round: z.number().int().min(0),
  order: z.number().int().min(0),
  shard: z.number().int().min(1).optional(),
  startedAt: z.string(),
  wallMs: num,
  warnings: z.array(z.string()),
};

export const trialRecordSchema = z.discriminatedUnion('status', [
  z.looseObject({ ...trialBase, status: z.literal('ok'), metrics: trialMetrics(num) }),
  z.looseObject({ ...trialBase, status: z.literal('invalid'), metrics: trialMetrics(figure) }),
  z.looseObject({ ...trialBase, status: z.literal('failed'), error: z.string(), stderrTail: z.array(z.string()) }),
]);

const settingsSchema = z.discriminatedUnion('tracing', [
  z.looseObject({ tracing: z.literal('off') }),
  z.looseObject({
    tracing: z.literal('sdk'),
    sampler: z.looseObject({ type: z.string() }),
    processor: z.looseObject({ type: z.string() }).nullable(),
    exporter: z.string().nullable(),
  }),
]);

const summaryPercentiles = z.looseObject({ p50: figure, p90: figure, p99: figure, p999: figure, max: figure });

const cellSummarySchema = z.looseObject({
  trials: num,
  invalidTrials: num,
  failedTrials: num,
  cpuUsPerRequest: figure,
  latencyUs: z.looseObject({ corrected: summaryPercentiles, uncorrected: summaryPercentiles }),
  achievedRps: figure,
  rssPeakBytes: figure,
  heapUsedPeakBytes: figure,
  spans: spanCounts.extend({ received: spanCount }),
});

const cellSchema = z.looseObject({
  id: z.string(),
  variant: z.string().optional(),
  settings: settingsSchema,
  collapsed: z.array(z.string()),
  trials: z.array(trialRecordSchema),
  summary: cellSummarySchema.nullable(),
});

const limitSchema = z.looseObject({
  kind: z.enum(['relative', 'overhead', 'absolute', 'atLeast']),
  text: z.string(),
  value: num,
  strict: z.boolean(),
});

const configSchema = z.looseObject({
  name: z.string(),
  rounds: num,
  budgets: z.array(z.looseObject({ where: z.looseObject({}), limits: z.record(z.string(), limitSchema) })).optional(),
  variants: z.array(z.looseObject({ name: z.string() })).optional(),
});

const microSchema = z.looseObject({
  tasks: z.array(
    z.looseObject({
      suite: z.string(),
      task: z.string(),
      roundsNsPerOp: z.array(num),
      roundsRawNsPerOp: z.array(num),
      nsPerOp: z.looseObject({ p50: num }),
    }),
  ),
});

const windowRecord = z.looseObject({ cpuUs: num, requests: num, windowMs: num, cpuUsPerRequest: figure });
const relative = z.looseObject({ estimate: num, low: num, high: num, level: num });

const windowsSchema = z.array(
  z.looseObject({
    cellId: z.string(),
    a: z.string(),
    b: z.string(),
    pairs: z.array(
      z.looseObject({ process: num, block: num, atSeconds: num, a: windowRecord, b: windowRecord, valid: z.boolean() }),
    ),
    nested: relative.extend({ withinSd: num, betweenSd: num, mdc: num.nullable() }).nullable(),
    sequential: relative.nullable(),
    calibration: z
      .looseObject({ file: z.string(), betweenSd: num, df: num, used: z.enum(['pooled', 'misfit']) })
      .optional(),
    limit: num,
    budgets: z.array(z.looseObject({ index: num, text: z.string(), limit: num })).optional(),
    judgedBy: z.enum(['sequential', 'nested']).optional(),
    verdict: z.enum(['pass', 'fail', 'inconclusive']),
  }),
);

/** The run was cut short: how far it got, and whether results.json was rebuilt from results.jsonl afterwards. */
export const interruptedSchema = z.object({
  trialsFinished: z.number().int().min(0),
  trialsPlanned: z.number().int().min(0),
  rebuiltFrom: z.literal('results.jsonl').optional(),
});

export const resultsSchema = z.looseObject({
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  runId: z.string(),
  status: z.enum(['complete', 'interrupted', 'failed']),
  interrupted: interruptedSchema.optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  configFile: z.string(),
  config: configSchema,
  seed: num,
  planHash: z.string().optional(),
  shard: z
    .looseObject({
      index: z.number().int().min(1),
      count: z.number().int().min(1),
      cells: z.array(z.string()),
      planTrials: z.number().int().min(0),
    })
    .optional(),
  shards: z
    .array(
      z.looseObject({
        index: z.number().int().min(1),
        count: z.number().int().min(1),
        runId: z.string(),
        status: z.enum(['complete', 'interrupted', 'failed']),
        from: z.string(),
        trials: z.number().int().min(0),
        hostname: z.string(),
      }),
    )
    .optional(),
  environment: z.looseObject({
    node: z.string(),
    cpuModel: z.string(),
    cores: num,
    burnIterationsPerUs: num.optional(),
    placement: z
      .discriminatedUnion('state', [
        z.strictObject({
          state: z.literal('split'),
          harnessCpus: z.array(z.number().int().min(0)),
          serviceCpus: z.array(z.number().int().min(0)),
        }),
        z.strictObject({ state: z.literal('off'), reason: z.string() }),
      ])
      .optional(),
    machines: z
      .array(
        z.looseObject({
          shard: z.number().int().min(1),
          runId: z.string(),
          hostname: z.string(),
          node: z.string(),
          cpuModel: z.string(),
          cores: num,
        }),
      )
      .optional(),
  }),
  notes: z.array(z.string()),
  cells: z.array(cellSchema),
  micro: microSchema.optional(),
  windows: windowsSchema.optional(),
});
