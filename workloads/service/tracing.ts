import {
  context,
  propagation,
  trace,
  type Context,
  type Attributes,
  type Link,
  type SpanKind,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { AsyncHooksContextManager, AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  type ExportResult,
} from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SamplingDecision,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type Sampler,
  type SamplingResult,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { burnCpuUs } from '../shape/burn.js';
import { TRACING_HANDLE, type SpanCounters, type TracingHandle } from './handle.js';
import { SamplerArgError, createExtraSampler } from './samplers/index.js';

type Env = Record<string, string | undefined>;

/** Thrown for a setting the service cannot honour; its message names the variable. */
export class TracingSetupError extends Error {}

function ratioFrom(env: Env): number {
  const raw = env.OTEL_TRACES_SAMPLER_ARG ?? '1';
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1)
    throw new TracingSetupError(`OTEL_TRACES_SAMPLER_ARG=${raw}: must be a number between 0 and 1`);
  return ratio;
}

/** A user's module (an absolute path or a package name): its default export, or the module itself. */
async function importUserModule(specifier: string, role: string): Promise<unknown> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier)) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new TracingSetupError(`${role} module ${specifier} failed to load: ${(error as Error).message}`);
  }
  return loaded.default ?? loaded;
}

/** A class is constructed, a function called, anything else taken as the instance itself. */
function instantiate(exported: unknown, methods: readonly string[], input: unknown): unknown {
  if (typeof exported !== 'function') return exported;
  const proto = (exported as { prototype?: Record<string, unknown> }).prototype;
  const isClass =
    /^class\b/.test(Function.prototype.toString.call(exported)) ||
    (proto !== undefined && methods.some((m) => typeof proto[m] === 'function'));
  return isClass ? new (exported as new (a: unknown) => unknown)(input) : (exported as (a: unknown) => unknown)(input);
}

function missingMethods(value: unknown, methods: readonly string[]): string[] {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return [...methods];
  return methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function');
}

function moduleArg(env: Env, key: string): unknown {
  const raw = env[key];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new TracingSetupError(`${key}=${raw}: not JSON`);
  }
}

/** TRACEBENCH_SAMPLER_MODULE: the user's sampler, built with TRACEBENCH_SAMPLER_ARG. */
async function userSampler(env: Env, specifier: string): Promise<Sampler> {
  const sampler = instantiate(
    await importUserModule(specifier, 'sampler'),
    ['shouldSample'],
    moduleArg(env, 'TRACEBENCH_SAMPLER_ARG'),
  );
  const missing = missingMethods(sampler, ['shouldSample']);
  if (missing.length > 0)
    throw new TracingSetupError(
      `sampler module ${specifier} does not implement the Sampler interface: missing ${missing.join(', ')}() on its default export (a Sampler, a class, or a function of arg returning one)`,
    );
  return sampler as Sampler;
}

const PROCESSOR_METHODS = ['onStart', 'onEnd', 'forceFlush', 'shutdown'] as const;

/** TRACEBENCH_SPAN_PROCESSOR_MODULE: the user's processor, given `{ next, arg }`, where `next` is the SDK processor it feeds. */
async function userProcessor(env: Env, specifier: string, next: SpanProcessor): Promise<SpanProcessor> {
  const processor = instantiate(await importUserModule(specifier, 'span processor'), PROCESSOR_METHODS, {
    next,
    arg: moduleArg(env, 'TRACEBENCH_SPAN_PROCESSOR_ARG'),
  });
  const missing = missingMethods(processor, PROCESSOR_METHODS);
  if (missing.length > 0)
    throw new TracingSetupError(
      `span processor module ${specifier} does not implement the SpanProcessor interface: missing ${missing.map((m) => `${m}()`).join(', ')} (its default export is a class or a function of { next, arg } returning one)`,
    );
  return processor as SpanProcessor;
}

function samplerFrom(env: Env): Sampler {
  const name = env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on';
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratioFrom(env));
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratioFrom(env)) });
    default: {
      let extra: Sampler | undefined;
      try {
        extra = createExtraSampler(name, env.OTEL_TRACES_SAMPLER_ARG);
      } catch (error) {
        throw error instanceof SamplerArgError ? new TracingSetupError(error.message) : error;
      }
      if (extra) return extra;
      throw new TracingSetupError(`OTEL_TRACES_SAMPLER=${name}: unknown sampler`);
    }
  }
}

/** A sampler wrapper is where every span start is seen, recorded or not: processors only see recording spans. */
class CountingSampler implements Sampler {
  constructor(
    private readonly inner: Sampler,
    private readonly counters: SpanCounters,
  ) {}
  shouldSample(
    ctx: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attrs: Attributes,
    links: Link[],
  ): SamplingResult {
    const result = this.inner.shouldSample(ctx, traceId, name, kind, attrs, links);
    this.counters.started++;
    if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) this.counters.sampled++;
    return result;
  }
  toString(): string {
    return this.inner.toString();
  }
}

const MAX_FAILURE_REASONS = 5;

/** Counts what the exporter was handed and how each call ended; also the cross-check for the SDK's own drop count. */
class CountingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly counters: SpanCounters,
  ) {}
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const n = spans.length;
    this.counters.inFlight += n;
    this.counters.exportCalls++;
    // A drain's forceFlush sends every queued batch at once by design: only calls before it count.
    if (!this.counters.draining)
      this.counters.exportCallsMaxConcurrent = Math.max(
        this.counters.exportCallsMaxConcurrent,
        this.counters.exportCalls,
      );
    this.inner.export(spans, (result) => {
      this.counters.inFlight -= n;
      this.counters.exportCalls--;
      if (result.code === ExportResultCode.SUCCESS) this.counters.exported += n;
      else {
        this.counters.failed += n;
        const reason = result.error?.message ?? 'export failed without an error';
        const reasons = this.counters.failureReasons;
        if (reason in reasons || Object.keys(reasons).length < MAX_FAILURE_REASONS)
          reasons[reason] = (reasons[reason] ?? 0) + n;
      }
      done(result);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** `none`: the SDK does all its work and the spans go nowhere. */
class DiscardingExporter implements SpanExporter {
  export(_spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {}
}

/** Counts ended spans at the processor boundary; optionally burns a test-only CPU cost per span. */
class CountingProcessor implements SpanProcessor {
  constructor(
    private readonly inner: SpanProcessor,
    private readonly counters: SpanCounters,
    private readonly extraCpuUsPerSpan: number,
  ) {}
  onStart(span: Span, parent: Context): void {
    this.inner.onStart(span, parent);
  }
  onEnd(span: ReadableSpan): void {
    if (this.extraCpuUsPerSpan > 0) burnCpuUs(this.extraCpuUsPerSpan);
    this.counters.ended++;
    this.inner.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Pulls the SDK's self-observability metrics on demand; the batch processor's drop counter is otherwise private. */
class PullReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

function sumMetric(metrics: ResourceMetrics, name: string, match: (attrs: Attributes) => boolean): number {
  let total = 0;
  for (const scope of metrics.scopeMetrics)
    for (const metric of scope.metrics)
      if (metric.descriptor.name === name)
        for (const point of metric.dataPoints) if (match(point.attributes)) total += Number(point.value);
  return total;
}

function positiveInt(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new TracingSetupError(`${key}=${raw}: must be a positive integer`);
  return value;
}

async function exporterFrom(env: Env): Promise<SpanExporter> {
  const name = env.OTEL_TRACES_EXPORTER ?? 'otlp';
  if (name === 'otlp') {
    const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
    // Compression (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION) the exporters read from the environment themselves.
    if (protocol === 'grpc') {
      const endpoint =
        env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4317';
      return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter({ url: endpoint });
    }
    const url =
      env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
      `${env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318'}/v1/traces`;
    // Exporters load only when chosen, so a cell pays for the modules it uses and nothing else.
    if (protocol === 'http/protobuf')
      return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({ url });
    if (protocol === 'http/json')
      return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url });
    throw new TracingSetupError(`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=${protocol}: use http/protobuf, http/json or grpc`);
  }
  if (name === 'zipkin') {
    const url = env.OTEL_EXPORTER_ZIPKIN_ENDPOINT ?? 'http://127.0.0.1:9411/api/v2/spans';
    return new (await import('@opentelemetry/exporter-zipkin')).ZipkinExporter({ url });
  }
  if (name === 'none') return new DiscardingExporter();
  if (name === 'console') return new ConsoleSpanExporter();
  throw new TracingSetupError(`OTEL_TRACES_EXPORTER=${name}: unknown exporter (none, console, otlp, zipkin)`);
}

/** OTEL_PROPAGATORS as the SDK's environment spec reads it: a comma list, `tracecontext,baggage` by default. */
export async function propagatorFrom(env: Env): Promise<TextMapPropagator> {
  const names = (env.OTEL_PROPAGATORS ?? 'tracecontext,baggage')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const propagators: TextMapPropagator[] = [];
  for (const name of names) {
    switch (name) {
      case 'tracecontext':
        propagators.push(new W3CTraceContextPropagator());
        break;
      case 'baggage':
        propagators.push(new W3CBaggagePropagator());
        break;
      // Propagator packages load only when chosen, like exporters.
      case 'b3':
      case 'b3multi': {
        const { B3Propagator, B3InjectEncoding } = await import('@opentelemetry/propagator-b3');
        propagators.push(
          new B3Propagator({
            injectEncoding: name === 'b3' ? B3InjectEncoding.SINGLE_HEADER : B3InjectEncoding.MULTI_HEADER,
          }),
        );
        break;
      }
      case 'jaeger':
        propagators.push(new (await import('@opentelemetry/propagator-jaeger')).JaegerPropagator());
        break;
      case 'xray':
        propagators.push(new (await import('@opentelemetry/propagator-aws-xray')).AWSXRayPropagator());
        break;
      case 'none':
        break;
      default:
        throw new TracingSetupError(
          `OTEL_PROPAGATORS: unknown propagator '${name}' (tracecontext, baggage, b3, b3multi, jaeger, xray, none)`,
        );
    }
  }
  return new CompositePropagator({ propagators });
}

function processorFrom(
  env: Env,
  exporter: SpanExporter,
  meterProvider: MeterProvider,
): { processor: SpanProcessor; batch: boolean } {
  const type = env.TRACEBENCH_SPAN_PROCESSOR ?? 'batch';
  if (type === 'simple') return { processor: new SimpleSpanProcessor(exporter), batch: false };
  // Attribution's "recorded, not exported" layer: spans end and go nowhere, not even into a queue.
  if (type === 'none')
    return {
      processor: { onStart() {}, onEnd() {}, forceFlush: async () => {}, shutdown: async () => {} },
      batch: false,
    };
  if (type !== 'batch') throw new TracingSetupError(`TRACEBENCH_SPAN_PROCESSOR=${type}: use simple, batch or none`);
  const config = {
    maxQueueSize: positiveInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048),
    maxExportBatchSize: positiveInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
    scheduledDelayMillis: positiveInt(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
    exportTimeoutMillis: positiveInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30000),
    // Experimental in 2.12: the only complete count of queue-full drops (the "Dropped N spans" log misses the last burst).
    selfObsMeterProvider: meterProvider,
  };
  return { processor: new BatchSpanProcessor(exporter, config), batch: true };
}

/**
 * OTEL_RESOURCE_ATTRIBUTES as the OTel spec writes it: `key=value` pairs separated by commas, `,` and `=` inside
 * percent-encoded. The harness puts the trial id there; a malformed value fails setup rather than losing it silently.
 */
export function resourceAttributesFrom(env: Env): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const entry of (env.OTEL_RESOURCE_ATTRIBUTES ?? '').split(',')) {
    if (entry.trim() === '') continue;
    const pair = entry.split('=');
    const key = pair[0].trim();
    if (pair.length !== 2 || key === '')
      throw new TracingSetupError(
        `OTEL_RESOURCE_ATTRIBUTES: '${entry.slice(0, 80)}' is not key=value (percent-encode ',' and '=' inside keys and values)`,
      );
    try {
      attributes[decodeURIComponent(key)] = decodeURIComponent(pair[1].trim());
    } catch {
      throw new TracingSetupError(`OTEL_RESOURCE_ATTRIBUTES: '${entry.slice(0, 80)}' has a malformed percent-encoding`);
    }
  }
  return attributes;
}

/** Sets up tracing from the cell's environment only, registers it globally, and exposes counters to the probe. */
export async function setupTracing(env: Env, serviceName: string): Promise<TracingHandle> {
  const counters: SpanCounters = {
    started: 0,
    sampled: 0,
    ended: 0,
    exported: 0,
    failed: 0,
    inFlight: 0,
    exportCalls: 0,
    exportCallsMaxConcurrent: 0,
    draining: false,
    failureReasons: {},
  };
  const reader = new PullReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new CountingExporter(await exporterFrom(env), counters);
  const { processor: sdkProcessor, batch } = processorFrom(env, exporter, meterProvider);
  const processorModule = env.TRACEBENCH_SPAN_PROCESSOR_MODULE;
  const processor = processorModule ? await userProcessor(env, processorModule, sdkProcessor) : sdkProcessor;
  const samplerModule = env.TRACEBENCH_SAMPLER_MODULE;
  const sampler = samplerModule ? await userSampler(env, samplerModule) : samplerFrom(env);
  const extraCpuUsPerSpan = Number(env.TRACEBENCH_TEST_SPAN_COST_US ?? 0);
  const provider = new BasicTracerProvider({
    // The workload's service name wins over one in OTEL_RESOURCE_ATTRIBUTES: the sink groups spans by it.
    resource: resourceFromAttributes({ ...resourceAttributesFrom(env), 'service.name': serviceName }),
    sampler: new CountingSampler(sampler, counters),
    spanProcessors: [new CountingProcessor(processor, counters, extraCpuUsPerSpan)],
  });
  // `none` (attribution): no context manager registered, so context.with() is the API's no-op.
  const manager = env.TRACEBENCH_CONTEXT_MANAGER ?? 'async-local-storage';
  if (manager === 'async-hooks') context.setGlobalContextManager(new AsyncHooksContextManager().enable());
  else if (manager === 'async-local-storage')
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  else if (manager !== 'none')
    throw new TracingSetupError(`TRACEBENCH_CONTEXT_MANAGER=${manager}: use async-local-storage, async-hooks or none`);
  propagation.setGlobalPropagator(await propagatorFrom(env));
  trace.setGlobalTracerProvider(provider);

  const selfObs = async () => (await reader.collect()).resourceMetrics;
  const handle: TracingHandle = {
    counters: () => ({ ...counters, failureReasons: { ...counters.failureReasons } }),
    async droppedQueueFull() {
      if (!batch) return 0;
      return sumMetric(await selfObs(), 'otel.sdk.processor.span.processed', (a) => a['error.type'] === 'queue_full');
    },
    async queueDepth() {
      if (!batch) return 0;
      return sumMetric(await selfObs(), 'otel.sdk.processor.span.queue.size', () => true);
    },
    async drain(timeoutMs: number) {
      counters.draining = true;
      const deadline = Date.now() + timeoutMs;
      const flushed = await Promise.race([
        provider.forceFlush().then(
          () => true,
          () => true,
        ),
        new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref()),
      ]);
      // The batch processor's forceFlush does not wait for an export its timer already started; wait for its answer
      // too, or its spans reach the sink while the counters still call them in flight.
      while (flushed && counters.inFlight > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 5));
      return flushed && counters.inFlight === 0;
    },
    shutdown: () => provider.shutdown(),
  };
  (globalThis as Record<symbol, unknown>)[TRACING_HANDLE] = handle;
  return handle;
}
