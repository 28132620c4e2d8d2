import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../harness/config/load.js';
import { expandMatrix } from '../../harness/plan/cells.js';
import { runTrial } from '../../harness/run/trial.js';
import type { Sink } from '../../harness/sink/types.js';
import { ServiceError, type LaunchOptions } from '../../harness/target/launch.js';
import { loadWorkload } from '../../workloads/shape/load.js';

/** The launch options runTrial hands a custom service in each cell (the launch fails at once: only its options matter). */
async function launches(
  yaml: string,
  extra: { command?: string[]; cwd?: string } = {},
): Promise<Map<string, LaunchOptions>> {
  const config = parseConfig(yaml, 'test.yaml', {}, () => 42);
  const workload = loadWorkload('user-api');
  assert.ok(workload.ok);
  const seen = new Map<string, LaunchOptions>();
  const sink = {
    reset: () => undefined,
    setTail: () => undefined,
    beginTrial: () => undefined,
    endTrial: () => undefined,
    otlpTracesUrl: 'http://127.0.0.1:1/v1/traces',
    zipkinSpansUrl: 'http://127.0.0.1:1/api/v2/spans',
  } as unknown as Sink;
  for (const cell of expandMatrix(config).cells) {
    const record = await runTrial({
      runId: 't',
      config,
      cell,
      round: 0,
      order: 0,
      entry: '/app/server.js',
      ...extra,
      workloadFile: workload.file,
      workload: workload.shape,
      referenceService: false,
      sink,
      generator: undefined as never,
      signal: new AbortController().signal,
      launch: async (options) => {
        seen.set(cell.id, options);
        throw new ServiceError('not started', []);
      },
    });
    assert.equal(record.status, 'failed');
  }
  return seen;
}

describe('what a custom service is started with, per cell', () => {
  it('adds tracedEnv in traced cells only: the baseline loads no SDK', async () => {
    const seen = await launches(
      'service: { entry: server.js, env: { A: base }, tracedEnv: { NODE_OPTIONS: --require @opentelemetry/auto-instrumentations-node/register, A: traced } }\n',
    );
    const baseline = seen.get('baseline')!;
    const traced = seen.get('always_on~batch~otlp-http-protobuf')!;
    assert.equal(baseline.env.NODE_OPTIONS, undefined);
    assert.equal(baseline.env.A, 'base');
    assert.equal(traced.env.NODE_OPTIONS, '--require @opentelemetry/auto-instrumentations-node/register');
    assert.equal(traced.env.A, 'traced');
    assert.equal(traced.env.OTEL_TRACES_EXPORTER, 'otlp');
    assert.equal(traced.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, 'http://127.0.0.1:1/v1/traces');
  });

  it('starts a command in its working directory instead of an entry', async () => {
    const seen = await launches('service: { command: [node, server.js] }\n', {
      command: ['node', 'server.js'],
      cwd: '/app',
    });
    for (const options of seen.values()) {
      assert.deepEqual(options.command, ['node', 'server.js']);
      assert.equal(options.entry, undefined);
      assert.equal(options.cwd, '/app');
    }
  });
});
