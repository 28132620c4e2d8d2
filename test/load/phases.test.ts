import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoadGenerator } from '../../harness/load/generator.js';
import { startJsonServer } from './test-server.js';

for (const client of ['raw', 'node-http'] as const)
  test(`phase boundaries split corrected latency by intended send time (${client} client): a stall shows in its phase only`, async (t) => {
    const generator = createLoadGenerator({ threads: 1 });
    // Requests arriving 400-700 ms after the first are held until 700 ms: only the middle phase waits (up to 300 ms).
    const server = await startJsonServer({ stall: { afterMs: 400, forMs: 300 } });
    t.after(async () => {
      await server.close();
      await generator.close();
    });
    const r = await generator.openLoop({
      url: server.url,
      rateRps: 100,
      durationMs: 1200,
      threads: 1,
      connections: 64,
      timeoutMs: 2000,
      phaseBoundariesMs: [400, 700],
      client,
    });
    assert.ok(r.phases, 'phases reported');
    const [before, during, after] = r.phases;
    t.diagnostic(`p99 before ${before.p99} µs, during ${during.p99} µs, after ${after.p99} µs`);
    assert.equal(before.count + during.count + after.count, r.latencyCorrectedUs.count, 'every response in one phase');
    assert.ok(during.count >= 25 && during.count <= 35, `about 30 requests intended in 300 ms, got ${during.count}`);
    assert.ok(during.p99 >= 50_000, `the stalled phase waited: p99 ${during.p99} µs`);
    assert.ok(before.p99 < during.p99 && after.p99 < during.p99);
    const plain = await generator.openLoop({
      url: server.url,
      rateRps: 50,
      durationMs: 200,
      threads: 1,
      connections: 4,
      timeoutMs: 1000,
    });
    assert.equal(plain.phases, undefined, 'no boundaries, no phases');
  });
