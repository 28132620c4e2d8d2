import assert from 'node:assert/strict';
import { test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { OutageSetting } from '../../harness/config/types.js';
import { createFaultPolicy } from '../../harness/sink/fault.js';
import { startSink } from '../../harness/sink/sink.js';
import type { Sink } from '../../harness/sink/types.js';
import { RecordingExporter, emitRootSpans, sendRaw, tracerProvider } from './otel-helpers.js';

/** Sends `count` single-span exports through the real OTLP/HTTP protobuf exporter and waits for every result. */
async function exportThrough(sink: Sink, count: number, timeoutMillis: number): Promise<RecordingExporter> {
  const exporter = new RecordingExporter(new OtlpProtoExporter({ url: sink.otlpTracesUrl, timeoutMillis }));
  const provider = tracerProvider(exporter, 'faults');
  emitRootSpans(provider, count);
  await exporter.settled();
  await provider.shutdown();
  return exporter;
}

const failures = (exporter: RecordingExporter) =>
  exporter.results.filter((r) => r.code === ExportResultCode.FAILED).length;

test('error 429 with Retry-After: the header is sent and the real exporter waits that long, then succeeds', async (t) => {
  const sink = await startSink({ fault: { mode: 'error', statusCode: 429, fraction: 0.5, retryAfterSeconds: 1 } });
  t.after(() => sink.close());
  const raw = await sendRaw(sink.otlpTracesUrl, 'POST', '', { 'content-type': 'application/x-protobuf' });
  assert.equal(raw.status, 200, 'the first of two is accepted');
  const rejected = await sendRaw(sink.otlpTracesUrl, 'POST', '', { 'content-type': 'application/x-protobuf' });
  assert.equal(rejected.status, 429);
  assert.equal(rejected.headers['retry-after'], '1');
  sink.reset();
  await sendRaw(sink.otlpTracesUrl, 'POST', '', { 'content-type': 'application/x-protobuf' });

  // The pattern restarted at reset: the raw request took the accepted turn, the exporter's first attempt the rejected one.
  const started = performance.now();
  const exporter = await exportThrough(sink, 1, 5000);
  const elapsedMs = performance.now() - started;
  assert.equal(exporter.results[0].code, ExportResultCode.SUCCESS, 'the retry after Retry-After was accepted');
  assert.ok(elapsedMs >= 990, `the exporter retried after ${elapsedMs.toFixed(0)} ms, before Retry-After`);
  const stats = sink.stats();
  assert.equal(stats.requests, 3);
  assert.equal(stats.rejectedRequests, 1);
  assert.equal(stats.spansReceived, 1);
});

test('error 503 with a Retry-After beyond the export timeout: the real exporter gives up at once', async (t) => {
  const sink = await startSink({ fault: { mode: 'error', statusCode: 503, fraction: 1, retryAfterSeconds: 30 } });
  t.after(() => sink.close());
  const exporter = await exportThrough(sink, 2, 2000);
  assert.equal(failures(exporter), 2);
  const stats = sink.stats();
  assert.equal(stats.requests, 2, 'no retry: Retry-After is past the deadline');
  assert.equal(stats.rejectedRequests, 2);
  assert.equal(stats.spansRejected, 2);
  assert.equal(stats.spansReceived, 0);
});

test('timeout: the sink reads the export and never answers; the real exporter times out', async (t) => {
  const sink = await startSink({ fault: { mode: 'timeout' } });
  t.after(() => sink.close());
  const started = performance.now();
  const exporter = await exportThrough(sink, 1, 400);
  const elapsedMs = performance.now() - started;
  assert.equal(failures(exporter), 1);
  assert.ok(elapsedMs >= 390, `gave up after ${elapsedMs.toFixed(0)} ms, before its timeout`);
  const stats = sink.stats();
  assert.ok(stats.hungRequests >= 1);
  assert.equal(stats.spansUnanswered, stats.hungRequests, 'one span per request');
  assert.equal(stats.spansReceived, 0);
});

test('flaky 0.5: every other export has its connection reset; the real exporter fails exactly those', async (t) => {
  const sink = await startSink({ fault: { mode: 'flaky', fraction: 0.5 } });
  t.after(() => sink.close());
  // A timeout shorter than the first retry's backoff (1 s ± 20%): one attempt per export.
  const exporter = await exportThrough(sink, 4, 300);
  assert.equal(exporter.results.length, 4);
  assert.equal(failures(exporter), 2);
  const errors = exporter.results.filter((r) => r.error).map((r) => r.error!.message);
  for (const message of errors) assert.match(message, /socket hang up|ECONNRESET/);
  const stats = sink.stats();
  assert.equal(stats.resetRequests, 2);
  assert.equal(stats.spansReceived, 2);
  assert.equal(stats.spansUnanswered, 2);
});

const OUTAGES: OutageSetting[] = [
  { fromSeconds: 1, toSeconds: 2, mode: 'down' },
  { fromSeconds: 1, toSeconds: 2, mode: 'error', statusCode: 503 },
  { fromSeconds: 1, toSeconds: 2, mode: 'timeout' },
];

for (const outage of OUTAGES) {
  test(`outage in ${outage.mode} mode: only inside its interval of the window, and the recovery is timed`, async (t) => {
    let nowMs = 0;
    const sink = await startSink({ fault: { mode: 'ok', outage }, nowMs: () => nowMs });
    t.after(() => sink.close());
    nowMs = 1500;
    const beforeWindow = await exportThrough(sink, 1, 300);
    assert.equal(failures(beforeWindow), 0, 'no outage before the window starts');
    assert.equal(sink.outage(), undefined);

    nowMs = 0;
    sink.windowStarted();
    assert.equal(failures(await exportThrough(sink, 1, 300)), 0, 'before the outage');
    nowMs = 1500;
    const during = await exportThrough(sink, 2, 300);
    assert.equal(failures(during), 2, 'inside the outage every export fails');
    assert.equal(sink.outage()?.firstAcceptedAfterMs, null, 'not recovered yet');
    nowMs = 2250;
    assert.equal(failures(await exportThrough(sink, 1, 300)), 0, 'the backend is back');
    assert.deepEqual(sink.outage(), { fromMs: 1000, toMs: 2000, firstAcceptedAfterMs: 2250 });
    const stats = sink.stats();
    assert.equal(stats.spansReceived, 3);
    if (outage.mode === 'down') assert.ok(stats.resetConnections + stats.resetRequests >= 2);
    if (outage.mode === 'error') assert.equal(stats.rejectedRequests, 2);
    if (outage.mode === 'timeout') assert.equal(stats.hungRequests, 2);
  });
}

test('the outage schedule reads its clock against windowStarted, and reset() ends the window', () => {
  let nowMs = 100;
  const policy = createFaultPolicy(
    { mode: 'ok', outage: { fromSeconds: 10, toSeconds: 70, mode: 'error', statusCode: 429, retryAfterSeconds: 5 } },
    () => nowMs,
  );
  nowMs = 20_100;
  assert.deepEqual(policy.decide(), { verdict: 'accept' }, 'no window yet');
  nowMs = 0;
  policy.windowStarted();
  const at = (ms: number) => {
    nowMs = ms;
    return policy.decide().verdict;
  };
  assert.deepEqual([at(9_999), at(10_000), at(69_999), at(70_000)], ['accept', 'reject', 'reject', 'accept']);
  nowMs = 30_000;
  assert.deepEqual(policy.decide(), { verdict: 'reject', httpStatus: 429, retryAfterSeconds: 5 });
  assert.equal(policy.refusesConnections(), false, 'an error outage answers; only down refuses connections');
  policy.reset();
  assert.equal(policy.sinceWindowMs(), null);
  assert.deepEqual(policy.decide(), { verdict: 'accept' });
});
