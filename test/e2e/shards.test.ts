import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { processesWithMarker, readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

function config(marker: string, rounds: number, samplers: string): string {
  return `name: shards-e2e
rounds: ${rounds}
seed: 21
load: { rateRps: 200, warmupSeconds: 0.2, durationSeconds: 1 }
service:
  env: { TRACEBENCH_TEST_MARKER: '${marker}' }
matrix:
  sampler: [${samplers}]
  processor: [batch]
  exporter: [none]
`;
}

const runDir = (out: string) => join(out, readlinkSync(join(out, 'latest')));
const lines = (dir: string) =>
  readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
type Cell = { id: string; trials: { round: number; shard?: number }[] };

describe('shards and resume, end to end', () => {
  it('three shards merged give the unsharded run’s cells, trial counts and verdict shape; each shard ran its own baseline every round', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const file = writeConfig(dir, config(marker, 2, 'always_on, always_off, { type: traceidratio, ratio: 0.5 }'));
    const whole = await runCli(['run', '--config', file, '--out', join(dir, 'whole'), '--quiet']);
    assert.ok(whole.code === 0 || whole.code === 1, whole.stderr);
    const shardDirs: string[] = [];
    for (const k of [1, 2, 3]) {
      const out = join(dir, `shard-${k}`);
      const result = await runCli(['run', '--config', file, '--out', out, '--shard', `${k}/3`]);
      assert.ok(result.code === 0 || result.code === 1, result.stderr);
      assert.match(result.stderr, new RegExp(`shard ${k}/3 of plan [0-9a-f]{16}: 4 of 8 trials`));
      const dirK = runDir(out);
      shardDirs.push(dirK);
      const results = readJson(join(dirK, 'results.json'));
      assert.deepEqual(results.shard.index, k);
      const baseline = results.cells.find((c: Cell) => c.id === 'baseline');
      assert.deepEqual(baseline.trials.map((t: { round: number }) => t.round).sort(), [0, 1]);
    }
    const merged = join(dir, 'merged');
    const merge = await runCli(['merge', ...shardDirs, '--out', merged]);
    assert.ok(merge.code === 0 || merge.code === 1, merge.stderr);
    const a = readJson(join(runDir(join(dir, 'whole')), 'results.json'));
    const b = readJson(join(merged, 'results.json'));
    assert.deepEqual(
      b.cells.map((c: Cell) => c.id),
      a.cells.map((c: Cell) => c.id),
    );
    for (const cell of b.cells as Cell[]) {
      const expected = a.cells.find((c: Cell) => c.id === cell.id).trials.length;
      assert.equal(cell.trials.length, cell.id === 'baseline' ? 3 * expected : expected, cell.id);
    }
    const checks = (summary: string) =>
      readFileSync(summary, 'utf8')
        .split('\n')
        .filter((l) => /^\|/.test(l)).length;
    assert.equal(checks(join(merged, 'summary.md')) > 0, true);
    for (const view of ['summary.md', 'junit.xml', 'report.html']) readFileSync(join(merged, view));
    const junitCases = (f: string) => (readFileSync(f, 'utf8').match(/<testcase /g) ?? []).length;
    assert.equal(junitCases(join(merged, 'junit.xml')), junitCases(join(runDir(join(dir, 'whole')), 'junit.xml')));
    assert.deepEqual(processesWithMarker(marker), []);
  });

  it('run --resume after SIGINT mid-run ends with exactly the planned trials, none measured twice', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const file = writeConfig(dir, config(marker, 3, 'always_on, always_off'));
    const out = join(dir, 'reports');
    let sent = false;
    const first = await runCli(['run', '--config', file, '--out', out], {
      onStderr: (text, child) => {
        if (!sent && /\[3\/9\]/.test(text)) {
          sent = true;
          // Mid-trial: the fourth has started when the third's line is printed.
          setTimeout(() => child.kill('SIGINT'), 300);
        }
      },
    });
    assert.equal(first.code, 130, first.stderr);
    const dirRun = runDir(out);
    const before = lines(dirRun);
    assert.ok(before.length >= 3 && before.length < 9, `${before.length} lines before resuming`);

    const changed = await runCli(['run', '--resume', dirRun, '--rounds', '4']);
    assert.equal(changed.code, 2);
    assert.match(changed.stderr, /the plan changed since that run .*differs in rounds/);

    const resumed = await runCli(['run', '--resume', dirRun]);
    assert.ok(resumed.code === 0 || resumed.code === 1, resumed.stderr);
    assert.match(resumed.stderr, /resuming .*: \d of 9 trials already measured/);
    const after = lines(dirRun);
    assert.equal(after.length, 9);
    const keys = after.map((t) => `${t.round}|${t.cellId}`);
    assert.equal(new Set(keys).size, 9, keys.join(', '));
    assert.ok(after.every((t) => t.status !== 'failed' || t.error !== 'interrupted'));
    // Trials measured before the interruption are kept as they were, not measured again.
    for (const t of before.filter((x) => x.error !== 'interrupted'))
      assert.ok(after.some((x) => x.startedAt === t.startedAt && x.cellId === t.cellId));
    const results = readJson(join(dirRun, 'results.json'));
    assert.equal(results.status, 'complete');
    assert.deepEqual(processesWithMarker(marker), []);
  });
});
