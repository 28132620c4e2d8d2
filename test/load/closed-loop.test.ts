import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoadGenerator } from '../../harness/load/generator.js';
import { startJsonServer } from './test-server.js';

test('closedLoop saturates a server for 1 s with autocannon in a worker thread', async (t) => {
  const server = await startJsonServer();
  const generator = createLoadGenerator();
  try {
    const r = await generator.closedLoop({ url: server.url, durationSeconds: 1, connections: 8 });
    t.diagnostic(`closed loop: ${r.maxThroughputRps} req/s, ${r.requests} requests`);
    assert.ok(r.maxThroughputRps > 0);
    assert.ok(r.requests > 0 && r.requests <= server.served());
    assert.equal(r.errors, 0);
    assert.equal(r.timeouts, 0);
    assert.equal(r.non2xx, 0);
  } finally {
    await generator.close();
    await server.close();
  }
});
