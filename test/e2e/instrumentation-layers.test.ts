import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT, readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

interface Trial {
  status: string;
  error?: string;
  metrics: { spans: Record<string, number | null> };
}

/** configs/frameworks.yaml as shipped, at CI size: one round of short windows at a low rate. */
function smallFrameworksConfig(dir: string): string {
  const shipped = readFileSync(join(PACKAGE_ROOT, 'configs', 'frameworks.yaml'), 'utf8');
  const small = shipped
    .replace(/^rounds: \d+$/m, 'rounds: 1')
    .replace(/^load:\n( {2}.*\n)+/m, 'load: { rateRps: 150, warmupSeconds: 0.3, durationSeconds: 1 }\n')
    .replaceAll('../workloads/apps/', `${join(PACKAGE_ROOT, 'workloads', 'apps')}/`);
  assert.notEqual(small, shipped);
  return writeConfig(dir, small);
}

describe('configs/frameworks.yaml', () => {
  it('measures each layer (no SDK, manual spans, zero-code HTTP only, zero-code all) on the reference service and the node:http, Express and Fastify apps', async () => {
    const dir = tempDir();
    const result = await runCli(['run', '--config', smallFrameworksConfig(dir), '--out', join(dir, 'reports')], {
      timeoutMs: 240_000,
    });
    assert.equal(result.code, 0, result.stderr);
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    const cells = new Map<string, Trial>(
      results.cells.map((c: { id: string; variant: string; trials: Trial[] }) => [`${c.id}@${c.variant}`, c.trials[0]]),
    );
    const layers = [
      'baseline',
      'zero-code-http~always_on~batch~otlp-http-protobuf',
      'zero-code~always_on~batch~otlp-http-protobuf',
    ];
    const expected = [
      ...['reference', 'node-http', 'express', 'fastify'].flatMap((v) => layers.map((l) => `${l}@${v}`)),
      'always_on~batch~otlp-http-protobuf@reference',
    ].sort();
    assert.deepEqual([...cells.keys()].sort(), expected);

    for (const [key, trial] of cells) {
      assert.notEqual(trial.status, 'failed', `${key}: ${trial.error}`);
      const s = trial.metrics.spans;
      if (key.startsWith('baseline')) {
        assert.equal(s.received, 0, key);
        continue;
      }
      assert.ok((s.received ?? 0) > 0, `${key}: ${JSON.stringify(s)}`);
      // The probe counts what the NodeSDK did: every counter known, exported equal to what the sink received.
      for (const k of ['started', 'sampled', 'ended', 'exported', 'failed', 'dropped', 'queuedAtEnd'])
        assert.equal(typeof s[k], 'number', `${key}: ${k} unknown`);
      assert.equal(s.exported, s.received, `${key}: ${JSON.stringify(s)}`);
      assert.equal(s.ended, s.exported! + s.failed! + s.dropped! + s.queuedAtEnd!, `${key}: ${JSON.stringify(s)}`);
    }
    // Zero-code all adds Express's middleware spans to the HTTP server span: a layer the report can show.
    const httpOnly = cells.get('zero-code-http~always_on~batch~otlp-http-protobuf@express')!.metrics.spans;
    const all = cells.get('zero-code~always_on~batch~otlp-http-protobuf@express')!.metrics.spans;
    assert.ok(all.received! > httpOnly.received! * 2, `express: all ${all.received} vs http only ${httpOnly.received}`);
    // The table shows every layer with its overhead over its own variant's baseline.
    for (const variant of ['reference', 'node-http', 'express', 'fastify'])
      assert.match(
        result.stdout,
        new RegExp(`zero-code~always_on~batch~otlp-http-protobuf \\[${variant}\\]\\s+[\\d.]+\\s+[+-][\\d.]+%`),
      );
    assert.match(result.stdout, /always_on~batch~otlp-http-protobuf \[reference\]\s+[\d.]+\s+[+-][\d.]+%/);
  });
});
