import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT, processesWithMarker, readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/types.js';

function config(marker: string, extra = ''): string {
  return `name: e2e
rounds: 2
seed: 11
load: { rateRps: 300, warmupSeconds: 0.3, durationSeconds: 1 }
service:
  env: { TRACEBENCH_TEST_MARKER: '${marker}' }
matrix:
  sampler: [always_on, always_off]
  processor: [batch]
  exporter: [otlp-http-protobuf]
${extra}`;
}

describe('tracebench run, end to end', () => {
  it('runs the matrix, prints the table, writes results.jsonl, results.json and latest, and leaves no process behind', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const file = writeConfig(dir, config(marker));
    const out = join(dir, 'reports');
    const result = await runCli(['run', '--config', file, '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /CPU µs\/req/);
    assert.match(result.stdout, /baseline/);
    assert.match(result.stdout, /always_on~batch~otlp-http-protobuf/);
    assert.match(result.stderr, /3 cells × 2 rounds = 6 trials/);

    const latest = join(out, 'latest');
    assert.ok(existsSync(join(latest, 'results.json')), 'reports/latest/results.json exists');
    const runDir = join(out, readlinkSync(latest));
    const results = readJson(join(runDir, 'results.json'));
    assert.equal(results.schemaVersion, RESULTS_SCHEMA_VERSION);
    assert.equal(results.status, 'complete');
    assert.equal(results.seed, 11);
    assert.equal(results.config.rounds, 2);
    for (const key of ['node', 'os', 'cpuModel', 'cores', 'openTelemetry'])
      assert.ok(key in results.environment, `environment.${key}`);
    assert.equal(
      results.environment.openTelemetry['@opentelemetry/sdk-trace-base'],
      readJson(join(PACKAGE_ROOT, 'package.json')).dependencies['@opentelemetry/sdk-trace-base'],
    );
    assert.deepEqual(results.cells.map((c: { id: string }) => c.id).sort(), [
      'always_off',
      'always_on~batch~otlp-http-protobuf',
      'baseline',
    ]);
    const lines = readFileSync(join(runDir, 'results.jsonl'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 6);

    for (const cell of results.cells) {
      assert.equal(cell.trials.length, 2);
      assert.ok(cell.summary, `${cell.id} has a summary`);
      const s = cell.summary;
      assert.ok(s.cpuUsPerRequest > 0);
      for (const k of ['p50', 'p90', 'p99', 'p999', 'max']) {
        assert.ok(s.latencyUs.corrected[k] > 0, `corrected ${k}`);
        assert.ok(s.latencyUs.uncorrected[k] > 0, `uncorrected ${k}`);
      }
      assert.ok(s.achievedRps > 0 && s.rssPeakBytes > 10e6 && s.heapUsedPeakBytes > 1e6);
      assert.ok('pauseCount' in s.gc && 'p99' in s.eventLoopDelayUs);
      for (const k of ['started', 'sampled', 'ended', 'exported', 'failed', 'dropped', 'queuedAtEnd', 'received'])
        assert.ok(k in s.spans, `spans.${k}`);
    }
    const traced = results.cells.find((c: { id: string }) => c.id.startsWith('always_on'));
    // The probe's self-timed work (its series points; in a traced cell, the SDK metrics it reads) is not the service's.
    for (const trial of traced.trials) {
      const m = trial.metrics;
      const expected = (m.cpuUserUs + m.cpuSystemUs - m.probeCpuUs) / m.requests;
      assert.ok(Math.abs(m.cpuUsPerRequest - expected) < 1e-9 * expected, `${m.cpuUsPerRequest} vs ${expected}`);
    }
    assert.ok(traced.summary.spans.exported > 0);
    assert.equal(traced.summary.spans.exported, traced.summary.spans.received);
    const off = results.cells.find((c: { id: string }) => c.id === 'always_off');
    assert.ok(off.summary.spans.started > 0 && off.summary.spans.sampled === 0);
    assert.deepEqual(processesWithMarker(marker), []);
  });

  it('records a service that crashes mid-trial as a failed trial with its stderr, and goes on', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const file = writeConfig(
      dir,
      config(marker)
        .replace(
          `env: { TRACEBENCH_TEST_MARKER: '${marker}' }`,
          `env: { TRACEBENCH_TEST_MARKER: '${marker}', TRACEBENCH_TEST_CRASH_AFTER_REQUESTS: '200', TRACEBENCH_TEST_CRASH_WHEN: 'OTEL_TRACES_SAMPLER=always_on' }`,
        )
        .replace('rounds: 2', 'rounds: 1'),
    );
    const out = join(dir, 'reports');
    const result = await runCli(['run', '--config', file, '--out', out]);
    // Every trial of the traced cell crashed: nothing valid to judge there, so the run failed (exit 3) and says why first.
    assert.equal(result.code, 3, result.stderr);
    const summary = readFileSync(join(out, 'latest', 'summary.md'), 'utf8').split('\n');
    assert.match(summary[2], /^- 🛑 `always_on[^`]*`: no valid trial: 1 of 1 trial crashed: .*exited with code 70/);
    const results = readJson(join(out, 'latest', 'results.json'));
    const crashed = results.cells.find((c: { id: string }) => c.id.startsWith('always_on')).trials[0];
    assert.equal(crashed.status, 'failed');
    assert.match(crashed.error, /exited with code 70/);
    assert.ok(
      crashed.stderrTail.some((l: string) => l.includes('test crash after 200 requests')),
      crashed.stderrTail.join('\n'),
    );
    assert.match(result.stderr, /test crash after 200 requests/);
    const others = results.cells.filter((c: { id: string }) => !c.id.startsWith('always_on'));
    for (const cell of others)
      assert.equal(cell.trials[0].status, 'ok', `${cell.id}: ${JSON.stringify(cell.trials[0].warnings)}`);
    assert.deepEqual(processesWithMarker(marker), []);
  });

  it('on SIGINT kills the service, writes what was measured and exits 130', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const file = writeConfig(dir, config(marker).replace('rounds: 2', 'rounds: 5'));
    const out = join(dir, 'reports');
    let sent = false;
    const result = await runCli(['run', '--config', file, '--out', out], {
      onStderr: (text, child) => {
        // Interrupt during the second trial, once the first is on disk.
        if (!sent && text.includes('[1/15]')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 500);
        }
      },
    });
    assert.equal(result.code, 130, result.stderr);
    const results = readJson(join(out, 'latest', 'results.json'));
    assert.equal(results.status, 'interrupted');
    const trials = results.cells.flatMap((c: { trials: unknown[] }) => c.trials);
    assert.ok(trials.length >= 1 && trials.length < 15, `${trials.length} trials recorded`);
    assert.deepEqual(results.interrupted, { trialsFinished: trials.length, trialsPlanned: 15 });
    assert.match(
      readFileSync(join(out, 'latest', 'summary.md'), 'utf8').split('\n')[0],
      new RegExp(`run interrupted after ${trials.length} of 15 trials`),
    );
    assert.deepEqual(processesWithMarker(marker), []);
  });

  it('when the harness itself is killed, its service exits too (the IPC channel closing is the signal)', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const file = writeConfig(dir, config(marker).replace('durationSeconds: 1', 'durationSeconds: 5'));
    let seenService = false;
    await runCli(['run', '--config', file, '--out', join(dir, 'reports')], {
      onStderr: (text, child) => {
        if (!seenService && text.includes('writing ')) {
          seenService = true;
          const poll = setInterval(() => {
            if (processesWithMarker(marker).length > 0) {
              clearInterval(poll);
              child.kill('SIGKILL');
            }
          }, 50);
        }
      },
    });
    assert.ok(seenService);
    const deadline = Date.now() + 5000;
    while (processesWithMarker(marker).length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(processesWithMarker(marker), []);
  });
});
