import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

interface Trial {
  status: string;
  error?: string;
  metrics: {
    spans: Record<string, number>;
    sink: { requests: number; bytes: number; uncompressedBytes: number };
  };
}

describe('exporting over gRPC and with gzip, end to end', () => {
  it('otlp-grpc and gzip cells: exported = received, the accounting balances, gzip shrinks the bytes per span', async () => {
    const dir = tempDir();
    const file = writeConfig(
      dir,
      `name: grpc-gzip
rounds: 1
load: { rateRps: 200, warmupSeconds: 0.5, durationSeconds: 2 }
matrix:
  sampler: [always_on]
  processor: [{ type: batch, scheduleDelayMillis: 200 }]
  exporter: [otlp-http-protobuf, otlp-grpc]
  compression: [none, gzip]
`,
    );
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'reports')]);
    assert.equal(result.code, 0, result.stderr);
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    const cells = new Map<string, { trials: Trial[]; summary: { sink?: { wireBytesPerSpan: number } } }>(
      results.cells.map((c: { id: string }) => [c.id, c]),
    );
    const traced = [
      'always_on~batch-d200~otlp-http-protobuf',
      'always_on~batch-d200~otlp-http-protobuf~gzip',
      'always_on~batch-d200~otlp-grpc',
      'always_on~batch-d200~otlp-grpc~gzip',
    ];
    assert.deepEqual([...cells.keys()].sort(), ['baseline', ...traced].sort());
    for (const id of traced) {
      const [trial] = cells.get(id)!.trials;
      assert.equal(trial.status, 'ok', `${id}: ${trial.error ?? JSON.stringify(trial)}`);
      const s = trial.metrics.spans;
      assert.ok(s.received > 0, `${id}: received ${s.received}`);
      assert.equal(s.exported, s.received, `${id}: ${JSON.stringify(s)}`);
      assert.equal(s.failed, 0, `${id}: ${JSON.stringify(s)}`);
      assert.equal(s.ended, s.exported + s.failed + s.dropped + s.queuedAtEnd, `${id}: ${JSON.stringify(s)}`);
      const { bytes, uncompressedBytes } = trial.metrics.sink;
      if (id.endsWith('~gzip')) assert.ok(bytes < uncompressedBytes / 2, `${id}: ${bytes} B of ${uncompressedBytes} B`);
      else assert.equal(bytes, uncompressedBytes, id);
    }
    const perSpan = (id: string) => cells.get(id)!.summary.sink!.wireBytesPerSpan;
    for (const exporter of ['otlp-http-protobuf', 'otlp-grpc'])
      assert.ok(
        perSpan(`always_on~batch-d200~${exporter}~gzip`) < perSpan(`always_on~batch-d200~${exporter}`),
        `${exporter}: gzip ${perSpan(`always_on~batch-d200~${exporter}~gzip`)} B/span`,
      );
  });

  it('a NodeSDK (zero-code) exports over gRPC with gzip from the standard variables alone', async () => {
    const dir = tempDir();
    const file = writeConfig(
      dir,
      `name: grpc-zero-code
rounds: 1
load: { rateRps: 200, warmupSeconds: 0.5, durationSeconds: 2 }
matrix:
  instrumentation: [zero-code]
  processor: [{ type: batch, scheduleDelayMillis: 200 }]
  exporter: [otlp-grpc]
  compression: [gzip]
`,
    );
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'reports')], { timeoutMs: 120_000 });
    assert.equal(result.code, 0, result.stderr);
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    const cell = results.cells.find((c: { id: string }) => c.id !== 'baseline');
    assert.equal(cell.id, 'zero-code~always_on~batch-d200~otlp-grpc~gzip');
    const [trial] = cell.trials as Trial[];
    assert.equal(trial.status, 'ok', trial.error ?? JSON.stringify(trial));
    const s = trial.metrics.spans;
    assert.ok(s.received > 0, JSON.stringify(s));
    assert.equal(s.exported, s.received, JSON.stringify(s));
    assert.equal(s.ended, s.exported + s.failed + s.dropped + s.queuedAtEnd, JSON.stringify(s));
    const { bytes, uncompressedBytes } = trial.metrics.sink;
    assert.ok(bytes < uncompressedBytes / 2, `${bytes} B of ${uncompressedBytes} B`);
  });
});
