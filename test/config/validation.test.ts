import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readResults } from '../../harness/cli/read-results.js';
import { UsageError } from '../../harness/cli/errors.js';
import { entryProblem } from '../../harness/config/entry.js';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/types.js';
import { MIN_REQUESTS_PER_WINDOW, MIN_WINDOW_SECONDS } from '../../harness/config/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { assertIssue, issuesOf, parse } from './helpers.js';

describe('durations too short to measure', () => {
  it('a window under a second is refused, saying why', () => {
    assert.equal(MIN_WINDOW_SECONDS, 1);
    assertIssue(
      issuesOf('load: { durationSeconds: 0.001 }\n'),
      'load.durationSeconds',
      'must be at least 1 and at most 600 seconds, got 0.001: shorter windows cannot be measured',
    );
    assertIssue(
      issuesOf('load: { saturation: { durationSeconds: 0.5, connections: 4 } }\n'),
      'load.saturation.durationSeconds',
      'must be at least 1 and at most 600 seconds, got 0.5',
    );
  });

  it('a window with fewer than 100 requests is refused, with what to raise', () => {
    assert.equal(MIN_REQUESTS_PER_WINDOW, 100);
    assertIssue(
      issuesOf('load: { rateRps: 50, durationSeconds: 1.5 }\n'),
      'load.durationSeconds',
      'rateRps × durationSeconds is 75 requests per window: at least 100 are needed',
    );
    assert.equal(parse('load: { rateRps: 100, durationSeconds: 1 }\n').load.durationSeconds, 1);
  });
});

describe('service entries must be files', () => {
  it('a folder, a missing path and a file', () => {
    const dir = tempDir();
    try {
      assert.match(entryProblem(dir) ?? '', /is a folder: point it at the service's compiled JavaScript file/);
      assert.match(entryProblem(join(dir, 'nope.js')) ?? '', /^no file at /);
      writeFileSync(join(dir, 'main.js'), '');
      assert.equal(entryProblem(join(dir, 'main.js')), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the CLI refuses service.entry and variants[].entry pointing at a folder, exit 2, nothing started', async () => {
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'svc'));
      writeFileSync(
        join(dir, 'c.yaml'),
        'rounds: 1\nservice: { entry: ./svc }\nvariants:\n  - { name: a, entry: ./svc }\n  - { name: b }\n',
      );
      const result = await runCli(['run', '--config', join(dir, 'c.yaml'), '--out', join(dir, 'out')], {
        timeoutMs: 30_000,
      });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /service\.entry: .*svc is a folder/);
      assert.match(result.stderr, /variants\[0\]\.entry: .*svc is a folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('results files: a schemaVersion of the wrong type', () => {
  it('says the type that was expected and the one that came', () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'results.json');
      writeFileSync(file, JSON.stringify({ schemaVersion: String(RESULTS_SCHEMA_VERSION), cells: [], config: {} }));
      const expected = `schemaVersion: expected the number ${RESULTS_SCHEMA_VERSION} (or ${RESULTS_SCHEMA_VERSION - 1}, read by renaming its fields), got the string '${RESULTS_SCHEMA_VERSION}'`;
      assert.throws(
        () => readResults(file),
        (error: unknown) => error instanceof UsageError && error.exitCode === 2 && error.message.includes(expected),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
