import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { startSink } from '../../harness/sink/sink.js';
import { assembleTraces } from '../../harness/sink/traces.js';
import { assertEmittedTrace, emitTrace, tracerProvider } from './otel-helpers.js';

type ProtoConfig = NonNullable<ConstructorParameters<typeof OtlpProtoExporter>[0]>;
// The enum lives in otlp-exporter-base, which is not a direct dependency; its value is the string.
const GZIP = 'gzip' as ProtoConfig['compression'];

test('OTLP protobuf exporter: one request per span, every field decoded', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  const provider = tracerProvider(new OtlpProtoExporter({ url: sink.otlpTracesUrl }), 'checkout');
  const emitted = emitTrace(provider);
  await provider.forceFlush();
  await provider.shutdown();

  assertEmittedTrace(sink.spans(), emitted, 'checkout');
  const stats = sink.stats();
  assert.equal(stats.requests, 3);
  assert.equal(stats.spansReceived, 3);
  assert.equal(stats.malformedRequests, 0);
  assert.equal(stats.byProtocol['otlp-protobuf'].requests, 3);
  assert.equal(stats.byProtocol['otlp-protobuf'].spans, 3);
  assert.equal(stats.byProtocol['otlp-protobuf'].bytes, stats.bytesReceived);
  assert.ok(stats.bytesReceived > 0);
  assert.deepEqual(assembleTraces(sink.spans()), {
    traces: 1,
    complete: 1,
    broken: 0,
    orphanSpans: 0,
    rootlessTraces: 0,
    duplicateSpans: 0,
  });
});

test('OTLP JSON exporter with a batch processor: one request carries the whole trace', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  const provider = tracerProvider(new OtlpJsonExporter({ url: sink.otlpTracesUrl }), 'users', 'batch');
  const emitted = emitTrace(provider);
  await provider.forceFlush();
  await provider.shutdown();

  assertEmittedTrace(sink.spans(), emitted, 'users');
  const stats = sink.stats();
  assert.equal(stats.requests, 1);
  assert.deepEqual(stats.byProtocol['otlp-json'], { requests: 1, spans: 3, bytes: stats.bytesReceived });
  assert.equal(stats.byProtocol['otlp-protobuf'].requests, 0);
});

test('Zipkin exporter: kinds, parents, service name and error status from tags', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  const provider = tracerProvider(new ZipkinExporter({ url: sink.zipkinSpansUrl }), 'orders');
  const emitted = emitTrace(provider);
  await provider.forceFlush();
  await provider.shutdown();

  assertEmittedTrace(sink.spans(), emitted, 'orders', true);
  const stats = sink.stats();
  assert.equal(stats.requests, 3);
  assert.deepEqual(stats.byProtocol.zipkin, { requests: 3, spans: 3, bytes: stats.bytesReceived });
});

test('Zipkin exporter: an error status without a message still reads as an error', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  const provider = tracerProvider(new ZipkinExporter({ url: sink.zipkinSpansUrl }), 'orders');
  const tracer = provider.getTracer('t');
  const failed = tracer.startSpan('failed');
  failed.setStatus({ code: SpanStatusCode.ERROR });
  failed.end();
  const ok = tracer.startSpan('ok');
  ok.setStatus({ code: SpanStatusCode.OK });
  ok.end();
  await provider.shutdown();

  const statusByName = Object.fromEntries(sink.spans().map((span) => [span.name, span.statusCode]));
  assert.deepEqual(statusByName, { failed: 2, ok: 1 });
});

for (const [name, Exporter] of [
  ['protobuf', OtlpProtoExporter],
  ['JSON', OtlpJsonExporter],
] as const) {
  test(`OTLP ${name} exporter with gzip compression: decompressed, decoded, compressed size counted`, async (t) => {
    const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
    t.after(() => sink.close());
    const plain = tracerProvider(new Exporter({ url: sink.otlpTracesUrl }), 'plain', 'batch');
    emitTrace(plain);
    await plain.shutdown();
    const plainBytes = sink.stats().bytesReceived;
    sink.reset();

    const gzipped = tracerProvider(new Exporter({ url: sink.otlpTracesUrl, compression: GZIP }), 'gzipped', 'batch');
    const emitted = emitTrace(gzipped);
    await gzipped.shutdown();

    assertEmittedTrace(sink.spans(), emitted, 'gzipped');
    assert.equal(sink.stats().malformedRequests, 0);
    assert.ok(
      sink.stats().bytesReceived < plainBytes,
      `gzip body (${sink.stats().bytesReceived} B) smaller than plain (${plainBytes} B)`,
    );
  });
}
