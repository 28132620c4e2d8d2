import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Results } from '../../harness/results/types.js';
import { fileURLToPath } from 'node:url';
import { processesWithMarker, readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

const ENTRY = fileURLToPath(new URL('./fixtures/plain-service.js', import.meta.url));

/** One round of a baseline and one traced cell of the plain service: short windows at a low rate. */
function config(marker: string, options: { silent?: boolean; budgets?: boolean; rounds?: number } = {}): string {
  return [
    `name: plain`,
    `rounds: ${options.rounds ?? 1}`,
    `seed: 1`,
    `service: { entry: '${ENTRY}', requestPath: /work, env: { TB_FIXTURE_SILENT: '${options.silent ? 1 : 0}', TB_FIXTURE_MARKER: '${marker}' } }`,
    `load: { rateRps: 100, warmupSeconds: 0.2, durationSeconds: 1, timeoutMs: 300 }`,
    `drainTimeoutMs: 1000`,
    `matrix: { sampler: [always_on], processor: [batch], exporter: [otlp-http-protobuf] }`,
    ...(options.budgets ? [`budgets:`, `  - limits: { cpuUsPerRequest: '+50%', latencyUs.p99: '< 100ms' }`] : []),
    '',
  ].join('\n');
}

const runDirOf = (out: string) => join(out, readdirSync(out).find((d) => d !== 'latest')!);

describe('a gate that cannot pass on nothing', () => {
  it('a service that never answers, with budgets: exit 3, and summary.md starts with why', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const out = join(dir, 'reports');
    const result = await runCli(
      ['run', '--config', writeConfig(dir, config(marker, { silent: true, budgets: true })), '--out', out, '--quiet'],
      { timeoutMs: 120_000 },
    );
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /^ERROR baseline: no valid trial: 1 of 1 trial invalid \(timeouts: \d+ of \d+ requests/m,
    );
    const run = runDirOf(out);
    const lines = readFileSync(join(run, 'summary.md'), 'utf8').split('\n');
    assert.match(lines[0], /^## 🛑 tracebench plain: nothing valid to judge/);
    assert.match(lines[2], /^- 🛑 `baseline`: no valid trial: 1 of 1 trial invalid \(timeouts: \d+ of \d+ requests/);
    const junit = readFileSync(join(run, 'junit.xml'), 'utf8');
    assert.match(junit, /<testsuite name="tracebench cells"[^>]*errors="2"/);
    assert.doesNotMatch(junit, /inconclusive/);
    const results = readJson(join(run, 'results.json'));
    assert.deepEqual(
      results.cells.map((c: { trials: { status: string }[] }) => c.trials.map((t) => t.status)),
      [['invalid'], ['invalid']],
    );
    assert.deepEqual(processesWithMarker(marker), []);
    // compare refuses it as HEAD: a failed run is not a pass.
    const compared = await runCli(['compare', join(run, 'results.json'), join(run, 'results.json')]);
    assert.equal(compared.code, 3, compared.stdout + compared.stderr);
  });

  it('a traced cell of a service with no SDK warns that it may not be instrumented, on the console and in every view', async () => {
    const dir = tempDir();
    const out = join(dir, 'reports');
    const result = await runCli(
      ['run', '--config', writeConfig(dir, config(`tb-${randomUUID()}`)), '--out', out, '--quiet'],
      { timeoutMs: 120_000 },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const warning =
      /the service may not be instrumented: 0 spans reached the sink in 1 trial of a traced cell, so its overhead measures no tracing/;
    assert.match(result.stdout, /^warning: always_on~batch~otlp-http-protobuf: the service may not be instrumented/m);
    assert.match(result.stdout, warning);
    const run = runDirOf(out);
    assert.match(readFileSync(join(run, 'summary.md'), 'utf8'), warning);
    assert.match(readFileSync(join(run, 'report.html'), 'utf8'), warning);
    // The probe saw no SDK in a traced cell of a service tracebench did not build: its counters are unknown, not 0.
    const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')) as Results;
    const traced = results.cells.find((c) => c.id === 'always_on~batch~otlp-http-protobuf')!.trials[0];
    assert.ok(traced.status !== 'failed');
    assert.equal(traced.metrics.spans.exported, null);
    assert.equal(traced.metrics.spans.dropped, null);
    assert.equal(traced.metrics.spans.received, 0);
  });

  it('report DIR rebuilds results.json and the views from results.jsonl after the harness was killed', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const out = join(dir, 'reports');
    let killed = false;
    const result = await runCli(['run', '--config', writeConfig(dir, config(marker, { rounds: 2 })), '--out', out], {
      timeoutMs: 120_000,
      onStderr: (text, child) => {
        if (!killed && text.includes('[2/4]')) {
          killed = true;
          child.kill('SIGKILL');
        }
      },
    });
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    const run = runDirOf(out);
    assert.equal(existsSync(join(run, 'results.json')), false, 'a killed run leaves no results.json');
    const logged = readFileSync(join(run, 'results.jsonl'), 'utf8').trim().split('\n').length;
    assert.ok(logged >= 2 && logged < 4, `${logged} trials logged`);
    const rebuilt = await runCli(['report', run]);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(
      rebuilt.stderr,
      new RegExp(`rebuilt .*results\\.json from results\\.jsonl: interrupted after ${logged} of 4 trials`),
    );
    const results = readJson(join(run, 'results.json'));
    assert.equal(results.status, 'interrupted');
    assert.deepEqual(results.interrupted, { trialsFinished: logged, trialsPlanned: 4, rebuiltFrom: 'results.jsonl' });
    assert.equal(results.cells.flatMap((c: { trials: unknown[] }) => c.trials).length, logged);
    assert.match(
      readFileSync(join(run, 'summary.md'), 'utf8').split('\n')[0],
      new RegExp(`run interrupted after ${logged} of 4 trials, rebuilt from results\\.jsonl`),
    );
    assert.match(readFileSync(join(run, 'report.html'), 'utf8'), new RegExp(`interrupted after ${logged} of 4 trials`));
    // The rebuilt file reads back like any other, and a second report leaves it alone.
    const again = await runCli(['report', run]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /rebuilt/);
    for (let i = 0; i < 50 && processesWithMarker(marker).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(processesWithMarker(marker), []);
  });
});
