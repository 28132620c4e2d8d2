import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT, readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

const EXAMPLES = join(PACKAGE_ROOT, 'dist', 'workloads', 'examples');
const BROKEN = join(PACKAGE_ROOT, 'dist', 'test', 'e2e', 'fixtures', 'broken-sampler.js');

describe("the user's own sampler and span processor as matrix entries", () => {
  it('runs the shipped error-and-slow sampler and PII filter; a broken module fails its cell with its name and missing method, and the run goes on', async () => {
    const dir = tempDir();
    const file = writeConfig(
      dir,
      `name: custom-modules
rounds: 1
load: { rateRps: 150, warmupSeconds: 0.3, durationSeconds: 1 }
matrix:
  sampler:
    - { module: ${join(EXAMPLES, 'error-and-slow-sampler.js')}, arg: 0.5 }
    - { module: ${BROKEN} }
  processor:
    - { module: ${join(EXAMPLES, 'pii-filter-processor.js')}, then: { type: batch, scheduleDelayMillis: 100 } }
  exporter: [otlp-http-protobuf]
`,
    );
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'reports')]);
    // The broken cell's trial failed: the other cells were measured, and the run exits 3 (a cell with no valid trial).
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stdout + result.stderr, /1 error/);
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    const ids = results.cells.map((c: { id: string }) => c.id);
    assert.deepEqual(ids, [
      'baseline',
      'error-and-slow-sampler-0.5~pii-filter-processor-then-batch-d100~otlp-http-protobuf',
      'broken-sampler~pii-filter-processor-then-batch-d100~otlp-http-protobuf',
    ]);

    const good = results.cells[1].trials[0];
    assert.equal(good.status, 'ok', good.error ?? good.warnings.join('\n'));
    const s = good.metrics.spans;
    // Half the roots kept by trace id (GET is not risky), their children with them: a ratio well inside (0.2, 0.8).
    assert.ok(s.sampled > 0 && s.sampled < s.started, JSON.stringify(s));
    assert.ok(s.sampled / s.started > 0.2 && s.sampled / s.started < 0.8, JSON.stringify(s));
    assert.equal(s.ended, s.exported + s.failed + s.dropped + s.queuedAtEnd, JSON.stringify(s));
    assert.equal(s.exported, s.received);
    assert.ok(s.received > 0);

    const broken = results.cells[2].trials[0];
    assert.equal(broken.status, 'failed');
    assert.match(
      broken.error,
      /sampler module .*broken-sampler\.js does not implement the Sampler interface: missing shouldSample\(\)/,
    );
    assert.match(result.stdout, /broken-sampler/);
  });

  it('a module that fails to load names the module and the error', async () => {
    const dir = tempDir();
    const missing = join(dir, 'no-such-processor.js');
    const file = writeConfig(
      dir,
      `name: missing-module
rounds: 1
load: { rateRps: 100, warmupSeconds: 0, durationSeconds: 1 }
matrix:
  processor: [{ module: ./no-such-processor.js }]
  exporter: [none]
`,
    );
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'reports')]);
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    const cell = results.cells.find((c: { id: string }) => c.id !== 'baseline');
    assert.equal(cell.id, 'always_on~no-such-processor-then-batch~none');
    assert.equal(cell.trials[0].status, 'failed');
    // The path was resolved from the config file's folder.
    assert.ok(cell.trials[0].error.includes(`span processor module ${missing} failed to load`), cell.trials[0].error);
    assert.equal(results.cells[0].trials[0].status, 'ok', result.stderr);
  });

  it("sdk-node runs the user's set-up module with --import; NodeSDK takes the cell's sampler and batch options from OTEL_*, the probe counts its spans", async () => {
    const dir = tempDir();
    const setup = join(PACKAGE_ROOT, 'dist', 'test', 'e2e', 'fixtures', 'sdk-node-tracing.js');
    const file = writeConfig(
      dir,
      `name: sdk-node
rounds: 1
load: { rateRps: 150, warmupSeconds: 0.3, durationSeconds: 1 }
matrix:
  instrumentation: [{ sdk-node: { import: ${setup} } }]
  sampler: [{ type: traceidratio, ratio: 0.5 }]
  processor: [{ type: batch, scheduleDelayMillis: 100 }, simple]
`,
    );
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'reports')]);
    assert.equal(result.code, 0, result.stderr);
    // NodeSDK has no variable for the simple processor: the plan says so and measures no such cell.
    assert.match(
      result.stderr + result.stdout,
      /instrumentation sdk-node \S+ cannot vary processor \(simple\): NodeSDK reads no variable for it/,
    );
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    assert.deepEqual(
      results.cells.map((c: { id: string }) => c.id),
      ['baseline', 'sdk-node-sdk-node-tracing.js~traceidratio-0.5~batch-d100~otlp-http-protobuf'],
    );
    const trial = results.cells[1].trials[0];
    assert.notEqual(trial.status, 'failed', trial.error);
    const s = trial.metrics.spans;
    // One server span per request, half of them sampled by trace id: the ratio reached NodeSDK.
    assert.ok(s.started > 100 && s.sampled / s.started > 0.25 && s.sampled / s.started < 0.75, JSON.stringify(s));
    assert.equal(s.exported, s.received);
    assert.ok(s.received > 0);
    assert.equal(s.ended, s.exported + s.failed + s.dropped + s.queuedAtEnd, JSON.stringify(s));
  });
});
