import assert from 'node:assert/strict';
import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import { after, before, describe, test } from 'node:test';
import { createLoadGenerator } from '../../harness/load/generator.js';
import type { LoadGenerator, OpenLoopResult } from '../../harness/load/types.js';
import { closedPort, startJsonServer } from './test-server.js';

function assertCountsAddUp(r: OpenLoopResult): void {
  assert.equal(r.sent, r.ok + r.httpErrors + r.socketErrors + r.timeouts, 'sent = ok + httpErrors + socketErrors + timeouts');
  assert.equal(r.latencyCorrectedUs.count, r.ok + r.httpErrors, 'one corrected sample per response');
  assert.equal(r.latencyUncorrectedUs.count, r.ok + r.httpErrors, 'one uncorrected sample per response');
  assert.equal(r.sendLagUs.count, r.sent, 'one send-lag sample per request sent');
}

describe('openLoop', () => {
  let generator: LoadGenerator;
  before(() => {
    generator = createLoadGenerator({ threads: 2 });
  });
  after(() => generator.close());

  test('holds 2,000 req/s for 2 s within 2%, and every request is accounted for', async (t) => {
    const server = await startJsonServer();
    try {
      const r = await generator.openLoop({ url: server.url, rateRps: 2000, durationMs: 2000, threads: 1, connections: 16, timeoutMs: 2000 });
      t.diagnostic(`achieved ${r.achievedRps} req/s; send lag p50 ${r.sendLagUs.p50} µs, p99 ${r.sendLagUs.p99} µs; generator ELU ${r.generatorEluMax.toFixed(2)}`);
      t.diagnostic(`latency p50/p99 µs: corrected ${r.latencyCorrectedUs.p50}/${r.latencyCorrectedUs.p99}, uncorrected ${r.latencyUncorrectedUs.p50}/${r.latencyUncorrectedUs.p99}`);
      assert.equal(r.targetRps, 2000);
      assert.equal(r.scheduled, 4000);
      assert.equal(r.sent, r.scheduled);
      assert.ok(Math.abs(r.achievedRps - 2000) / 2000 <= 0.02, `achieved ${r.achievedRps} req/s`);
      assertCountsAddUp(r);
      assert.equal(r.ok, server.served(), 'ok equals what the server counted');
      assert.ok(r.generatorEluMax > 0 && r.generatorEluMax <= 1);
    } finally {
      await server.close();
    }
  });

  test('records latency in microseconds', async () => {
    const server = await startJsonServer({ delayMs: 5 });
    try {
      const r = await generator.openLoop({ url: server.url, rateRps: 200, durationMs: 1000, threads: 1, connections: 16, timeoutMs: 2000 });
      assertCountsAddUp(r);
      for (const p of [r.latencyCorrectedUs, r.latencyUncorrectedUs]) {
        assert.ok(p.p50 >= 5000 && p.p50 < 50000, `p50 ${p.p50} µs for a 5 ms server`);
      }
      assert.ok(r.latencyCorrectedUs.p50 >= r.latencyUncorrectedUs.p50, 'corrected includes the wait before sending');
    } finally {
      await server.close();
    }
  });

  test('a 200 ms stall shows in corrected latency, not in uncorrected (coordinated omission)', async (t) => {
    const server = await startJsonServer({ stall: { afterMs: 500, forMs: 200 } });
    try {
      // Few connections: during the stall most requests wait in the agent's queue, as a closed-loop client would.
      const r = await generator.openLoop({ url: server.url, rateRps: 1000, durationMs: 1500, threads: 1, connections: 4, timeoutMs: 2000 });
      t.diagnostic(`p99 µs: corrected ${r.latencyCorrectedUs.p99}, uncorrected ${r.latencyUncorrectedUs.p99}`);
      assertCountsAddUp(r);
      assert.equal(r.ok, r.sent);
      assert.ok(r.latencyCorrectedUs.p99 >= 100_000, `corrected p99 ${r.latencyCorrectedUs.p99} µs`);
      assert.ok(r.latencyUncorrectedUs.p99 * 4 < r.latencyCorrectedUs.p99, `uncorrected p99 ${r.latencyUncorrectedUs.p99} µs`);
    } finally {
      await server.close();
    }
  });

  test('counts non-2xx answers as httpErrors', async () => {
    const server = await startJsonServer({ status: 500 });
    try {
      const r = await generator.openLoop({ url: server.url, rateRps: 100, durationMs: 500, threads: 1, connections: 4, timeoutMs: 1000 });
      assertCountsAddUp(r);
      assert.equal(r.httpErrors, 50);
      assert.equal(r.ok, 0);
      assert.equal(r.achievedRps, 100, 'error responses are responses');
    } finally {
      await server.close();
    }
  });

  test('counts refused connections as socketErrors without hanging', async () => {
    const port = await closedPort();
    const startMs = performance.now();
    const r = await generator.openLoop({ url: `http://127.0.0.1:${port}/`, rateRps: 100, durationMs: 500, threads: 1, connections: 4, timeoutMs: 1000 });
    assert.ok(performance.now() - startMs < 2500, 'bounded by the window and one timeout');
    assertCountsAddUp(r);
    assert.equal(r.socketErrors, 50);
    assert.equal(r.achievedRps, 0);
    assert.equal(r.latencyCorrectedUs.count, 0);
  });

  test('times out requests a server never answers, including those queued for a connection', async () => {
    const server = await startJsonServer({ neverAnswer: true });
    try {
      const startMs = performance.now();
      const r = await generator.openLoop({ url: server.url, rateRps: 40, durationMs: 500, threads: 1, connections: 4, timeoutMs: 150 });
      assert.ok(performance.now() - startMs < 2000, 'bounded by the window and one timeout');
      assertCountsAddUp(r);
      assert.equal(r.timeouts, 20);
      assert.equal(r.ok, 0);
    } finally {
      await server.close();
    }
  });

  test('two threads split the rate and their histograms merge', async () => {
    const server = await startJsonServer();
    try {
      const r = await generator.openLoop({ url: server.url, rateRps: 400, durationMs: 1000, threads: 2, connections: 8, timeoutMs: 2000 });
      assertCountsAddUp(r);
      assert.equal(r.scheduled, 400);
      assert.equal(r.ok, 400);
      assert.equal(server.served(), 400);
      assert.equal(r.latencyCorrectedUs.count, 400, 'merged count = total responses');
      assert.equal(decodeFromCompressedBase64(r.histograms.corrected).totalCount, 400, 'the encoded merge carries every sample');
    } finally {
      await server.close();
    }
  });
});
