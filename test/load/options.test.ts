import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT } from '../../harness/cli/errors.js';
import { createLoadGenerator } from '../../harness/load/generator.js';
import { LoadOptionsError } from '../../harness/load/validate.js';

test('invalid open-loop options are all reported at once, each by name, before anything runs', async () => {
  const generator = createLoadGenerator({ threads: 1 });
  try {
    const options = {
      url: 'http://example.com/',
      rateRps: 0,
      durationMs: 1000,
      threads: 2,
      connections: 1.5,
      timeoutMs: 1000,
    };
    await assert.rejects(generator.openLoop(options), (error: unknown) => {
      assert.ok(error instanceof LoadOptionsError);
      assert.equal(error.exitCode, EXIT.usage);
      assert.deepEqual(
        error.issues.map((issue) => issue.split(':')[0]),
        ['openLoop.url', 'openLoop.rateRps', 'openLoop.connections', 'openLoop.threads'],
      );
      return true;
    });
    await assert.rejects(
      generator.closedLoop({ url: 'https://127.0.0.1/', durationSeconds: 0, connections: 1 }),
      LoadOptionsError,
    );
  } finally {
    await generator.close();
  }
});

test('a pool needs a positive whole number of threads', () => {
  assert.throws(() => createLoadGenerator({ threads: 0 }), /threads: must be a positive integer/);
});
