import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { formatErrors } from '../helpers/formats.js';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';

const CONFIG =
  'name: engines\nrounds: 2\nseed: 3\nmatrix: { sampler: [always_on, { type: traceidratio, ratio: 0.1 }, always_off], processor: [batch, simple], exporter: [none] }\n';

describe('tracebench plan for CI engines', () => {
  const file = writeConfig(tempDir(), CONFIG);

  it('--format github: a strategy.matrix (include list) with one job per shard and what each runs', async () => {
    const result = await runCli(['plan', '--config', file, '--shards', '4', '--format', 'github']);
    assert.equal(result.code, 0, result.stderr);
    const matrix = JSON.parse(result.stdout);
    assert.deepEqual(formatErrors('github-matrix.schema.json', matrix), []);
    assert.deepEqual(
      matrix.include.map((j: { shard: string }) => j.shard),
      ['1/4', '2/4', '3/4', '4/4'],
    );
    assert.ok(matrix.include.every((j: { seed: number }) => j.seed === 3));
    // Cells split over the shards; every shard also runs the baseline's 2 rounds.
    assert.equal(
      matrix.include.reduce((n: number, j: { cells: number }) => n + j.cells, 0),
      5,
    );
    assert.ok(matrix.include.every((j: { trials: number; cells: number }) => j.trials === 2 * (j.cells + 1)));
  });

  it('--format json: the plan hash, seed and each shard with its estimated time', async () => {
    const result = await runCli(['plan', '--config', file, '--shards', '2', '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const plan = JSON.parse(result.stdout);
    assert.match(plan.planHash, /^[0-9a-f]{16}$/);
    assert.equal(plan.seed, 3);
    assert.equal(plan.trials, 12);
    assert.deepEqual(
      plan.shards.map((s: { shard: string; trials: number }) => `${s.shard}:${s.trials}`),
      ['1/2:8', '2/2:6'],
    );
  });

  it('the matrix schema refuses what GitHub would (a key that is not a list)', () => {
    assert.notDeepEqual(formatErrors('github-matrix.schema.json', { shard: '1/4' }), []);
  });

  it('--format k8s: a batch/v1 Indexed Job that validates as a Kubernetes Job', async () => {
    const result = await runCli(['plan', '--config', file, '--shards', '3', '--format', 'k8s', '--image', 'tb:1']);
    assert.equal(result.code, 0, result.stderr);
    const manifest = parse(result.stdout);
    new Job(manifest).validate();
    assert.equal(manifest.apiVersion, 'batch/v1');
    assert.equal(manifest.spec.completionMode, 'Indexed');
    assert.equal(manifest.spec.completions, 3);
    assert.equal(manifest.spec.parallelism, 3);
    const args = manifest.spec.template.spec.containers[0].args.join(' ');
    assert.match(args, /--seed 3 --shards 3 --resume \/results\/tracebench-engines\/shard-\$JOB_COMPLETION_INDEX/);
  });

  it('the validator refuses a broken Job (completions not a number, an unknown completion mode)', async () => {
    const result = await runCli(['plan', '--config', file, '--shards', '3', '--format', 'k8s']);
    const manifest = parse(result.stdout);
    assert.throws(
      () => new Job({ ...manifest, spec: { ...manifest.spec, completions: 'three' } }).validate(),
      /completions must be integer/,
    );
    assert.throws(
      () => new Job({ ...manifest, spec: { ...manifest.spec, completionMode: 'Sorted' } }).validate(),
      /completionMode/,
    );
  });

  it('more shards than cells to split is a usage error', async () => {
    const result = await runCli(['plan', '--config', file, '--shards', '6', '--format', 'github']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /5 cells to split besides the baseline; use at most 5 shards/);
  });
});
