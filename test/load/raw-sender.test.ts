import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { createHistogramUs } from '../../harness/load/histogram.js';
import type { OpenLoopTask } from '../../harness/load/protocol.js';
import { createRawSender } from '../../harness/load/raw-sender.js';
import { DEFAULT_SCHEDULER_TOOL } from '../../harness/load/realtime.js';

function recorders() {
  return {
    counters: { scheduled: 0, sent: 0, ok: 0, httpErrors: 0, socketErrors: 0, timeouts: 0, expectedErrors: 0 },
    correctedUs: createHistogramUs(),
    uncorrectedUs: createHistogramUs(),
    sendLagUs: createHistogramUs(),
  };
}

function task(url: string, overrides: Partial<OpenLoopTask> = {}): OpenLoopTask {
  return {
    url,
    rateRps: 100,
    durationMs: 1000,
    connections: 2,
    timeoutMs: 1000,
    headers: {},
    pacing: 'thread',
    client: 'raw',
    arrivals: 'uniform',
    realtime: false,
    schedulerTool: DEFAULT_SCHEDULER_TOOL,
    arrivalSeed: 0,
    workerIndex: 0,
    ...overrides,
  };
}

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/r?x=1`;
}

const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));

describe('createRawSender', () => {
  test('chunked answers, connection: close and keep-alive mixed; requests beyond the connections wait their turn', async () => {
    let served = 0;
    const connections = new Set<net.Socket>();
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      served++;
      seen.push(`${req.method} ${req.url} ${req.headers['x-mark']} ${req.headers['content-length']}`);
      if (served % 3 === 0) res.setHeader('connection', 'close');
      res.writeHead(served % 5 === 0 ? 500 : 200);
      res.write('part one,');
      setImmediate(() => res.end('part two'));
    });
    server.on('connection', (s) => connections.add(s));
    const url = await listen(server);
    const rec = recorders();
    const sender = createRawSender(task(url, { headers: { 'x-mark': 'm' } }), rec);
    for (let i = 0; i < 20; i++) sender.send(performance.now());
    sender.send(performance.now(), {
      method: 'POST',
      path: '/post',
      headers: { 'x-mark': 'drawn' },
      route: 'r',
      drawnError: false,
    });
    assert.equal(sender.inFlight(), 21);
    await sender.drain(performance.now() + 2000);
    sender.close();
    await close(server);
    assert.deepEqual(rec.counters, {
      scheduled: 0,
      sent: 21,
      ok: 17,
      httpErrors: 4,
      socketErrors: 0,
      timeouts: 0,
      expectedErrors: 0,
    });
    assert.equal(seen[0], 'GET /r?x=1 m undefined');
    assert.equal(seen[20], 'POST /post drawn 0', 'the mixed request last, in order, with content-length: 0');
    assert.ok(connections.size >= 7, `a new connection after each close: ${connections.size}`);
    assert.equal(rec.correctedUs.totalCount, 21);
    assert.equal(rec.sendLagUs.totalCount, 21);
  });

  test('an answer that is not HTTP fails its request as a socket error; a silent server times out', async () => {
    const garbage = net.createServer((s) => s.once('data', () => s.write('SSH-2.0-nope\r\n\r\n')));
    const silent = net.createServer((s) => s.resume());
    const rec = recorders();
    const a = createRawSender(task(await listen(garbage)), rec);
    const b = createRawSender(task(await listen(silent), { timeoutMs: 100 }), rec);
    for (let i = 0; i < 3; i++) {
      a.send(performance.now());
      b.send(performance.now());
    }
    await Promise.all([a.drain(performance.now() + 2000), b.drain(performance.now() + 2000)]);
    a.close();
    b.close();
    await Promise.all([close(garbage), close(silent)]);
    assert.equal(rec.counters.socketErrors, 3);
    assert.equal(rec.counters.timeouts, 3, 'including the one that waited for a connection');
    assert.equal(rec.correctedUs.totalCount, 0);
  });

  test('a header value with a line break is refused, not sent', () => {
    assert.throws(
      () => createRawSender(task('http://127.0.0.1:9/', { headers: { 'x-a': 'b\r\nGET /smuggled' } }), recorders()),
      /line break/,
    );
  });
});
