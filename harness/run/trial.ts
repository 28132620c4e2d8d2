import type { Config, VariantConfig } from '../config/types.js';
import type { LoadGenerator, OpenLoopResult } from '../load/types.js';
import type { TrialMetrics, TrialRecord } from '../measure/types.js';
import { checkTrial } from '../measure/validity.js';
import type { Cell } from '../plan/types.js';
import type { Sink } from '../sink/types.js';
import type { LaunchOptions, RunningService } from '../target/launch.js';
import { ServiceError, describeExit } from '../target/launch.js';
import type { ProbeSpanReport, ProbeWindowReport } from '../target/protocol.js';

export interface TrialContext {
  runId: string;
  config: Config;
  cell: Cell;
  round: number;
  order: number;
  /** Compiled service entry. */
  entry: string;
  /** Resolved workload file handed to the service. */
  workloadFile: string;
  sink: Sink;
  generator: LoadGenerator;
  launch: (options: LaunchOptions) => Promise<RunningService>;
  /** Where the console exporter's output goes for this trial. */
  stdoutFile?: string;
  /** Aborts the trial (SIGINT): the load stops and the service is killed. */
  signal: AbortSignal;
  variant?: VariantConfig;
  /** The variant's resolved entry, when it has its own. */
  variantEntry?: string;
}

/** How long the probe may take to answer a window command: it only reads counters. */
const PROBE_REPLY_MS = 5000;

function trialEnv(ctx: TrialContext): Record<string, string> {
  const { config, cell, sink, variant } = ctx;
  const extraCpuUsPerRequest = config.service.extraCpuUsPerRequest + (variant?.extraCpuUsPerRequest ?? 0);
  return {
    ...cell.env,
    TRACEBENCH_WORKLOAD: ctx.workloadFile,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.otlpTracesUrl,
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: sink.zipkinSpansUrl,
    ...(extraCpuUsPerRequest > 0 ? { TRACEBENCH_EXTRA_CPU_US_PER_REQUEST: String(extraCpuUsPerRequest) } : {}),
    ...(variant && variant.extraCpuUsPerSpan > 0 ? { TRACEBENCH_TEST_SPAN_COST_US: String(variant.extraCpuUsPerSpan) } : {}),
    ...config.service.env,
    ...(variant?.env ?? {}),
  };
}

/** Rejects as soon as the service exits, so a crash mid-load ends the trial instead of timing out. */
function orExit<T>(service: RunningService, work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    service.exited.then((info) => {
      throw new ServiceError(`service ${describeExit(info)} mid-trial`, service.stderrTail());
    }),
  ]);
}

function metricsOf(ctx: TrialContext, load: OpenLoopResult, window: ProbeWindowReport, spans: ProbeSpanReport, maxThroughputRps?: number): TrialMetrics {
  const stats = ctx.sink.stats();
  const cpuUs = window.cpuUserUs + window.cpuSystemUs;
  return {
    cpuUsPerRequest: window.requests > 0 ? cpuUs / window.requests : Number.NaN,
    cpuUserUs: window.cpuUserUs,
    cpuSystemUs: window.cpuSystemUs,
    requests: window.requests,
    windowMs: window.windowMs,
    targetRps: load.targetRps,
    achievedRps: load.achievedRps,
    latencyUs: { corrected: load.latencyCorrectedUs, uncorrected: load.latencyUncorrectedUs },
    sendLagUs: load.sendLagUs,
    load: { sent: load.sent, ok: load.ok, httpErrors: load.httpErrors, socketErrors: load.socketErrors, timeouts: load.timeouts, generatorEluMax: load.generatorEluMax },
    rssPeakBytes: window.rssPeakBytes,
    rssStartBytes: window.rssStartBytes,
    heapUsedBytes: window.heapUsedPeakBytes,
    gcPauseMs: { count: window.gc.count, total: window.gc.totalMs, max: window.gc.maxMs },
    eventLoopDelayUs: window.eventLoopDelayUs,
    spans: {
      started: spans.started,
      sampled: spans.sampled,
      ended: spans.ended,
      exported: spans.exported,
      failed: spans.failed,
      dropped: spans.dropped,
      queuedAtEnd: spans.queuedAtEnd,
      received: stats.spansReceived,
    },
    sink: { requests: stats.requests, bytes: stats.bytesReceived, rejectedRequests: stats.rejectedRequests },
    probeCpuUs: window.probeCpuUs,
    ...(maxThroughputRps !== undefined ? { maxThroughputRps } : {}),
    series: window.series,
    histograms: load.histograms,
  };
}

/**
 * One trial: a fresh service process, a discarded warm-up, the measured window, a bounded drain of the
 * span pipeline, optionally a saturation run, then the process is killed. Never throws: a failure is a record.
 */
export async function runTrial(ctx: TrialContext): Promise<TrialRecord> {
  const startedAt = new Date();
  const base = { runId: ctx.runId, cellId: ctx.cell.id, ...(ctx.variant ? { variant: ctx.variant.name } : {}), round: ctx.round, order: ctx.order, startedAt: startedAt.toISOString() };
  const { config } = ctx;
  const url = (service: RunningService) => service.baseUrl + config.service.requestPath;
  const loadOptions = (service: RunningService, seconds: number) => ({
    url: url(service),
    rateRps: config.load.rateRps,
    durationMs: seconds * 1000,
    threads: config.load.threads,
    connections: config.load.connections,
    timeoutMs: config.load.timeoutMs,
  });
  let service: RunningService | undefined;
  try {
    ctx.sink.reset();
    service = await ctx.launch({
      entry: ctx.variantEntry ?? ctx.entry,
      env: trialEnv(ctx),
      readyPath: config.service.readyPath,
      startupTimeoutMs: config.service.startupTimeoutMs,
      stdoutFile: ctx.stdoutFile,
    });
    const running = service;
    const onAbort = () => void running.kill();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (config.load.warmupSeconds > 0) await orExit(running, ctx.generator.openLoop(loadOptions(running, config.load.warmupSeconds), ctx.signal));
      await orExit(running, running.request({ tb: 'window-start' }, 'window-started', PROBE_REPLY_MS));
      const load = await orExit(running, ctx.generator.openLoop(loadOptions(running, config.load.durationSeconds), ctx.signal));
      const { report } = await orExit(running, running.request({ tb: 'window-end' }, 'window', PROBE_REPLY_MS));
      const { spans } = await orExit(running, running.request({ tb: 'drain', timeoutMs: config.drainTimeoutMs }, 'drained', config.drainTimeoutMs + PROBE_REPLY_MS));
      let maxThroughputRps: number | undefined;
      if (config.load.saturation) {
        const saturation = await orExit(running, ctx.generator.closedLoop({ url: url(running), ...config.load.saturation }, ctx.signal));
        maxThroughputRps = saturation.maxThroughputRps;
      }
      const metrics = metricsOf(ctx, load, report, spans, maxThroughputRps);
      const { status, warnings } = checkTrial(metrics, spans, ctx.cell);
      return { ...base, status, wallMs: Date.now() - startedAt.getTime(), warnings, metrics };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
  } catch (error) {
    const stderrTail = error instanceof ServiceError ? error.stderrTail : (service?.stderrTail() ?? []);
    const message = ctx.signal.aborted ? 'interrupted' : (error as Error).message;
    return { ...base, status: 'failed', wallMs: Date.now() - startedAt.getTime(), warnings: [], error: message, stderrTail };
  } finally {
    await service?.kill();
  }
}
