import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';

/** One short micro run (sampler suite, quick profile, 3 rounds: about 2 s); the results.json it wrote. */
async function microRun(out: string, slow?: string): Promise<string> {
  // runCli hands the child this process's environment: set the test-only slowdown around the one run that needs it.
  if (slow) process.env.TRACEBENCH_TEST_SLOW_PRIMITIVE = slow;
  try {
    const result = await runCli(['micro', '--quick', '--suite', 'sampler', '--rounds', '3', '--out', out], {
      timeoutMs: 60_000,
    });
    assert.equal(result.code, 0, result.stderr);
  } finally {
    delete process.env.TRACEBENCH_TEST_SLOW_PRIMITIVE;
  }
  const [dir] = readdirSync(out);
  return join(out, dir, 'results.json');
}

describe('tracebench compare on micro-benchmarks', () => {
  const dir = tempDir('tb-micro-compare-');
  let base = '';
  let rerun = '';
  let slowed = '';
  before(async () => {
    base = await microRun(join(dir, 'base'));
    rerun = await microRun(join(dir, 'rerun'));
    slowed = await microRun(join(dir, 'slowed'), 'sampler/always-on:2000');
  });

  it('a slowed primitive fails (exit 1), named first, with its change and interval; the JUnit file has the failure', async () => {
    const junit = join(dir, 'compare.xml');
    const result = await runCli(['compare', base, slowed, '--junit', junit]);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout.split('\n')[0],
      /^FAIL\s+sampler\/always-on: ns\/op change from base \+[\d,.]+% \(95% CI \+[\d,.]+% to \+[\d,.]+%\) is beyond \+10% over its whole interval\./,
    );
    assert.equal(result.stdout.match(/^FAIL/gm)?.length, 1, result.stdout);
    assert.match(result.stdout, /note: head slowed sampler\/always-on by 2000 ns per operation on purpose/);
    assert.match(
      readFileSync(junit, 'utf8'),
      /<testcase classname="tracebench.regression" name="ns\/op \(micro.nsPerOp\) @ sampler\/always-on" time="0">\s*<failure/,
    );
  });

  it('an unchanged rerun does not fail', async () => {
    const result = await runCli(['compare', base, rerun]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.doesNotMatch(result.stdout, /^FAIL/m);
    assert.match(result.stdout, /^\d+ fail, \d+ inconclusive, \d+ pass .*micro \+10\.0%/m);
  });

  it('a budgets file sets the limit per task: a generous one lets the slowed primitive pass', async () => {
    const budgets = writeConfig(
      dir,
      `budgets:\n  - where: { task: sampler/always-on }\n    limits: { micro.nsPerOp: +100000% }\n`,
      'budgets.yaml',
    );
    const result = await runCli(['compare', base, slowed, '--budgets', budgets]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^PASS\s+sampler\/always-on: .* is within \+100,000% over its whole interval\./m);
  });
});
