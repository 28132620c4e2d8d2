import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { poolSeries } from '../../harness/budget/series.js';
import { formatErrors } from '../helpers/formats.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { syntheticResults } from '../stats/synthetic.js';

const run = (seed: number, startedAt: string, cpu = 480) => ({
  ...syntheticResults({
    rounds: 3,
    seed,
    cells: [{ id: 'baseline' }, { id: 'always_on~batch~otlp-http-protobuf', cpuUsPerRequest: cpu }],
  }),
  runId: `run-${seed}`,
  startedAt,
});

describe('a baseline series', () => {
  it('pools the most recent N complete runs of the same config, rounds renumbered so none collide', () => {
    const runs = [1, 2, 3, 4].map((i) => ({ from: `r${i}`, results: run(i, `2026-01-0${i}T00:00:00Z`) }));
    runs.push({
      from: 'other',
      results: { ...run(9, '2026-01-09T00:00:00Z'), config: { ...runs[0].results.config, name: 'x' } },
    });
    runs.push({ from: 'cut', results: { ...run(8, '2026-01-08T00:00:00Z'), status: 'interrupted' } });
    const { base, used, notes } = poolSeries(runs, run(5, '2026-01-05T00:00:00Z'), 3);
    assert.deepEqual(
      used.map((u) => u.from),
      ['r4', 'r3', 'r2'],
    );
    const rounds = base.cells.find((c) => c.id === 'baseline')!.trials.map((t) => t.round);
    assert.deepEqual(rounds, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(notes.some((n) => /1 run of other configs left out/.test(n)));
    assert.ok(notes.some((n) => /1 run that did not complete left out/.test(n)));
    assert.ok(notes.some((n) => /baseline series of 3 runs .*9 rounds pooled/.test(n)));
  });

  it('compare BASE-FOLDER HEAD judges against the series, and --export writes the head for history tools', async () => {
    const dir = tempDir();
    const series = join(dir, 'main');
    for (const i of [1, 2, 3]) {
      mkdirSync(join(series, `r${i}`), { recursive: true });
      writeFileSync(join(series, `r${i}`, 'results.json'), JSON.stringify(run(i, `2026-01-0${i}T00:00:00Z`)));
    }
    symlinkSync('r3', join(series, 'latest'));
    const head = join(dir, 'head.json');
    writeFileSync(head, JSON.stringify(run(7, '2026-02-01T00:00:00Z', 700)));
    const out = join(dir, 'gab.json');
    const result = await runCli(['compare', series, head, '--last', '2', '--export', 'gab', out]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /note: base: a baseline series of 2 runs/);
    assert.match(result.stdout, /FAIL +always_on~batch~otlp-http-protobuf: /);
    assert.deepEqual(formatErrors('gab-custom.schema.json', JSON.parse(readFileSync(out, 'utf8'))), []);
    const bencher = join(dir, 'bmf.json');
    const again = await runCli(['compare', series, head, '--export', 'bencher', bencher]);
    assert.equal(again.code, 1, again.stderr);
    assert.deepEqual(formatErrors('bencher-bmf.schema.json', JSON.parse(readFileSync(bencher, 'utf8'))), []);
    const bad = await runCli(['compare', series, head, '--export', 'csv', bencher]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--export: expected bencher or gab/);
  });
});
