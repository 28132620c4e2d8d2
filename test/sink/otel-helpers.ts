import assert from 'node:assert/strict';
import { request } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { ReceivedSpan } from '../../harness/sink/types.js';

/** Wraps a real exporter and records every export result it reports. */
export class RecordingExporter implements SpanExporter {
  readonly results: ExportResult[] = [];
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const done = new Promise<void>((resolve) => {
      this.inner.export(spans, (result) => {
        this.results.push(result);
        resultCallback(result);
        resolve();
      });
    });
    this.pending.add(done);
    void done.then(() => this.pending.delete(done));
  }

  /** Waits for every export started so far; forceFlush() rejects at the first failure instead. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export function tracerProvider(exporter: SpanExporter, serviceName: string, processor: 'simple' | 'batch' = 'simple') {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [processor === 'simple' ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter)],
  });
}

export interface EmittedTrace {
  traceId: string;
  rootSpanId: string;
}

/** A server span with an error status and two children (client, internal). */
export function emitTrace(provider: BasicTracerProvider): EmittedTrace {
  const tracer = provider.getTracer('tracebench-sink-test');
  const root = tracer.startSpan('GET /users/:id', {
    kind: SpanKind.SERVER,
    attributes: { 'http.route': '/users/:id', 'http.response.status_code': 500, retried: true, ratio: 0.25 },
  });
  // No context manager is registered, so parents are passed explicitly.
  const parentContext = trace.setSpan(context.active(), root);
  tracer
    .startSpan('db.query', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }, parentContext)
    .end();
  tracer.startSpan('cache.get', { kind: SpanKind.INTERNAL }, parentContext).end();
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  root.end();
  return { traceId: root.spanContext().traceId, rootSpanId: root.spanContext().spanId };
}

/** Ends `count` separate root spans, one export each with the simple processor. */
export function emitRootSpans(provider: BasicTracerProvider, count: number): void {
  const tracer = provider.getTracer('tracebench-sink-test');
  for (let i = 0; i < count; i++) tracer.startSpan(`op-${i}`).end();
}

function byName(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const span = spans.find((candidate) => candidate.name === name);
  assert.ok(span, `span ${name} received`);
  return span;
}

/** Checks what `emitTrace` produced; Zipkin tags carry every attribute as a string. */
export function assertEmittedTrace(
  spans: ReceivedSpan[],
  emitted: EmittedTrace,
  serviceName: string,
  stringAttributes = false,
): void {
  assert.equal(spans.length, 3);
  const root = byName(spans, 'GET /users/:id');
  const db = byName(spans, 'db.query');
  const cache = byName(spans, 'cache.get');
  for (const span of spans) {
    assert.equal(span.traceId, emitted.traceId);
    assert.match(span.spanId, /^[0-9a-f]{16}$/);
    assert.equal(span.serviceName, serviceName);
    assert.ok(span.endTimeUnixNano >= span.startTimeUnixNano, `${span.name} ends after it starts`);
    const ageNs = BigInt(Date.now()) * 1_000_000n - span.startTimeUnixNano;
    assert.ok(
      ageNs >= -1_000_000_000n && ageNs < 60_000_000_000n,
      `${span.name} start time is recent (age ${ageNs} ns)`,
    );
  }
  assert.equal(root.spanId, emitted.rootSpanId);
  assert.equal(root.parentSpanId, '');
  assert.equal(db.parentSpanId, root.spanId);
  assert.equal(cache.parentSpanId, root.spanId);
  assert.deepEqual([root.kind, db.kind, cache.kind], [2, 3, 1]);
  assert.deepEqual([root.statusCode, db.statusCode, cache.statusCode], [2, 0, 0]);
  assert.equal(root.attributes['http.route'], '/users/:id');
  assert.equal(db.attributes['db.system'], 'postgresql');
  const expected = stringAttributes ? ['500', 'true', '0.25'] : [500, true, 0.25];
  assert.deepEqual(
    [root.attributes['http.response.status_code'], root.attributes.retried, root.attributes.ratio],
    expected,
  );
}

export interface RawAnswer {
  status: number;
  body: string;
  elapsedMs: number;
  headers: import('node:http').IncomingHttpHeaders;
}

/** One request on a fresh connection, so nothing lingers after the test. */
export function sendRaw(
  url: string,
  method: string,
  body: Buffer | string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const startMs = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          elapsedMs: performance.now() - startMs,
          headers: response.headers,
        }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
