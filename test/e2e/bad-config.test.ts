import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';

const cases: { name: string; yaml: string; expect: RegExp[] }[] = [
  {
    name: 'ratio out of range',
    yaml: 'matrix:\n  sampler: [always_on, { type: traceidratio, ratio: 1.5 }]\n',
    expect: [/matrix\.sampler\[1\]\.ratio/, /between 0 and 1/],
  },
  { name: 'unknown sampler', yaml: 'matrix:\n  sampler: [alwayson]\n', expect: [/matrix\.sampler\[0\]/, /alwayson/] },
  { name: 'unknown key', yaml: 'load: { rateRps: 100, ratee: 5 }\n', expect: [/load/, /ratee/] },
  { name: 'wrong type', yaml: 'rounds: three\n', expect: [/rounds/, /number|integer/i] },
  {
    name: 'batch larger than queue',
    yaml: 'matrix:\n  processor: [{ type: batch, maxQueueSize: 64, maxExportBatchSize: 128 }]\n',
    expect: [/matrix\.processor\[0\]/, /maxExportBatchSize/, /maxQueueSize/],
  },
  { name: 'YAML syntax', yaml: 'matrix:\n  sampler: [always_on\n  processor: ]\n', expect: [/line \d+/i] },
  {
    name: 'unknown workload',
    yaml: 'service: { workload: no-such-workload }\n',
    expect: [/service\.workload/, /no-such-workload/],
  },
];

describe('bad config: exit 2, a message naming the path and the problem, nothing started', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const dir = tempDir();
      const file = writeConfig(dir, `name: bad\n${c.yaml}`);
      const out = join(dir, 'reports');
      const result = await runCli(['run', '--config', file, '--out', out], { timeoutMs: 20_000 });
      assert.equal(result.code, 2, `exit code; stderr:\n${result.stderr}`);
      for (const pattern of c.expect) assert.match(result.stderr, pattern);
      assert.equal(existsSync(out), false, 'no report folder: nothing started');
    });
  }

  it('reports several problems at once', async () => {
    const dir = tempDir();
    const file = writeConfig(dir, 'name: bad\nrounds: 0\nload: { rateRps: -5 }\nmatrix:\n  exporter: [jaeger]\n');
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'r')], { timeoutMs: 20_000 });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /rounds/);
    assert.match(result.stderr, /load\.rateRps/);
    assert.match(result.stderr, /matrix\.exporter\[0\]/);
  });

  it('a missing config file, an unknown flag and a bad --rounds are usage errors', async () => {
    const missing = await runCli(['run', '--config', '/nonexistent/tb.yaml'], { timeoutMs: 20_000 });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /\/nonexistent\/tb\.yaml/);
    const flag = await runCli(['run', '--rate', '5'], { timeoutMs: 20_000 });
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--rate/);
    const rounds = await runCli(['run', '--rounds', 'x'], { timeoutMs: 20_000 });
    assert.equal(rounds.code, 2);
    assert.match(rounds.stderr, /--rounds: expected a positive whole number, got "x"/);
  });

  it('--help documents every option and the exit codes', async () => {
    const help = await runCli(['--help'], { timeoutMs: 20_000 });
    assert.equal(help.code, 0);
    for (const flag of ['--config', '--out', '--rounds', '--seed']) assert.match(help.stdout, new RegExp(flag));
    for (const code of ['0', '1', '2', '3', '130']) assert.match(help.stdout, new RegExp(`^\\s+${code}\\s`, 'm'));
  });
});
