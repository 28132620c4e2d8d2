import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

/** Issue 6, acceptance 3: a coverage budget that fails makes the run exit 1, and the summary says which. */
describe('a coverage budget, end to end', { timeout: 180_000 }, () => {
  it('traceidratio 0.1 cannot keep 90% of error traces: the check fails and the run exits 1', async () => {
    const dir = tempDir();
    const config = writeConfig(
      dir,
      `name: coverage-gate
rounds: 1
seed: 5
service: { workload: checkout-chain }
load: { rateRps: 150, warmupSeconds: 0.5, durationSeconds: 3 }
matrix:
  sampler: [{ type: traceidratio, ratio: 0.1 }]
  processor: [{ type: batch, scheduleDelayMillis: 100 }]
  exporter: [otlp-http-protobuf]
budgets:
  - limits: { coverage.errors: ">= 90%" }
`,
      'coverage.yaml',
    );
    const out = join(dir, 'out');
    const result = await runCli(['run', '--config', config, '--out', out, '--quiet'], { timeoutMs: 150_000 });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const runDir = join(out, readlinkSync(join(out, 'latest')));
    const results = readJson(join(runDir, 'results.json'));
    const cell = results.cells.find((c: { id: string }) => c.id !== 'baseline');
    assert.ok(cell.summary.coverage.errors.of > 0, 'requests were drawn to fail');
    const summary = readFileSync(join(runDir, 'summary.md'), 'utf8');
    assert.match(summary, /coverage\.errors/);
    assert.match(summary, /Sampling: error traces kept against cost/);
    assert.match(readFileSync(join(runDir, 'junit.xml'), 'utf8'), /<failure[^>]*90/);
  });
});
