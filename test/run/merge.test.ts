import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareResults } from '../../harness/budget/compare.js';
import { UsageError } from '../../harness/cli/errors.js';
import { resultsIssues } from '../../harness/cli/read-results.js';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/types.js';
import { judgeRun } from '../../harness/report/views.js';
import { mergeShards } from '../../harness/run/merge.js';
import { analyse } from '../../harness/stats/analyse.js';
import { SHARD_YAML, shardResults } from './shard-fixtures.js';
import { runCli, tempDir } from '../helpers/cli.js';

const three = (env: (i: number) => object = () => ({}), machine: (i: number) => number = () => 1) =>
  [1, 2, 3].map((index) => ({
    from: `shard-${index}`,
    results: shardResults({ shard: { index, count: 3 }, env: env(index), machine: machine(index) }),
  }));

const refused = (pattern: RegExp) => (e: unknown) =>
  e instanceof UsageError && e.exitCode === 2 && pattern.test(e.message);

describe('merging shards', () => {
  it('gives the unsharded run’s cells and trial counts, and the same verdict shape', () => {
    const whole = shardResults();
    const merged = mergeShards(three());
    assert.deepEqual(resultsIssues(merged), []);
    assert.deepEqual(
      merged.cells.map((c) => c.id),
      whole.cells.map((c) => c.id),
    );
    for (const cell of merged.cells) {
      const expected = whole.cells.find((c) => c.id === cell.id)!.trials.length;
      // The baseline: once per round in every shard.
      assert.equal(cell.trials.length, cell.id === 'baseline' ? expected * 3 : expected, cell.id);
    }
    const shape = (r: typeof whole) =>
      judgeRun(r, { threshold: 0.05 })
        .verdicts.checks.map((c) => `${c.kind}:${c.id}`)
        .sort();
    assert.deepEqual(shape(merged), shape(whole));
    assert.equal(merged.status, 'complete');
    assert.deepEqual(
      merged.shards!.map((s) => s.index),
      [1, 2, 3],
    );
  });

  it('pairs each cell with its own shard’s baseline, never another machine’s', () => {
    // Shard 2's machine is 30% slower at everything: its cells' overhead stays what it is on its own machine.
    const merged = mergeShards(
      three(
        () => ({}),
        (i) => (i === 2 ? 1.3 : 1),
      ),
    );
    const whole = shardResults();
    const overhead = (r: typeof whole, id: string) =>
      analyse(r).cells.find((c) => c.cellId === id)!.metrics.cpuUsPerRequest!.overhead!.relative!.estimate;
    for (const cell of merged.cells.filter((c) => c.id !== 'baseline'))
      assert.ok(Math.abs(overhead(merged, cell.id) - overhead(whole, cell.id)) < 1e-9, cell.id);
  });

  it('records every shard’s machine and marks the merge cross-machine with the baselines’ spread', () => {
    const merged = mergeShards(
      three(
        (i) => ({ hostname: `vm-${i}` }),
        (i) => (i === 3 ? 1.1 : 1),
      ),
    );
    assert.deepEqual(
      merged.environment.machines!.map((m) => `${m.shard}:${m.hostname}`),
      ['1:vm-1', '2:vm-2', '3:vm-3'],
    );
    const note = merged.notes.find((n) => n.startsWith('cross-machine'));
    assert.ok(note, merged.notes.join('\n'));
    assert.match(note, /ran on 3 machines \(vm-1, vm-2, vm-3\); .*differs by 10\.0%/);
    // The verdicts say it too, where summary.md and the report show them first.
    assert.ok(judgeRun(merged, { threshold: 0.05 }).verdicts.notes.includes(note));
    assert.ok(
      !judgeRun(mergeShards(three()), { threshold: 0.05 }).verdicts.notes.some((n) => n.startsWith('cross-machine')),
    );
  });

  it('a comparison of a cell measured on another machine is marked cross-machine with the added noise, one on the same is not', () => {
    const base = mergeShards(three((i) => ({ hostname: `vm-${i}` })));
    const sameMachines = mergeShards(three((i) => ({ hostname: `vm-${i}` })));
    const moved = mergeShards(
      three(
        (i) => ({ hostname: `vm-${i === 1 ? 9 : i}` }),
        (i) => (i === 1 ? 1.2 : 1),
      ),
    );
    assert.ok(compareResults(base, sameMachines, { threshold: 0.05 }).checks.every((c) => !c.crossMachine));
    const checks = compareResults(base, moved, { threshold: 0.05 }).checks;
    const shard1 = new Set(base.cells.filter((c) => c.trials[0].shard === 1 && c.id !== 'baseline').map((c) => c.id));
    const marked = checks.filter((c) => c.crossMachine);
    assert.ok(marked.length > 0);
    for (const c of marked) {
      assert.ok(shard1.has(c.cellId) || c.cellId === 'baseline', c.cellId);
      assert.equal(c.crossMachine!.head, 'vm-9 (shard 1)');
    }
    const cpu = marked.find((c) => c.metric === 'cpuUsPerRequest' && c.cellId !== 'baseline')!;
    assert.equal(cpu.crossMachine!.baselineShiftPercent, 20);
    assert.match(
      cpu.message,
      /Cross-machine: base measured on vm-1 \(shard 1\), head on vm-9 \(shard 1\); their baselines differ by \+20%/,
    );
  });

  it('refuses shards of different configs, naming the shards and the difference', () => {
    const shards = three();
    shards[2] = {
      from: 'shard-3',
      results: shardResults({ shard: { index: 3, count: 3 }, yaml: SHARD_YAML.replace('rounds: 3', 'rounds: 4') }),
    };
    assert.throws(
      () => mergeShards(shards),
      refused(/different plans .*shard 1\/3 \(shard-1\).*shard 3\/3 \(shard-3\)/s),
    );
  });

  it('refuses different tracebench versions and schema versions', () => {
    const tool = three((i) => (i === 2 ? { tracebench: '0.2.0' } : {}));
    assert.throws(
      () => mergeShards(tool),
      refused(/different tracebench versions: .* has 0\.1\.0, shard 2\/3 \(shard-2\) has 0\.2\.0/),
    );
    const schema = three();
    schema[1].results = { ...schema[1].results, schemaVersion: RESULTS_SCHEMA_VERSION + 1 };
    assert.throws(() => mergeShards(schema), refused(/different results schema versions/));
  });

  it('refuses a shard given twice, a missing shard (unless --allow-missing) and an unsharded run', () => {
    const shards = three();
    assert.throws(
      () => mergeShards([...shards, { ...shards[1], from: 'again' }]),
      refused(/shard 2 given twice.*shard-2.*again/s),
    );
    assert.throws(() => mergeShards([shards[0], shards[2]]), refused(/shard 2\/3 missing/));
    const partial = mergeShards([shards[0], shards[2]], { allowMissing: true });
    assert.ok(partial.notes.some((n) => /shard 2\/3 missing \(--allow-missing\): cells .+ not measured/.test(n)));
    assert.throws(() => mergeShards([{ from: 'whole', results: shardResults() }]), refused(/not shards of a plan/));
  });

  it('refuses shards whose budgets differ (the plan hash leaves budgets out)', () => {
    const shards = three();
    shards[0].results = {
      ...shards[0].results,
      config: { ...shards[0].results.config, budgets: [{ where: {}, limits: {} }] },
    };
    assert.throws(() => mergeShards(shards), refused(/different configs/));
  });
});

describe('tracebench merge', () => {
  const write = (dir: string, results: object) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
    return dir;
  };

  it('writes results.json and the views from shard folders', async () => {
    const dir = tempDir();
    const shards = three().map((s, i) => write(join(dir, `shard-${i + 1}`), s.results));
    const result = await runCli(['merge', ...shards, '--out', join(dir, 'merged')]);
    assert.ok(result.code === 0 || result.code === 1, result.stderr);
    assert.match(result.stderr, /merged 3 shards \(6 cells, status complete\)/);
    const partial = await runCli(['merge', shards[0], shards[2], '--out', join(dir, 'partial'), '--allow-missing']);
    assert.equal(partial.code, 3, partial.stderr);
    const missing = await runCli(['merge', shards[0], shards[2], '--out', join(dir, 'refused')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /shard 2\/3 missing/);
    for (const f of ['results.json', 'summary.md', 'junit.xml', 'report.html'])
      assert.ok(existsSync(join(dir, 'merged', f)), f);
  });

  it('exits 2 naming the shards when they come from different configs', async () => {
    const dir = tempDir();
    const shards = three().map((s, i) => write(join(dir, `shard-${i + 1}`), s.results));
    write(
      shards[1],
      shardResults({ shard: { index: 2, count: 3 }, yaml: SHARD_YAML.replace('name: shards', 'name: other') }),
    );
    const result = await runCli(['merge', ...shards, '--out', join(dir, 'merged')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /different plans .*shard 1\/3 \(.*shard-1\).*shard 2\/3 \(.*shard-2\)/s);
    assert.ok(!existsSync(join(dir, 'merged', 'results.json')));
  });
});
