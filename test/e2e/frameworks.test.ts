import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Results } from '../../harness/results/types.js';
import { analyse } from '../../harness/stats/analyse.js';
import { PACKAGE_ROOT, readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

const APPS = join(PACKAGE_ROOT, 'workloads', 'apps');
const TRACED = 'always_on~batch-d200~otlp-http-protobuf';

/**
 * An unmodified app under zero-code instrumentation, the way the OpenTelemetry docs set it up: NODE_OPTIONS in traced
 * cells only (the baseline loads no SDK), OTEL_TRACES_EXPORTER=otlp and the sink's endpoint from the harness. A short
 * schedule delay, so the batch processor exports inside a short trial.
 */
function config(name: string, start: string, rounds: number): string {
  return `name: ${name}
rounds: ${rounds}
seed: 5
load: { rateRps: 100, warmupSeconds: 0.5, durationSeconds: 1.5 }
service:
  ${start}
  cwd: ${JSON.stringify(APPS)}
  tracedEnv: { NODE_OPTIONS: --require @opentelemetry/auto-instrumentations-node/register }
matrix: { sampler: [always_on], processor: [{ type: batch, scheduleDelayMillis: 200 }], exporter: [otlp-http-protobuf] }
`;
}

async function run(name: string, start: string, rounds: number): Promise<{ results: Results; stderr: string }> {
  const dir = tempDir();
  const out = join(dir, 'reports');
  const result = await runCli(['run', '--config', writeConfig(dir, config(name, start, rounds)), '--out', out], {
    timeoutMs: 120_000,
  });
  assert.equal(result.code, 0, result.stderr);
  return { results: readJson<Results>(join(out, 'latest', 'results.json')), stderr: result.stderr };
}

/** Both cells measured in every round, spans at the sink in traced trials only, nothing off loopback. */
function assertMeasured(results: Results, stderr: string, rounds: number): void {
  assert.deepEqual(
    results.cells.map((c) => c.id),
    ['baseline', TRACED],
  );
  for (const cell of results.cells) {
    assert.equal(cell.trials.length, rounds);
    for (const trial of cell.trials) {
      assert.notEqual(
        trial.status,
        'failed',
        `${cell.id}: ${trial.status === 'failed' ? `${trial.error}\n${trial.stderrTail.join('\n')}` : ''}`,
      );
      assert.doesNotMatch(trial.warnings.join('\n'), /off this machine|PORT/);
    }
    assert.ok(cell.summary && cell.summary.cpuUsPerRequest > 0, `${cell.id} has CPU per request`);
  }
  const received = (id: string) =>
    results.cells.find((c) => c.id === id)!.trials.map((t) => (t.status === 'failed' ? 0 : t.metrics.spans.received));
  assert.ok(
    received(TRACED).every((n) => n > 0),
    `traced trials received ${received(TRACED)}`,
  );
  assert.deepEqual(received('baseline'), Array(rounds).fill(0));
  assert.doesNotMatch(stderr, /MetadataLookupWarning/);
}

/** The traced cell's CPU overhead against the baseline, with its interval (needs two paired rounds). */
function assertOverheadInterval(results: Results): void {
  const cpu = analyse(results).cells.find((c) => c.cellId === TRACED)!.metrics.cpuUsPerRequest!;
  const relative = cpu.overhead?.relative;
  assert.ok(relative, `an overhead for ${TRACED}: ${JSON.stringify(cpu.overhead)}`);
  assert.ok(relative.ci.low <= relative.estimate && relative.estimate <= relative.ci.high);
  assert.ok(Number.isFinite(relative.ci.low) && Number.isFinite(relative.ci.high));
}

describe('unmodified framework apps under zero-code instrumentation', () => {
  it('Express 4 (CommonJS) by service.entry: baseline and traced measured, overhead with its interval, spans received', async () => {
    const { results, stderr } = await run(
      'express-entry',
      `entry: ${JSON.stringify(join(APPS, 'express-app.cjs'))}`,
      2,
    );
    assertMeasured(results, stderr, 2);
    assertOverheadInterval(results);
  });

  it('Express 4 by service.command', async () => {
    const { results, stderr } = await run('express-command', 'command: [node, express-app.cjs]', 1);
    assertMeasured(results, stderr, 1);
  });

  it('Fastify 5 (ESM) by service.command', async () => {
    const { results, stderr } = await run('fastify-command', 'command: [node, fastify-app.mjs]', 2);
    assertMeasured(results, stderr, 2);
    assertOverheadInterval(results);
  });

  it('node:http (CommonJS) by service.entry', async () => {
    const { results, stderr } = await run('http-entry', `entry: ${JSON.stringify(join(APPS, 'http-server.cjs'))}`, 2);
    assertMeasured(results, stderr, 2);
    assertOverheadInterval(results);
  });
});
