import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI, type CliResult, PACKAGE_ROOT, readJson, tempDir, writeConfig } from '../helpers/cli.js';

const CONFIG = `name: e2e-realtime
rounds: 1
seed: 3
load: { rateRps: 300, warmupSeconds: 0.3, durationSeconds: 1, pacing: hybrid, realtime: true }
matrix:
  sampler: [always_off]
  processor: [batch]
  exporter: [otlp-http-protobuf]
`;

const WARNING = "load.realtime: the generator's pacing threads could not be put at SCHED_FIFO";

/** Runs the CLI, behind `wrapper` (a command and its arguments) when given. */
function run(args: string[], wrapper: string[] = []): Promise<CliResult> {
  const [command, ...rest] = [...wrapper, process.execPath, CLI, ...args];
  const child = spawn(command!, rest, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

interface TrialRecord {
  metrics: { load: { realtime?: { state: string; reason?: string; threads?: number } } };
}

function trialsOf(out: string): TrialRecord[] {
  const results = readJson(join(out, readlinkSync(join(out, 'latest')), 'results.json'));
  return results.cells.flatMap((c: { trials: TrialRecord[] }) => c.trials);
}

const permitted = process.platform === 'linux' && spawnSync('chrt', ['-f', '10', 'true']).status === 0;
// Root without CAP_SYS_NICE (and RLIMIT_RTPRIO 0, the default) may not use SCHED_FIFO: a real refusal.
const canDrop =
  permitted && spawnSync('setpriv', ['--bounding-set=-sys_nice', 'chrt', '-f', '10', 'true']).status === 1;

describe('load.realtime, end to end', () => {
  it('as root, every trial records its sending thread at SCHED_FIFO, and nothing warns', {
    skip: !permitted,
  }, async () => {
    const dir = tempDir();
    const out = join(dir, 'reports');
    const result = await run(['run', '--config', writeConfig(dir, CONFIG), '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(!(result.stdout + result.stderr).includes(WARNING));
    const trials = trialsOf(out);
    assert.equal(trials.length, 2);
    for (const t of trials)
      assert.deepEqual(t.metrics.load.realtime, { state: 'applied', policy: 'SCHED_FIFO', priority: 10, threads: 1 });
  });

  it('without CAP_SYS_NICE the run goes on at normal priority, warns once, and records why per trial', {
    skip: canDrop ? false : 'needs root and setpriv to drop CAP_SYS_NICE',
  }, async () => {
    const dir = tempDir();
    const out = join(dir, 'reports');
    const args = ['run', '--config', writeConfig(dir, CONFIG), '--out', out];
    const result = await run(args, ['setpriv', '--bounding-set=-sys_nice', '--inh-caps=-sys_nice']);
    assert.equal(result.code, 0, result.stderr);
    const output = result.stdout + result.stderr;
    assert.equal(output.split(WARNING).length - 1, 1, `one warning for 2 trials:\n${output}`);
    assert.match(output, /Operation not permitted/);
    assert.match(output, /ulimit -r/);
    const trials = trialsOf(out);
    assert.equal(trials.length, 2);
    for (const t of trials) {
      assert.equal(t.metrics.load.realtime?.state, 'refused');
      assert.match(t.metrics.load.realtime?.reason ?? '', /Operation not permitted/);
    }
  });
});
