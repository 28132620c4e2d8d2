import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'node:inspector/promises';
import { describe, test } from 'node:test';
import { createHistogramUs } from '../../harness/load/histogram.js';
import type { OpenLoopTask } from '../../harness/load/protocol.js';
import { createRawSender } from '../../harness/load/raw-sender.js';
import { DEFAULT_SCHEDULER_TOOL } from '../../harness/load/realtime.js';
import { ResponseParser } from '../../harness/load/response-parser.js';

interface ProfileNode {
  callFrame: { url: string };
  selfSize: number;
  children: ProfileNode[];
}

/**
 * Bytes that code in the given files (by URL ending) allocated while `run` ran, by V8's sampling heap profiler,
 * counting objects already collected too. Code that allocates nothing is never sampled, so the figure is 0, not small.
 */
async function bytesAllocatedIn(files: string[], run: () => Promise<void> | void): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 64,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
    profile: { head: ProfileNode };
  };
  session.disconnect();
  let bytes = 0;
  const walk = (node: ProfileNode) => {
    if (files.some((f) => node.callFrame.url.endsWith(f))) bytes += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  return bytes;
}

const PARSER_FILES = ['/harness/load/response-parser.js', '/harness/load/bytes.js'];

const nodeAnswer = (body: string) =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nDate: Sun, 06 Dec 2026 18:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=60\r\n\r\n${body}`;
const chunkedAnswer =
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nx-trailer: 1\r\n\r\n';

describe('allocation on the send path (the sending thread scavenges less, so fewer sends wait out a collection)', () => {
  test('the response parser makes no strings, slices or objects: whole, pipelined, split and chunked answers', async (t) => {
    const whole = Buffer.from(nodeAnswer('{"ok":true}'), 'latin1');
    const pipelined = Buffer.from(nodeAnswer('{}') + chunkedAnswer + nodeAnswer(''), 'latin1');
    // One reused read buffer, as the sender's: a split head is carried in the parser's own buffer.
    const readBuffer = Buffer.alloc(4096);
    const parser = new ResponseParser();
    let answers = 0;
    let okStatus = 0;
    const onResponse = (r: { status: number; close: boolean }) => {
      answers++;
      if (r.status === 200 && !r.close) okStatus++;
    };
    const round = () => {
      parser.push(whole, onResponse);
      parser.push(pipelined, onResponse);
      for (const cut of [17, 60, whole.length - 3]) {
        whole.copy(readBuffer, 0, 0, cut);
        parser.push(readBuffer, onResponse, cut);
        whole.copy(readBuffer, 0, cut);
        parser.push(readBuffer, onResponse, whole.length - cut);
      }
    };
    for (let i = 0; i < 5000; i++) round();
    answers = 0;
    okStatus = 0;
    const rounds = 5000;
    const bytes = await bytesAllocatedIn(PARSER_FILES, () => {
      for (let i = 0; i < rounds; i++) round();
    });
    assert.equal(answers, rounds * 7, 'every answer parsed');
    assert.equal(okStatus, answers, 'every answer a 200 on a kept connection');
    // The parser before in-place scanning made ~900 B an answer (head strings, split lines, a regex match).
    t.diagnostic(`${(bytes / answers).toFixed(2)} B an answer`);
    assert.ok(bytes / answers < 2, `the parser allocated ${(bytes / answers).toFixed(1)} B an answer`);
  });

  test('the raw sender writes one Buffer for every plain GET and allocates little per request with its parser', async (t) => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      res.end('{"ok":true}');
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const task: OpenLoopTask = {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      rateRps: 100,
      durationMs: 1000,
      connections: 4,
      timeoutMs: 5000,
      headers: { 'x-test': '1' },
      pacing: 'hybrid',
      client: 'raw',
      arrivals: 'uniform',
      realtime: false,
      schedulerTool: DEFAULT_SCHEDULER_TOOL,
      arrivalSeed: 0,
      workerIndex: 0,
    };
    const rec = {
      counters: { scheduled: 0, sent: 0, ok: 0, httpErrors: 0, socketErrors: 0, timeouts: 0, expectedErrors: 0 },
      correctedUs: createHistogramUs(),
      uncorrectedUs: createHistogramUs(),
      sendLagUs: createHistogramUs(),
    };
    const sender = createRawSender(task, rec);
    const written: unknown[] = [];
    const net = await import('node:net');
    const ownWrite = Object.hasOwn(net.Socket.prototype, 'write');
    const write = net.Socket.prototype.write;
    // Records what the sender hands its sockets (the server's sockets write answers, which start otherwise).
    net.Socket.prototype.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      if (Buffer.isBuffer(chunk) && chunk.subarray(0, 4).toString() === 'GET ') written.push(chunk);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof write;
    const batch = async (n: number) => {
      // Waits by polling, not drain(): drain makes a promise per call, which is the test's, not the send path's.
      for (let i = 0; i < n; i++) {
        sender.send(performance.now());
        while (sender.inFlight() > 0) await new Promise(setImmediate);
      }
    };
    try {
      await batch(200);
      const requests = 2000;
      const bytes = await bytesAllocatedIn(['/harness/load/raw-sender.js', ...PARSER_FILES], () => batch(requests));
      assert.equal(rec.counters.ok, 200 + requests);
      assert.equal(written.length, 200 + requests);
      assert.ok(
        written.every((b) => b === written[0]),
        'the same Buffer instance for every send',
      );
      // What is left is the request's record (its intended time and state); a timer, a closure and the parser's
      // strings per request made ~1.1 KB before.
      t.diagnostic(`${(bytes / requests).toFixed(0)} B a request`);
      assert.ok(bytes / requests < 250, `the sender allocated ${(bytes / requests).toFixed(0)} B a request`);
    } finally {
      if (ownWrite) net.Socket.prototype.write = write;
      else delete (net.Socket.prototype as { write?: unknown }).write;
      sender.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
