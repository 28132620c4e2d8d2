import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJson, runCli, tempDir } from '../helpers/cli.js';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/types.js';

describe('tracebench micro', () => {
  it('runs the named suites in workers, prints ns/op and the claims, and writes results.json with its views', async () => {
    const out = tempDir();
    const result = await runCli(['micro', '--quick', '--suite', 'sampler', '--rounds', '2', '--out', out], {
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /sampler\/always-on\s+[\d.]+ ns/);
    assert.match(result.stdout, /published claims vs measured here/);
    const [dir] = readdirSync(out);
    assert.deepEqual(readdirSync(join(out, dir)).sort(), ['junit.xml', 'report.html', 'results.json', 'summary.md']);
    const results = readJson(join(out, dir, 'results.json'));
    assert.equal(results.schemaVersion, RESULTS_SCHEMA_VERSION);
    assert.deepEqual(results.cells, []);
    assert.deepEqual(
      results.micro.suites.map((s: { suite: string; round: number }) => `${s.round}:${s.suite}`),
      ['0:sampler', '1:sampler'],
    );
    assert.notEqual(results.micro.suites[0].workerThreadId, results.micro.suites[1].workerThreadId);
    assert.ok(results.micro.suites.every((s: { tasks: { samples: number }[] }) => s.tasks.every((t) => t.samples > 0)));
    assert.match(
      readFileSync(join(out, dir, 'summary.md'), 'utf8'),
      /### Micro-benchmarks: published claims vs measured here/,
    );
    assert.match(readFileSync(join(out, dir, 'report.html'), 'utf8'), /<table class="cells metrics claims">/);

    const summary = readFileSync(join(out, dir, 'summary.md'), 'utf8');
    const rebuilt = await runCli(['report', join(out, dir)]);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal(readFileSync(join(out, dir, 'summary.md'), 'utf8'), summary, 'report DIR rebuilds the same summary');
  });

  it('an unknown suite is a usage error naming it and the valid ones', async () => {
    const result = await runCli(['micro', '--suite', 'spans', '--out', tempDir()], { timeoutMs: 30_000 });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"spans"/);
    assert.match(result.stderr, /span, propagation, sampler, processor, serialize/);
  });
});
