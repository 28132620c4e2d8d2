import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { startSink } from '../../harness/sink/sink.js';
import type { Sink } from '../../harness/sink/types.js';
import { RecordingExporter, emitRootSpans, sendRaw, tracerProvider } from './otel-helpers.js';

const EXPORTERS: Array<[string, (sink: Sink) => SpanExporter]> = [
  ['OTLP protobuf', (sink) => new OtlpProtoExporter({ url: sink.otlpTracesUrl })],
  ['OTLP JSON', (sink) => new OtlpJsonExporter({ url: sink.otlpTracesUrl })],
  ['Zipkin', (sink) => new ZipkinExporter({ url: sink.zipkinSpansUrl })],
];

test('slow: each answer waits at least delayMs, and other requests are not held up', async (t) => {
  const delayMs = 200;
  const sink = await startSink({ fault: { mode: 'slow', delayMs } });
  t.after(() => sink.close());
  const exporter = new RecordingExporter(new OtlpProtoExporter({ url: sink.otlpTracesUrl }));
  const provider = tracerProvider(exporter, 'slow');
  const startMs = performance.now();
  emitRootSpans(provider, 1);
  let exportDone = false;
  const flushed = provider.forceFlush().then(() => (exportDone = true));

  const notFound = await sendRaw(`${sink.url}/elsewhere`, 'GET', '');
  assert.equal(notFound.status, 404);
  assert.equal(exportDone, false, 'the 404 was answered while the slow export was still waiting');
  await flushed;
  const elapsedMs = performance.now() - startMs;
  await provider.shutdown();

  // Timers never fire early, but two clocks may disagree by a fraction of a millisecond.
  assert.ok(elapsedMs >= delayMs - 1, `export took ${elapsedMs.toFixed(1)} ms`);
  assert.equal(exporter.results[0].code, ExportResultCode.SUCCESS);
  assert.equal(sink.stats().spansReceived, 1);
});

for (const [name, makeExporter] of EXPORTERS) {
  test(`error with fraction 0.5: exactly every other ${name} request is rejected and the exporter sees it`, async (t) => {
    const sink = await startSink({ fault: { mode: 'error', statusCode: 500, fraction: 0.5 }, keepSpans: true });
    t.after(() => sink.close());
    const exporter = new RecordingExporter(makeExporter(sink));
    const provider = tracerProvider(exporter, 'flaky');
    emitRootSpans(provider, 6);
    await exporter.settled();
    await provider.shutdown();

    const codes = exporter.results.map((result) => result.code);
    assert.equal(codes.length, 6);
    assert.equal(codes.filter((code) => code === ExportResultCode.FAILED).length, 3);
    const stats = sink.stats();
    assert.equal(stats.requests, 6);
    assert.equal(stats.rejectedRequests, 3);
    assert.equal(stats.spansRejected, 3);
    assert.equal(stats.spansReceived, 3);
    assert.equal(sink.spans().length, 3, 'only accepted spans are kept');
  });
}

test('error: the rejection pattern is deterministic, fraction 0.25 rejects every fourth', async (t) => {
  const sink = await startSink({ fault: { mode: 'error', statusCode: 503, fraction: 0.25 } });
  t.after(() => sink.close());
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++)
    statuses.push((await sendRaw(sink.otlpTracesUrl, 'POST', '{}', { 'content-type': 'application/json' })).status);
  assert.deepEqual(statuses, [200, 200, 200, 503, 200, 200, 200, 503]);
  sink.reset();
  const afterReset = await sendRaw(sink.otlpTracesUrl, 'POST', '{}', { 'content-type': 'application/json' });
  assert.equal(afterReset.status, 200, 'reset() restarts the pattern');
});

test('down: exporters fail with a refused connection', async (t) => {
  const sink = await startSink({ fault: { mode: 'down' } });
  t.after(() => sink.close());
  assert.match(sink.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  // ECONNREFUSED is retryable for OTLP; a short timeout ends the retries after the first attempt.
  const exporters = [
    new RecordingExporter(new OtlpProtoExporter({ url: sink.otlpTracesUrl, timeoutMillis: 300 })),
    new RecordingExporter(new ZipkinExporter({ url: sink.zipkinSpansUrl })),
  ];
  for (const exporter of exporters) {
    const provider = tracerProvider(exporter, 'unreachable');
    emitRootSpans(provider, 1);
    await assert.rejects(provider.forceFlush(), 'forceFlush() rejects when an export failed');
    await exporter.settled();
    await provider.shutdown();
    assert.equal(exporter.results.length, 1);
    assert.equal(exporter.results[0].code, ExportResultCode.FAILED);
    assert.equal((exporter.results[0].error as NodeJS.ErrnoException | undefined)?.code, 'ECONNREFUSED');
  }
  assert.equal(sink.stats().requests, 0);
});
