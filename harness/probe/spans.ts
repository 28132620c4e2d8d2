import type { ProbeSpanReport, SpanCount } from './protocol.js';

/**
 * Span counts for a service whose SDK tracebench did not build (zero-code, NodeSDK, a user's own provider), read by
 * the probe from inside the process. The API keeps its globals under a well-known symbol; when a tracer provider is
 * registered there, the probe hooks what that provider exposes: its sampler (every span start), its span processor
 * list (a counting processor appended: ended spans), each processor's exporter (exported, failed, in flight) and the
 * batch processor's buffer (queue-full drops, queued spans). It reads the SDK's fields (`_tracerOptions`,
 * `_activeSpanProcessor`, `_exporter`, `_addToBuffer`; @opentelemetry/sdk-trace 2.x); what a provider does not expose
 * stays null (unknown), never 0. No module is loaded: the baseline pays for none of this.
 */

/** @opentelemetry/api 1.x keeps its registered globals (trace, context, propagation, ...) on this symbol. */
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const MAX_FAILURE_REASONS = 5;
/** SamplingDecision.RECORD_AND_SAMPLED, TraceFlags.SAMPLED. */
const RECORD_AND_SAMPLED = 2;
const SAMPLED_FLAG = 1;

type Obj = Record<string | symbol, unknown>;
type Fn = (...args: unknown[]) => unknown;

interface Counts {
  started: number;
  sampled: number;
  ended: number;
  exported: number;
  failed: number;
  dropped: number;
  inFlight: number;
  exportCalls: number;
  exportCallsMaxConcurrent: number;
  /** Set when the drain begins: its forceFlush sends every queued batch at once, which is no processor's doing. */
  draining: boolean;
  failureReasons: Record<string, number>;
}

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null;

export class ForeignSpanCounter {
  private readonly counts: Counts = {
    started: 0,
    sampled: 0,
    ended: 0,
    exported: 0,
    failed: 0,
    dropped: 0,
    inFlight: 0,
    exportCalls: 0,
    exportCallsMaxConcurrent: 0,
    draining: false,
    failureReasons: {},
  };
  private provider: Obj | undefined;
  /** What could be hooked; each false leaves its counters null. */
  private hooked = { sampler: false, processors: false, exporters: false, buffers: false };
  private bufferOwners: Obj[] = [];

  /** True once a tracer provider was registered with the API, whether or not it could be hooked. */
  registered = false;

  /** Watches for the API's globals and hooks the tracer provider once one is registered (or already is). */
  watch(skip: () => boolean): void {
    const g = globalThis as unknown as Obj;
    const onApi = (api: Obj) => this.watchTrace(api, skip);
    if (isObj(g[API_GLOBAL])) {
      onApi(g[API_GLOBAL] as Obj);
      return;
    }
    let value: unknown;
    Object.defineProperty(g, API_GLOBAL, {
      configurable: true,
      get: () => value,
      set: (v: unknown) => {
        value = v;
        // A plain property again at once: the API reads it on hot paths (every context.active()).
        Object.defineProperty(g, API_GLOBAL, { value: v, writable: true, configurable: true });
        if (isObj(v)) onApi(v);
      },
    });
  }

  private watchTrace(api: Obj, skip: () => boolean): void {
    // setGlobalTracerProvider registers a proxy, then hands it the provider: hook a microtask later.
    // A provider that refuses the hooks (frozen, getter-only fields) must not crash the service: what is not hooked stays null.
    const later = (proxy: unknown) =>
      queueMicrotask(() => {
        if (skip()) return;
        try {
          this.hook(proxy);
        } catch {
          return;
        }
      });
    if (api.trace !== undefined) {
      later(api.trace);
      return;
    }
    let value: unknown;
    Object.defineProperty(api, 'trace', {
      configurable: true,
      enumerable: true,
      get: () => value,
      set: (v: unknown) => {
        value = v;
        Object.defineProperty(api, 'trace', { value: v, writable: true, configurable: true, enumerable: true });
        later(v);
      },
    });
  }

  /** Hooks the provider behind the API's proxy; a provider without a processor list is not one this can count. */
  hook(proxy: unknown): void {
    if (this.provider || !isObj(proxy)) return;
    const provider = (
      typeof proxy.getDelegate === 'function' ? (proxy.getDelegate as Fn).call(proxy) : proxy
    ) as unknown;
    // The API's no-op provider (nothing registered behind the proxy) has no span processor: nothing to count.
    if (
      isObj(provider) &&
      typeof provider.getTracer === 'function' &&
      provider.constructor?.name !== 'NoopTracerProvider'
    )
      this.registered = true;
    if (!isObj(provider) || !isObj(provider._activeSpanProcessor)) return;
    const list = (provider._activeSpanProcessor as Obj)._spanProcessors;
    if (!Array.isArray(list)) return;
    this.provider = provider;
    const processors = [...list] as unknown[];
    this.hookSampler(provider);
    this.hooked.exporters = processors.every((p) => this.hookExporter(p));
    this.hooked.buffers = processors.every((p) => this.hookBuffer(p));
    const counts = this.counts;
    list.push({
      onStart: () => {},
      onEnd: (span: { spanContext?: () => { traceFlags: number } }) => {
        counts.ended++;
        // Without the sampler hooked, the sampled flag of recorded spans still counts sampled ones.
        if (!this.hooked.sampler && ((span.spanContext?.().traceFlags ?? 0) & SAMPLED_FLAG) !== 0) counts.sampled++;
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    });
    this.hooked.processors = true;
  }

  private hookSampler(provider: Obj): void {
    const options = provider._tracerOptions;
    if (!isObj(options) || !isObj(options.sampler) || typeof options.sampler.shouldSample !== 'function') return;
    const counts = this.counts;
    const wrap = (sampler: Obj): Obj => {
      const inner = sampler.shouldSample as Fn;
      return Object.assign(Object.create(sampler) as Obj, {
        shouldSample(...args: unknown[]) {
          const result = inner.apply(sampler, args) as { decision: number };
          counts.started++;
          if (result.decision === RECORD_AND_SAMPLED) counts.sampled++;
          return result;
        },
      });
    };
    const wrapped = wrap(options.sampler);
    options.sampler = wrapped;
    // Tracers already handed out keep their own reference to the sampler.
    const tracers = provider._tracers;
    if (tracers instanceof Map)
      for (const tracer of tracers.values())
        if (isObj(tracer) && tracer._sampler !== undefined) tracer._sampler = wrapped;
    this.hooked.sampler = true;
  }

  /** Counts what each export call carried and how it ended. False when the processor's exporter cannot be reached. */
  private hookExporter(processor: unknown): boolean {
    if (!isObj(processor) || !isObj(processor._exporter) || typeof processor._exporter.export !== 'function')
      return false;
    const exporter = processor._exporter;
    const inner = exporter.export as Fn;
    const counts = this.counts;
    exporter.export = (spans: unknown[], done: (result: { code: number; error?: Error }) => void) => {
      const n = spans.length;
      counts.inFlight += n;
      counts.exportCalls++;
      if (!counts.draining)
        counts.exportCallsMaxConcurrent = Math.max(counts.exportCallsMaxConcurrent, counts.exportCalls);
      return inner.call(exporter, spans, (result: { code: number; error?: Error }) => {
        counts.inFlight -= n;
        counts.exportCalls--;
        if (result.code === 0) counts.exported += n;
        else {
          counts.failed += n;
          const reason = result.error?.message ?? 'export failed without an error';
          if (reason in counts.failureReasons || Object.keys(counts.failureReasons).length < MAX_FAILURE_REASONS)
            counts.failureReasons[reason] = (counts.failureReasons[reason] ?? 0) + n;
        }
        done(result);
      });
    };
    return true;
  }

  /** A batch processor's queue-full drops, seen as they happen; a processor without a buffer (simple) drops nothing. */
  private hookBuffer(processor: unknown): boolean {
    if (!isObj(processor)) return false;
    if (typeof processor._addToBuffer !== 'function') return !('_finishedSpans' in processor);
    const inner = processor._addToBuffer as Fn;
    const counts = this.counts;
    processor._addToBuffer = function (this: Obj, span: unknown) {
      if (
        Array.isArray(this._finishedSpans) &&
        typeof this._maxQueueSize === 'number' &&
        this._finishedSpans.length >= this._maxQueueSize
      )
        counts.dropped++;
      return inner.call(this, span);
    };
    this.bufferOwners.push(processor);
    return true;
  }

  /** Spans inside export calls not answered yet; undefined when no exporter could be hooked. */
  inFlight(): number | undefined {
    return this.hooked.exporters ? this.counts.inFlight : undefined;
  }

  /** Spans in the hooked batch processors' queues; undefined when none could be hooked. */
  queueDepth(): number | undefined {
    return this.hooked.buffers ? this.queued() : undefined;
  }

  private queued(): number {
    return this.bufferOwners.reduce((n, p) => n + (Array.isArray(p._finishedSpans) ? p._finishedSpans.length : 0), 0);
  }

  /** forceFlush bounded by the timeout, then the export calls it started; false when either did not finish. */
  async drain(timeoutMs: number): Promise<boolean> {
    const provider = this.provider;
    this.counts.draining = true;
    if (!provider || typeof provider.forceFlush !== 'function') return true;
    const deadline = Date.now() + timeoutMs;
    const flushed = await Promise.race([
      Promise.resolve((provider.forceFlush as Fn).call(provider)).then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref()),
    ]);
    while (flushed && this.counts.inFlight > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    return flushed && this.counts.inFlight === 0;
  }

  report(drained: boolean): ProbeSpanReport {
    const c = this.counts;
    const known = (ok: boolean, n: number): SpanCount => (ok ? n : null);
    const { sampler, processors, exporters, buffers } = this.hooked;
    return {
      tracing: true,
      source: 'probe',
      started: known(sampler, c.started),
      sampled: known(sampler || processors, c.sampled),
      ended: known(processors, c.ended),
      exported: known(exporters, c.exported),
      failed: known(exporters, c.failed),
      dropped: known(buffers, c.dropped),
      queuedAtEnd: known(exporters && buffers, this.queued() + c.inFlight),
      drained,
      failureReasons: { ...c.failureReasons },
      exportCallsMaxConcurrent: known(exporters, c.exportCallsMaxConcurrent),
    };
  }
}
