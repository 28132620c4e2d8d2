import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { startSink } from '../../harness/sink/sink.js';
import { emitRootSpans, emitTrace, sendRaw, tracerProvider } from './otel-helpers.js';

const JSON_HEADERS = { 'content-type': 'application/json' };
const PROTOBUF_HEADERS = { 'content-type': 'application/x-protobuf' };

/** Hand-written OTLP JSON with base64 ids, enum names and a string int64, as other senders emit it. */
function lenientOtlpJson(): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'legacy' } }] },
        scopeSpans: [
          {
            scope: { name: 'hand' },
            spans: [
              {
                traceId: Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex').toString('base64'),
                spanId: Buffer.from('1112131415161718', 'hex').toString('base64'),
                parentSpanId: '',
                name: 'handled',
                kind: 'SPAN_KIND_CONSUMER',
                startTimeUnixNano: '1700000000000000001',
                endTimeUnixNano: '1700000000000000999',
                attributes: [
                  { key: 'count', value: { intValue: '12345678901' } },
                  { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: 2 }] } } },
                ],
                status: { code: 'STATUS_CODE_ERROR' },
              },
            ],
          },
        ],
      },
    ],
  });
}

test('OTLP JSON: base64 ids, enum names and string int64s are accepted', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  const answer = await sendRaw(sink.otlpTracesUrl, 'POST', lenientOtlpJson(), JSON_HEADERS);
  assert.equal(answer.status, 200);
  assert.equal(answer.body, '{}');
  assert.deepEqual(sink.spans(), [
    {
      traceId: '0102030405060708090a0b0c0d0e0f10',
      spanId: '1112131415161718',
      parentSpanId: '',
      name: 'handled',
      kind: 5,
      serviceName: 'legacy',
      statusCode: 2,
      startTimeUnixNano: 1700000000000000001n,
      endTimeUnixNano: 1700000000000000999n,
      attributes: { count: 12345678901, tags: '["a",2]' },
    },
  ]);
});

test('a gzip body is counted at its compressed size', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  const body = gzipSync(lenientOtlpJson());
  const answer = await sendRaw(sink.otlpTracesUrl, 'POST', body, { ...JSON_HEADERS, 'content-encoding': 'gzip' });
  assert.equal(answer.status, 200);
  assert.equal(sink.stats().bytesReceived, body.length);
  assert.equal(sink.stats().spansReceived, 1);
  assert.equal(sink.spans()[0].name, 'handled');
});

test('undecodable bodies are answered 400 and counted as malformed', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  // Field 1, length-delimited, claiming far more bytes than follow.
  const truncatedProtobuf = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]);
  const answers = await Promise.all([
    sendRaw(sink.otlpTracesUrl, 'POST', truncatedProtobuf, PROTOBUF_HEADERS),
    sendRaw(sink.otlpTracesUrl, 'POST', '{"resourceSpans": [', JSON_HEADERS),
    sendRaw(sink.otlpTracesUrl, 'POST', '{"resourceSpans": {}}', JSON_HEADERS),
    sendRaw(sink.zipkinSpansUrl, 'POST', '{"not": "a list"}', JSON_HEADERS),
    sendRaw(sink.otlpTracesUrl, 'POST', 'not gzip at all', { ...JSON_HEADERS, 'content-encoding': 'gzip' }),
  ]);
  assert.deepEqual(
    answers.map((answer) => answer.status),
    [400, 400, 400, 400, 400],
  );
  const stats = sink.stats();
  assert.equal(stats.requests, 5);
  assert.equal(stats.malformedRequests, 5);
  assert.equal(stats.spansReceived, 0);
  assert.equal(stats.byProtocol['otlp-protobuf'].requests, 1);
  assert.equal(stats.byProtocol['otlp-json'].requests, 3);
  assert.equal(stats.byProtocol.zipkin.requests, 1);
  assert.deepEqual(sink.spans(), []);
});

test('an unsupported content type on /v1/traces is 415 and malformed', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' } });
  t.after(() => sink.close());
  const answer = await sendRaw(sink.otlpTracesUrl, 'POST', 'hello', { 'content-type': 'text/plain' });
  assert.equal(answer.status, 415);
  assert.equal(sink.stats().requests, 1);
  assert.equal(sink.stats().malformedRequests, 1);
});

test('unknown paths and methods are 404 and not counted as export requests', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' } });
  t.after(() => sink.close());
  const answers = await Promise.all([
    sendRaw(`${sink.url}/v1/metrics`, 'POST', '{}', JSON_HEADERS),
    sendRaw(sink.otlpTracesUrl, 'GET', ''),
    sendRaw(`${sink.url}/`, 'GET', ''),
  ]);
  assert.deepEqual(
    answers.map((answer) => answer.status),
    [404, 404, 404],
  );
  assert.equal(sink.stats().requests, 0);
});

test('an empty OTLP request is valid and carries no spans', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' } });
  t.after(() => sink.close());
  const protobufAnswer = await sendRaw(sink.otlpTracesUrl, 'POST', Buffer.alloc(0), PROTOBUF_HEADERS);
  const jsonAnswer = await sendRaw(sink.otlpTracesUrl, 'POST', '{}', JSON_HEADERS);
  assert.deepEqual([protobufAnswer.status, protobufAnswer.body], [200, '']);
  assert.deepEqual([jsonAnswer.status, jsonAnswer.body], [200, '{}']);
  assert.equal(sink.stats().malformedRequests, 0);
});

test('spans are kept up to maxKeptSpans and counted beyond it; without keepSpans only counted', async (t) => {
  const bounded = await startSink({ fault: { mode: 'ok' }, keepSpans: true, maxKeptSpans: 2 });
  const counting = await startSink({ fault: { mode: 'ok' } });
  t.after(() => Promise.all([bounded.close(), counting.close()]));
  for (const sink of [bounded, counting]) {
    const provider = tracerProvider(new OtlpProtoExporter({ url: sink.otlpTracesUrl }), 'bounded', 'batch');
    emitTrace(provider);
    await provider.shutdown();
  }
  assert.equal(bounded.spans().length, 2);
  assert.equal(bounded.stats().spansReceived, 3);
  assert.deepEqual(counting.spans(), []);
  assert.equal(counting.stats().spansReceived, 3);
});

test('reset() zeroes every counter and drops kept spans', async (t) => {
  const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
  t.after(() => sink.close());
  const provider = tracerProvider(new OtlpProtoExporter({ url: sink.otlpTracesUrl }), 'reset');
  emitRootSpans(provider, 2);
  await provider.forceFlush();
  await sendRaw(sink.otlpTracesUrl, 'POST', 'x', JSON_HEADERS);
  assert.equal(sink.stats().requests, 3);

  sink.reset();
  const stats = sink.stats();
  assert.deepEqual(sink.spans(), []);
  assert.deepEqual(
    [
      stats.requests,
      stats.malformedRequests,
      stats.rejectedRequests,
      stats.spansReceived,
      stats.spansRejected,
      stats.bytesReceived,
    ],
    [0, 0, 0, 0, 0, 0],
  );
  for (const counts of Object.values(stats.byProtocol)) assert.deepEqual(counts, { requests: 0, spans: 0, bytes: 0 });

  emitRootSpans(provider, 1);
  await provider.shutdown();
  assert.equal(sink.stats().spansReceived, 1);
});

test('close() finishes promptly with an idle keep-alive socket and a request in flight', async () => {
  const sink = await startSink({ fault: { mode: 'slow', delayMs: 30_000 } });
  const agent = new Agent({ keepAlive: true });
  const post = (path: string) =>
    new Promise<string>((resolve) => {
      const outgoing = request(`${sink.url}${path}`, { method: 'POST', agent, headers: JSON_HEADERS }, (response) => {
        response.resume();
        response.on('end', () => resolve(`answered ${response.statusCode}`));
        response.on('error', (error) => resolve(`failed ${error.message}`));
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) => resolve(`failed ${error.code ?? error.message}`));
      outgoing.end('{}');
    });
  assert.equal(await post('/nowhere'), 'answered 404');
  assert.equal(agent.freeSockets[Object.keys(agent.freeSockets)[0]]?.length, 1, 'one idle keep-alive socket');
  const inFlight = post('/v1/traces');
  while (sink.stats().requests === 0) await new Promise((resolve) => setTimeout(resolve, 5));

  const startMs = performance.now();
  await sink.close();
  const closeMs = performance.now() - startMs;
  assert.match(await inFlight, /^failed /);
  agent.destroy();
  // Without closeAllConnections() this waits for the 30 s delay; a generous bound is still far below it.
  assert.ok(closeMs < 2_000, `close took ${closeMs.toFixed(0)} ms`);
});
