import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceError } from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { createFaultPolicy, type FaultDecision, type FaultPolicy } from '../../harness/sink/fault.js';
import { STATUS_DETAILS_TRAILER } from '../../harness/sink/grpc-status.js';
import { MAX_BODY_BYTES } from '../../harness/sink/read-body.js';
import { startSink } from '../../harness/sink/sink.js';
import { assembleTraces } from '../../harness/sink/traces.js';
import { decodeRetryStatus, exportRaw } from './grpc-helpers.js';
import { RecordingExporter, assertEmittedTrace, emitRootSpans, emitTrace, tracerProvider } from './otel-helpers.js';

type GrpcConfig = NonNullable<ConstructorParameters<typeof OtlpGrpcExporter>[0]>;
// The enum lives in otlp-exporter-base, which is not a direct dependency; its value is the string.
const GZIP = 'gzip' as GrpcConfig['compression'];

/** Hands out the queued decisions one export at a time, after `delayMs`; accepts once the queue is empty. */
function stubPolicy(decisions: FaultDecision[], delayMs = 0): FaultPolicy {
  return { ...createFaultPolicy({ mode: 'ok' }), delayMs, decide: () => decisions.shift() ?? { verdict: 'accept' } };
}

test('OTLP/gRPC exporter: the real exporter sends, the sink decodes every field and counts it under otlp-grpc', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true, grpc: true });
  t.after(() => sink.close());
  assert.match(sink.otlpGrpcUrl ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(sink.otlpGrpcUrl, sink.url, 'gRPC has a port of its own');
  const provider = tracerProvider(new OtlpGrpcExporter({ url: sink.otlpGrpcUrl }), 'checkout', 'batch');
  const emitted = emitTrace(provider);
  await provider.shutdown();

  assertEmittedTrace(sink.spans(), emitted, 'checkout');
  const stats = sink.stats();
  assert.equal(stats.spansReceived, 3);
  assert.equal(stats.malformedRequests, 0);
  assert.deepEqual(stats.byProtocol['otlp-grpc'], { requests: 1, spans: 3, bytes: stats.bytesReceived });
  assert.equal(stats.byProtocol['otlp-protobuf'].requests, 0);
  assert.equal(stats.bytesUncompressed, stats.bytesReceived, 'uncompressed: the message as sent, prefix left out');
  assert.equal(assembleTraces(sink.spans()).complete, 1);
});

test('OTLP/gRPC wire bytes are the message alone: a raw message is counted at its exact size', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, grpc: true });
  t.after(() => sink.close());
  // An ExportTraceServiceRequest with one ResourceSpans holding one ScopeSpans holding one (empty) Span.
  const message = Buffer.from([0x0a, 0x04, 0x12, 0x02, 0x12, 0x00]);
  const { error } = await exportRaw(sink.otlpGrpcUrl!, message);
  assert.equal(error, null);
  const stats = sink.stats();
  assert.deepEqual(
    [stats.requests, stats.spansReceived, stats.bytesReceived, stats.bytesUncompressed],
    [1, 1, message.length, message.length],
  );
});

test('OTLP/gRPC with gzip: grpc-js decompresses, the sink counts the compressed and the uncompressed size', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true, grpc: true });
  t.after(() => sink.close());
  const provider = tracerProvider(
    new OtlpGrpcExporter({ url: sink.otlpGrpcUrl, compression: GZIP }),
    'gzipped',
    'batch',
  );
  const emitted = emitTrace(provider);
  await provider.shutdown();

  assertEmittedTrace(sink.spans(), emitted, 'gzipped');
  const stats = sink.stats();
  assert.equal(stats.malformedRequests, 0);
  assert.ok(
    stats.bytesReceived < stats.bytesUncompressed,
    `compressed ${stats.bytesReceived} B < uncompressed ${stats.bytesUncompressed} B`,
  );
});

test('OTLP/gRPC: a gzip message that inflates past the bound is refused with RESOURCE_EXHAUSTED', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, grpc: true });
  t.after(() => sink.close());
  const { error } = await exportRaw(sink.otlpGrpcUrl!, Buffer.alloc(MAX_BODY_BYTES + 1), 'gzip');
  assert.equal(error?.code, 8, `status ${error?.code}: ${error?.details}`);
  assert.match(error?.details ?? '', /decompresses to a size larger than/);
  assert.equal(sink.stats().spansReceived, 0);
});

test('OTLP/HTTP with gzip: the sink counts the compressed and the uncompressed size', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  const provider = tracerProvider(
    new OtlpProtoExporter({ url: sink.otlpTracesUrl, compression: GZIP }),
    'gzipped',
    'batch',
  );
  emitTrace(provider);
  await provider.shutdown();
  const stats = sink.stats();
  assert.equal(stats.spansReceived, 3);
  assert.ok(stats.bytesReceived < stats.bytesUncompressed, `${stats.bytesReceived} < ${stats.bytesUncompressed}`);
});

test('fault decisions on gRPC, seen by the real exporter: 429, 503, 500, hang, reset, accept', async (t) => {
  const decisions: FaultDecision[] = [
    { verdict: 'reject', httpStatus: 429, retryAfterSeconds: 2.5 },
    { verdict: 'reject', httpStatus: 503 },
    { verdict: 'reject', httpStatus: 500 },
    { verdict: 'hang' },
    { verdict: 'reset' },
    { verdict: 'accept' },
  ];
  const sink = await startSink({ fault: { mode: 'ok' }, grpc: true, faultPolicy: stubPolicy(decisions) });
  t.after(() => sink.close());
  const exporter = new RecordingExporter(new OtlpGrpcExporter({ url: sink.otlpGrpcUrl, timeoutMillis: 500 }));
  const provider = tracerProvider(exporter, 'faulty');
  // One export at a time, so each meets the decision queued for it.
  for (let i = 0; i < 6; i++) {
    emitRootSpans(provider, 1);
    await exporter.settled();
  }
  await provider.shutdown();

  const errors = exporter.results.map((result) => result.error as ServiceError | undefined);
  assert.deepEqual(
    errors.map((error) => error?.code),
    // RESOURCE_EXHAUSTED, UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED (the client gave up), INTERNAL (RST_STREAM), OK.
    [8, 14, 13, 4, 13, undefined],
  );
  assert.equal(exporter.results[5].code, ExportResultCode.SUCCESS);
  assert.match(errors[4]?.details ?? '', /RST_STREAM/);
  const details = errors[0]?.metadata.get(STATUS_DETAILS_TRAILER)[0] as Buffer;
  assert.deepEqual(decodeRetryStatus(details), {
    code: 8,
    message: 'tracebench sink: injected fault',
    retryAfterSeconds: 2.5,
  });
  assert.equal(errors[1]?.metadata.get(STATUS_DETAILS_TRAILER).length, 0, 'no RetryInfo without a Retry-After');
  const stats = sink.stats();
  // Rejections are answered; hang and reset leave their request unanswered, counted apart (as on HTTP).
  assert.deepEqual([stats.requests, stats.rejectedRequests, stats.spansRejected, stats.spansReceived], [6, 3, 3, 1]);
  assert.deepEqual([stats.hungRequests, stats.resetRequests, stats.spansUnanswered], [1, 1, 2]);
});

test('the fault delay on gRPC: the answer waits delayMs and the export still succeeds', async (t) => {
  const delayMs = 200;
  const sink = await startSink({ fault: { mode: 'ok' }, grpc: true, faultPolicy: stubPolicy([], delayMs) });
  t.after(() => sink.close());
  const exporter = new RecordingExporter(new OtlpGrpcExporter({ url: sink.otlpGrpcUrl }));
  const provider = tracerProvider(exporter, 'slow');
  const startMs = performance.now();
  emitRootSpans(provider, 1);
  await exporter.settled();
  const elapsedMs = performance.now() - startMs;
  await provider.shutdown();
  assert.ok(elapsedMs >= delayMs - 1, `export took ${elapsedMs.toFixed(1)} ms`);
  assert.equal(exporter.results[0].code, ExportResultCode.SUCCESS);
  assert.equal(sink.stats().spansReceived, 1);
});

test('a sink closed with a gRPC call hanging closes at once', async () => {
  const sink = await startSink({ fault: { mode: 'ok' }, grpc: true, faultPolicy: stubPolicy([{ verdict: 'hang' }]) });
  const exporter = new RecordingExporter(new OtlpGrpcExporter({ url: sink.otlpGrpcUrl, timeoutMillis: 5000 }));
  const provider = tracerProvider(exporter, 'hung');
  emitRootSpans(provider, 1);
  while (sink.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const startMs = performance.now();
  await sink.close();
  await exporter.settled();
  assert.ok(performance.now() - startMs < 1000, 'close() did not wait for the hung call');
  assert.equal(exporter.results[0].code, ExportResultCode.FAILED);
  await provider.shutdown();
});

test('the same decisions on OTLP/HTTP: 429 with Retry-After, reset drops the connection, hang never answers', async (t) => {
  const decisions: FaultDecision[] = [
    { verdict: 'reject', httpStatus: 429, retryAfterSeconds: 3 },
    { verdict: 'reset' },
    { verdict: 'hang' },
  ];
  const sink = await startSink({ fault: { mode: 'ok' }, faultPolicy: stubPolicy(decisions) });
  t.after(() => sink.close());
  const throttled = await fetch(sink.otlpTracesUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: new Uint8Array(0),
  });
  assert.deepEqual([throttled.status, throttled.headers.get('retry-after')], [429, '3']);
  await assert.rejects(
    fetch(sink.otlpTracesUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: '' }),
    /fetch failed/,
  );
  const hung = await fetch(sink.otlpTracesUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: '',
    signal: AbortSignal.timeout(300),
  }).catch((error: Error) => error.name);
  assert.equal(hung, 'TimeoutError');
});
