import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { test } from 'node:test';
import { startSink } from '../../harness/sink/sink.js';
import type { TailSamplingConfig } from '../../harness/sink/tail/types.js';
import type { Sink } from '../../harness/sink/types.js';
import { sendRaw } from './otel-helpers.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  error?: boolean;
}

/** An OTLP/JSON export request for one service; ids padded to their hex lengths. */
function otlpJson(spans: JsonSpan[]): string {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [
          {
            scope: { name: 'test' },
            spans: spans.map((s) => ({
              traceId: s.traceId.padStart(32, '0'),
              spanId: s.spanId.padStart(16, '0'),
              parentSpanId: s.parentSpanId ? s.parentSpanId.padStart(16, '0') : '',
              name: 'op',
              kind: 2,
              startTimeUnixNano: String(nowNs),
              endTimeUnixNano: String(nowNs + 1_000_000n),
              status: { code: s.error ? 2 : 0 },
            })),
          },
        ],
      },
    ],
  });
}

const ERRORS_ONLY = (decision_wait_ms: number): TailSamplingConfig => ({
  decision_wait_ms,
  num_traces: 1_000,
  policies: [{ name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } }],
});

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await delay(10);
  }
}

async function post(sink: Sink, spans: JsonSpan[]): Promise<void> {
  const answer = await sendRaw(sink.otlpTracesUrl, 'POST', otlpJson(spans), JSON_HEADERS);
  assert.equal(answer.status, 200);
}

test('over HTTP: the sink keeps only traces the policies sample, on its own timer, and counts every span', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, tail: ERRORS_ONLY(150) });
  t.after(() => sink.close());
  const startMs = performance.now();
  await post(sink, [
    { traceId: 'a1', spanId: '1' },
    { traceId: 'a1', spanId: '2', parentSpanId: '1', error: true },
    { traceId: 'b2', spanId: '3' },
  ]);
  assert.deepEqual(sink.spans(), [], 'nothing is kept before decision_wait');
  assert.equal(sink.tailStats()?.tracesPending, 2);
  await waitFor(() => sink.tailStats()!.tracesPending === 0, 3_000);
  assert.ok(performance.now() - startMs >= 150, 'not decided before its wait');
  assert.deepEqual(
    sink
      .spans()
      .map((s) => s.spanId)
      .sort(),
    ['0000000000000001', '0000000000000002'],
  );
  assert.equal(sink.stats().spansReceived, 3, 'received counts are unchanged by sampling');
  const stats = sink.tailStats()!;
  assert.deepEqual([stats.tracesSampled, stats.tracesDropped, stats.spansKept], [1, 1, 2]);
  assert.ok(
    stats.decisionDelayMs.p50 >= 150 && stats.decisionDelayMs.max < 2_000,
    `delay ${JSON.stringify(stats.decisionDelayMs)}`,
  );

  await post(sink, [
    { traceId: 'a1', spanId: '4', parentSpanId: '1' },
    { traceId: 'b2', spanId: '5', parentSpanId: '3' },
  ]);
  assert.deepEqual(
    sink
      .spans()
      .map((s) => s.spanId)
      .sort(),
    ['0000000000000001', '0000000000000002', '0000000000000004'],
    'the late span follows its kept trace',
  );
  assert.equal(sink.tailStats()!.lateSpans, 2);
  assert.equal(sink.stats().spansReceived, 5);
});

test('flushTail decides what is pending at once; reset clears spans, stats and the pending timer', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, tail: ERRORS_ONLY(60_000) });
  t.after(() => sink.close());
  await post(sink, [{ traceId: 'c3', spanId: '1', error: true }]);
  sink.flushTail();
  assert.equal(sink.spans().length, 1);
  assert.equal(sink.tailStats()!.tracesFlushed, 1);

  await post(sink, [{ traceId: 'd4', spanId: '2', error: true }]);
  sink.reset();
  assert.deepEqual(sink.spans(), []);
  assert.equal(sink.tailStats()!.tracesSeen, 0);
  assert.equal(sink.stats().spansReceived, 0);
  sink.flushTail();
  assert.deepEqual(sink.spans(), [], 'the trace buffered before reset is gone');
});

test('setTail switches tail sampling on and off between trials on one sink', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' } });
  t.after(() => sink.close());
  await post(sink, [{ traceId: 'a7', spanId: '1' }]);
  assert.deepEqual(sink.spans(), [], 'keepSpans is off');
  sink.setTail(ERRORS_ONLY(60_000));
  await post(sink, [
    { traceId: 'b8', spanId: '2' },
    { traceId: 'c9', spanId: '3', error: true },
  ]);
  sink.flushTail();
  assert.deepEqual(
    sink.spans().map((s) => s.spanId),
    ['0000000000000003'],
  );
  sink.reset();
  sink.setTail(undefined);
  assert.equal(sink.tailStats(), undefined);
  await post(sink, [{ traceId: 'da', spanId: '4' }]);
  assert.deepEqual(sink.spans(), [], 'back to counting only');
  assert.throws(() => sink.setTail({ ...ERRORS_ONLY(10), num_traces: 0 }), /sink\.tail\.num_traces/);
});

test('a sink without tail keeps every span and reports no tail stats', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  await post(sink, [{ traceId: 'e5', spanId: '1' }]);
  assert.equal(sink.spans().length, 1);
  assert.equal(sink.tailStats(), undefined);
});

test('close() with traces pending returns promptly and leaves no timer to fire', async () => {
  const sink = await startSink({ fault: { mode: 'ok' }, tail: ERRORS_ONLY(100) });
  await post(sink, [{ traceId: 'f6', spanId: '1', error: true }]);
  await sink.close();
  await delay(200);
  assert.deepEqual(sink.spans(), [], 'the timer was cleared: nothing was decided after close');
  assert.equal(sink.tailStats()!.tracesPending, 1);
});

test('tail settings are checked when the sink starts', async () => {
  await assert.rejects(startSink({ fault: { mode: 'ok' }, tail: { ...ERRORS_ONLY(0) } }), /sink\.tail\.decision_wait/);
  await assert.rejects(
    startSink({ fault: { mode: 'ok' }, tail: { ...ERRORS_ONLY(10), num_traces: 0 } }),
    /sink\.tail\.num_traces/,
  );
});
