import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

describe('span accounting', () => {
  it('balances when a slow backend overflows a small batch queue: dropped > 0, ended = exported + failed + dropped + queued, exported = received', async () => {
    const dir = tempDir();
    // 1,000 req/s × 6 spans against one 64-span export per 150 ms: the queue must overflow.
    const file = writeConfig(
      dir,
      `name: accounting
rounds: 2
load: { rateRps: 1000, warmupSeconds: 0.3, durationSeconds: 1.5 }
sink: { mode: slow, delayMs: 150 }
matrix:
  sampler: [always_on]
  processor: [{ type: batch, maxQueueSize: 64, maxExportBatchSize: 64, scheduleDelayMillis: 50 }]
  exporter: [otlp-http-protobuf]
`,
    );
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'reports')]);
    assert.equal(result.code, 0, result.stderr);
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    const cell = results.cells.find((c: { id: string }) => c.id !== 'baseline');
    // A batch size equal to the (clamped) default is left out of the id.
    assert.equal(cell.id, 'always_on~batch-q64-d50~otlp-http-protobuf');
    for (const trial of cell.trials) {
      assert.notEqual(trial.status, 'failed', trial.error);
      const s = trial.metrics.spans;
      assert.ok(s.dropped > 0, `dropped ${s.dropped}`);
      assert.equal(s.ended, s.exported + s.failed + s.dropped + s.queuedAtEnd, JSON.stringify(s));
      assert.equal(s.exported, s.received, JSON.stringify(s));
      assert.equal(s.started, s.sampled);
      assert.ok(trial.warnings.some((w: string) => /spans dropped because the batch queue was full/.test(w)));
    }
  });
});
