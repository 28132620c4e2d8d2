import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RunError } from '../../harness/cli/errors.js';
import { parseConfig } from '../../harness/config/load.js';
import { runBenchmark } from '../../harness/run/run.js';
import { readJson, tempDir } from '../helpers/cli.js';

describe('run status in results.json', () => {
  it('a run whose sink cannot start is recorded as failed, not complete, and exits through RunError', async () => {
    const dir = tempDir();
    const config = parseConfig('name: nosink\nrounds: 1\n', 'nosink.yaml');
    await assert.rejects(
      runBenchmark({
        config,
        configFile: join(dir, 'nosink.yaml'),
        reportsDir: dir,
        log: () => undefined,
        signal: new AbortController().signal,
        deps: {
          startSink: async () => {
            throw new Error('EADDRINUSE');
          },
        },
      }),
      (e: unknown) => e instanceof RunError && /sink could not start/.test(e.message),
    );
    const results = readJson(join(dir, 'latest', 'results.json'));
    assert.equal(results.status, 'failed');
  });
});
