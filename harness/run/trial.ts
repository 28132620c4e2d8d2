import { randomBytes } from 'node:crypto';
import type { Config, VariantConfig } from '../config/types.js';
import type { LoadGenerator } from '../load/types.js';
import type { TrialRecord } from '../results/types.js';
import { checkTrial } from '../results/validity.js';
import { sendsToSink } from '../results/sink-warnings.js';
import { propagatorsEnv, samplerEnv } from '../plan/env.js';
import type { Cell } from '../plan/types.js';
import { TRIAL_ID_ATTRIBUTE, type Sink } from '../sink/types.js';
import type { LaunchOptions, RunningService } from '../target/launch.js';
import { ServiceError, describeExit } from '../target/launch.js';
import type { ProbeSpanReport } from '../probe/protocol.js';
import type { RequestMix } from '../load/mix.js';
import { startOrder } from '../../workloads/shape/schema.js';
import type { WorkloadShape } from '../../workloads/shape/types.js';
import { SPAN_COUNT_KEYS } from '../results/span-counts.js';
import { outagePhaseBoundariesMs } from '../results/outage.js';
import type { TrialProfile } from '../results/profile-types.js';
import { PROFILE_ID_PREFIX, profileIntervalOf, recordProfiles } from './profile-window.js';
import {
  combine,
  metricsOf,
  serviceCpuUs,
  type SinkReading,
  WARMUP_ID_PREFIX,
  WINDOW_ID_PREFIX,
} from '../results/trial-metrics.js';

export interface TrialContext {
  runId: string;
  config: Config;
  cell: Cell;
  round: number;
  order: number;
  /** Compiled service entry; empty when the service starts by `command`. */
  entry: string;
  /** The command that starts a custom service (service.command), instead of entry. */
  command?: string[];
  /** A custom service's working directory. */
  cwd?: string;
  /** Resolved workload file handed to the service. */
  workloadFile: string;
  /** The parsed workload: which services to start, in what order, and the entry routes the generator mixes. */
  workload: WorkloadShape;
  /** False for a custom service entry: it gets `service.requestPath` only, not the workload's route mix. */
  referenceService: boolean;
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
  /** The run's calibrated rate of simulated work; absent, each service calibrates its own. */
  burnIterationsPerUs?: number;
  /** Where a profiled window's `.cpuprofile` files go (beside results.json); absent, no cell is profiled. */
  profileDir?: string;
}

export { WARMUP_ID_PREFIX, WINDOW_ID_PREFIX };

/** How long the probe may take to answer a window command: it only reads counters. */
const PROBE_REPLY_MS = 5000;
/** A profiled window's end also stops the profiler and sends the profile (a few MB at most). */
const PROFILE_REPLY_MS = 30_000;

/** OTLP/HTTP posts to the sink's `/v1/traces`; OTLP/gRPC takes the address of the sink's gRPC port. */
function otlpEndpoint(cell: Cell, sink: Sink): string {
  if (cell.settings.tracing !== 'sdk' || cell.settings.exporter !== 'otlp-grpc') return sink.otlpTracesUrl;
  if (!sink.otlpGrpcUrl) throw new Error(`internal: cell ${cell.id} exports over gRPC, but the sink has no gRPC port`);
  return sink.otlpGrpcUrl;
}

export function trialEnv(
  ctx: TrialContext,
  serviceName: string,
  peers: Record<string, string>,
): Record<string, string> {
  const { config, cell, sink, variant } = ctx;
  const own = config.service.perService[serviceName];
  const extraCpuUsPerRequest = config.service.extraCpuUsPerRequest + (variant?.extraCpuUsPerRequest ?? 0);
  return {
    ...cell.env,
    TRACEBENCH_WORKLOAD: ctx.workloadFile,
    TRACEBENCH_SERVICE: serviceName,
    TRACEBENCH_PEERS: JSON.stringify(peers),
    ...(ctx.burnIterationsPerUs ? { TRACEBENCH_BURN_ITERATIONS_PER_US: String(ctx.burnIterationsPerUs) } : {}),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpEndpoint(cell, sink),
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: sink.zipkinSpansUrl,
    ...(extraCpuUsPerRequest > 0 ? { TRACEBENCH_EXTRA_CPU_US_PER_REQUEST: String(extraCpuUsPerRequest) } : {}),
    ...(variant && variant.extraCpuUsPerSpan > 0
      ? { TRACEBENCH_TEST_SPAN_COST_US: String(variant.extraCpuUsPerSpan) }
      : {}),
    ...config.service.env,
    ...(cell.settings.tracing === 'sdk' ? (config.service.tracedEnv ?? {}) : {}),
    ...(variant?.env ?? {}),
    ...(own?.env ?? {}),
    // A per-service propagator applies only where tracing runs: the baseline propagates nothing.
    ...(own?.propagator && cell.settings.tracing === 'sdk' ? { OTEL_PROPAGATORS: propagatorsEnv(own.propagator) } : {}),
    ...(own?.sampler && cell.settings.tracing === 'sdk' ? samplerEnv(own.sampler) : {}),
    ...joinedNodeOptions(
      cell.env.NODE_OPTIONS,
      config.service.env.NODE_OPTIONS,
      cell.settings.tracing === 'sdk' ? config.service.tracedEnv?.NODE_OPTIONS : undefined,
      variant?.env.NODE_OPTIONS,
      own?.env.NODE_OPTIONS,
    ),
  };
}

/** Unique within a run and readable: round and order (0-based, as in the record) and a random tail, since a sink may outlive one run. */
function newTrialId(round: number, order: number): string {
  return `r${round}-o${order}-${randomBytes(3).toString('hex')}`;
}

/**
 * Adds the trial id to OTEL_RESOURCE_ATTRIBUTES, keeping the attributes the user set (a comma list of key=value, the
 * OTel spec's form) except an earlier trial id, so every span the service exports names its trial.
 */
export function withTrialResource(env: Record<string, string>, trialId: string): Record<string, string> {
  const kept = (env.OTEL_RESOURCE_ATTRIBUTES ?? '')
    .split(',')
    .filter((entry) => entry.trim() !== '' && entry.split('=')[0].trim() !== TRIAL_ID_ATTRIBUTE);
  return {
    ...env,
    OTEL_RESOURCE_ATTRIBUTES: [...kept, `${TRIAL_ID_ATTRIBUTE}=${encodeURIComponent(trialId)}`].join(','),
  };
}

/** The cell's preload (an instrumentation's NODE_OPTIONS) and the user's NODE_OPTIONS both apply: the cell's loads first. */
function joinedNodeOptions(...parts: (string | undefined)[]): Record<string, string> {
  const given = parts.map((p) => p?.trim()).filter((p): p is string => Boolean(p));
  return parts[0] && given.length > 1 ? { NODE_OPTIONS: given.join(' ') } : {};
}

/**
 * A traced cell of a service tracebench did not build, whose SDK the probe could not see (none registered with the API):
 * its span counters are unknown, not 0. The reference service always knows its own.
 */
function unseenAsUnknown(ctx: TrialContext, spans: ProbeSpanReport): ProbeSpanReport {
  const source = spans.source ?? (spans.tracing ? 'tracebench' : 'none');
  if (ctx.referenceService || ctx.cell.settings.tracing !== 'sdk' || source !== 'none') return spans;
  return {
    ...spans,
    ...(Object.fromEntries(SPAN_COUNT_KEYS.map((key) => [key, null])) as Record<
      (typeof SPAN_COUNT_KEYS)[number],
      null
    >),
  };
}

/** Rejects as soon as any service exits, so a crash mid-load ends the trial instead of timing out. */
function orExit<T>(services: RunningService[], work: Promise<T>): Promise<T> {
  return Promise.race([
    work,
    ...services.map((service, i) =>
      service.exited.then((info) => {
        throw new ServiceError(
          `service ${services.length > 1 ? `'${serviceNames.get(service) ?? i}' ` : ''}${describeExit(info)} mid-trial`,
          service.stderrTail(),
        );
      }),
    ),
  ]);
}

const serviceNames = new WeakMap<RunningService, string>();

/** What the launcher saw each service do (listened elsewhere than PORT, connected off this machine), named when there are several. */
function serviceWarnings(services: RunningService[]): string[] {
  return services.flatMap((s) => s.warnings().map((w) => (services.length > 1 ? `${serviceNames.get(s)}: ${w}` : w)));
}

/** The generator's route mix: the entry service's routes, weighted, with their error and slow rates. */
export function entryMix(workload: WorkloadShape, seed: number): RequestMix {
  return {
    seed,
    routes: workload.services[0].routes.map((r) => ({
      name: r.name,
      method: r.method,
      path: r.path,
      weight: r.weight,
      errorRate: r.error?.rate ?? 0,
      slowRate: r.slow?.rate ?? 0,
    })),
  };
}

function readSinkAfterDrain(sink: Sink): Omit<SinkReading, 'atEnd'> {
  return { stats: sink.stats(), spans: sink.spans(), tail: sink.tailStats() };
}

/**
 * One trial: a fresh service process, a discarded warm-up, the measured window, a bounded drain of the
 * span pipeline, optionally a saturation run, then the process is killed. Never throws: a failure is a record.
 */
export async function runTrial(ctx: TrialContext): Promise<TrialRecord> {
  const startedAt = new Date();
  const trialId = newTrialId(ctx.round, ctx.order);
  const base = {
    runId: ctx.runId,
    trialId,
    cellId: ctx.cell.id,
    ...(ctx.variant ? { variant: ctx.variant.name } : {}),
    round: ctx.round,
    order: ctx.order,
    startedAt: startedAt.toISOString(),
  };
  const { config } = ctx;
  // A custom entry is one process answering requestPath; the reference service runs every service of the workload.
  const order = ctx.referenceService ? startOrder(ctx.workload) : [ctx.workload.services[0]];
  const mix = ctx.referenceService
    ? entryMix(ctx.workload, (config.seed + ctx.round * 7919 + ctx.order) >>> 0)
    : undefined;
  const outage = 'outage' in config.sink ? config.sink.outage : undefined;
  const loadOptions = (entry: RunningService, seconds: number, idPrefix: string) => ({
    url: entry.baseUrl + config.service.requestPath,
    ...(mix ? { mix: { ...mix, idPrefix } } : {}),
    rateRps: config.load.rateRps,
    durationMs: seconds * 1000,
    threads: config.load.threads,
    connections: config.load.connections,
    timeoutMs: config.load.timeoutMs,
    pacing: config.load.pacing,
    realtime: config.load.realtime,
    arrivals: config.load.arrivals,
    arrivalSeed: (config.seed + ctx.round * 7919 + ctx.order) >>> 0,
    ...(outage && idPrefix === WINDOW_ID_PREFIX ? { phaseBoundariesMs: outagePhaseBoundariesMs(outage) } : {}),
  });
  const services: RunningService[] = [];
  const onAbort = () => void Promise.all(services.map((s) => s.kill()));
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let sinkTrialOpen = false;
  try {
    // A baseline's services send nothing, so no span that arrives during it can be its own.
    ctx.sink.beginTrial(trialId, { expectsSpans: sendsToSink(ctx.cell) });
    sinkTrialOpen = true;
    ctx.sink.setTail(ctx.cell.settings.tracing === 'sdk' ? ctx.cell.settings.tail?.config : undefined);
    const peers: Record<string, string> = {};
    // Callees start first, so each caller is handed the addresses of the services it calls.
    for (const shape of order) {
      const service = await ctx.launch({
        ...(ctx.variantEntry || !ctx.command ? { entry: ctx.variantEntry ?? ctx.entry } : { command: ctx.command }),
        ...(ctx.cwd ? { cwd: ctx.cwd } : {}),
        env: withTrialResource(trialEnv(ctx, shape.name, { ...peers }), trialId),
        readyPath: config.service.readyPath,
        startupTimeoutMs: config.service.startupTimeoutMs,
        stdoutFile: ctx.stdoutFile,
      });
      serviceNames.set(service, shape.name);
      services.push(service);
      peers[shape.name] = service.baseUrl;
      if (ctx.signal.aborted) throw new Error('interrupted');
    }
    const entry = services[services.length - 1];
    const all = <T>(work: (s: RunningService) => Promise<T>) => orExit(services, Promise.all(services.map(work)));
    if (config.load.warmupSeconds > 0)
      await orExit(
        services,
        ctx.generator.openLoop(loadOptions(entry, config.load.warmupSeconds, WARMUP_ID_PREFIX), ctx.signal),
      );
    await all((s) => s.request({ tb: 'window-start' }, 'window-started', PROBE_REPLY_MS));
    ctx.sink.windowStarted();
    const load = await orExit(
      services,
      ctx.generator.openLoop(loadOptions(entry, config.load.durationSeconds, WINDOW_ID_PREFIX), ctx.signal),
    );
    const seenOutage = ctx.sink.outage();
    const reports = await all((s) => s.request({ tb: 'window-end' }, 'window', PROBE_REPLY_MS));
    // Callers drain before their callees' spans are counted: the entry service last started, so drain in reverse.
    const drained: ProbeSpanReport[] = [];
    for (const s of [...services].reverse())
      drained.unshift(
        (
          await orExit(
            services,
            s.request(
              { tb: 'drain', timeoutMs: config.drainTimeoutMs },
              'drained',
              config.drainTimeoutMs + PROBE_REPLY_MS,
            ),
          )
        ).spans,
      );
    // Traces tail sampling still holds are decided now, as if their wait were over: the trial's spans are all in.
    ctx.sink.flushTail();
    // The drained spans are counted now: a saturation run's spans are no part of the window's accounting.
    const afterDrain = readSinkAfterDrain(ctx.sink);
    // An extra window, after the measured one has been read and drained: no unprofiled figure includes the profiler.
    const profileIntervalUs = ctx.profileDir ? profileIntervalOf(config, ctx.cell.settings) : undefined;
    let profile: TrialProfile | undefined;
    const profileWarnings: string[] = [];
    // A failed profile costs the trial its profile, never its measured window.
    if (profileIntervalUs !== undefined && ctx.profileDir)
      try {
        await all((s) => s.request({ tb: 'window-start', profileIntervalUs }, 'window-started', PROBE_REPLY_MS));
        await orExit(
          services,
          ctx.generator.openLoop(loadOptions(entry, config.load.durationSeconds, PROFILE_ID_PREFIX), ctx.signal),
        );
        const profiled = await all((s) => s.request({ tb: 'window-end' }, 'window', PROFILE_REPLY_MS));
        // Its spans reach the sink before the trial closes, so none arrives late into the next trial.
        for (const s of [...services].reverse())
          await orExit(
            services,
            s.request(
              { tb: 'drain', timeoutMs: config.drainTimeoutMs },
              'drained',
              config.drainTimeoutMs + PROBE_REPLY_MS,
            ),
          );
        const named = services.map((s, i) => ({ name: serviceNames.get(s)!, report: profiled[i].report }));
        const cpuUs = named.reduce((t, n) => t + serviceCpuUs(n.report), 0);
        if (named[named.length - 1].report.requests > 0)
          profile = recordProfiles(ctx.profileDir, trialId, profileIntervalUs, named, cpuUs);
        else profileWarnings.push('the profiled window served no request: no profile');
      } catch (error) {
        profileWarnings.push(`the profiled window failed, so this trial has no profile: ${(error as Error).message}`);
      }
    let maxThroughputRps: number | undefined;
    if (config.load.saturation) {
      const saturation = await orExit(
        services,
        ctx.generator.closedLoop(
          { url: entry.baseUrl + config.service.requestPath, ...config.load.saturation },
          ctx.signal,
        ),
      );
      maxThroughputRps = saturation.maxThroughputRps;
    }
    const measured = services.map((s, i) => ({
      name: serviceNames.get(s)!,
      report: reports[i].report,
      spans: unseenAsUnknown(ctx, drained[i]),
    }));
    const metrics = metricsOf(
      {
        outage: 'outage' in ctx.config.sink ? ctx.config.sink.outage : undefined,
        referenceService: ctx.referenceService,
        workload: ctx.workload,
      },
      load,
      measured,
      { ...afterDrain, atEnd: ctx.sink.stats(), ...(seenOutage ? { outage: seenOutage } : {}) },
      maxThroughputRps,
    );
    if (profile) metrics.profile = profile;
    ctx.sink.endTrial();
    sinkTrialOpen = false;
    const { status, warnings } = checkTrial(
      metrics,
      combine(measured).spans,
      ctx.cell,
      {
        sink: config.sink,
        drainTimeoutMs: config.drainTimeoutMs,
        trialId,
        saturationRun: config.load.saturation !== undefined,
      },
      {
        ...(config.load.maxSendLagP99Us !== undefined ? { maxSendLagP99Us: config.load.maxSendLagP99Us } : {}),
        ...(config.load.pacing ? { pacing: config.load.pacing } : {}),
        ...(config.load.realtime ? { realtime: true } : {}),
      },
    );
    return {
      ...base,
      status,
      wallMs: Date.now() - startedAt.getTime(),
      warnings: [...warnings, ...profileWarnings, ...serviceWarnings(services)],
      metrics,
    };
  } catch (error) {
    const stderrTail = error instanceof ServiceError ? error.stderrTail : services.flatMap((s) => s.stderrTail());
    // The reference service states why it refused to start (e.g. a user's module without the interface) on stderr.
    const reason = [...stderrTail]
      .reverse()
      .find((line) => line.startsWith('tracebench service: '))
      ?.slice('tracebench service: '.length);
    const message = ctx.signal.aborted ? 'interrupted' : `${(error as Error).message}${reason ? `: ${reason}` : ''}`;
    return {
      ...base,
      status: 'failed',
      wallMs: Date.now() - startedAt.getTime(),
      warnings: serviceWarnings(services),
      error: message,
      stderrTail,
    };
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    // Closed before the services die: whatever they still send counts as late, reported by the next trial.
    if (sinkTrialOpen) ctx.sink.endTrial(false);
    await Promise.all(services.map((s) => s.kill()));
  }
}
