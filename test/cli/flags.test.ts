import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../harness/cli/errors.js';
import { integerFlag, joinNegativeValues, percentFlag } from '../../harness/cli/flags.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../helpers/cli.js';
import { windowsResults } from '../report/fixtures/windows-fixtures.js';

describe('integer flags', () => {
  it('take plain decimal digits', () => {
    assert.equal(integerFlag('rounds', '16', 1), 16);
    assert.equal(integerFlag('seed', '0', 0), 0);
    assert.equal(integerFlag('rounds', undefined, 1), undefined);
  });

  for (const raw of ['0x10', '1e3', ' 5', '5.0', '+5', '-1', '', 'abc', '99999999999999999999', '0b11', '0o17'])
    it(`refuse ${JSON.stringify(raw)} with one clear message`, () => {
      assert.throws(
        () => integerFlag('rounds', raw, 1),
        (error: unknown) =>
          error instanceof UsageError &&
          error.exitCode === 2 &&
          error.message === `--rounds: expected a positive whole number, got "${raw}"`,
      );
    });

  it('a flag that allows 0 says so', () => {
    assert.throws(() => integerFlag('seed', '-3', 0), /--seed: expected a whole number of at least 0, got "-3"/);
  });

  it('an echoed value is cut and escaped', () => {
    assert.throws(
      () => integerFlag('rounds', `\u001b[2J${'9'.repeat(200)}`, 1),
      (error: unknown) => {
        const message = (error as Error).message;
        return !message.includes('\u001b') && message.includes('\\u001b[2J') && /more characters\)"$/.test(message);
      },
    );
    assert.throws(
      () => percentFlag('threshold', '\u001bx', 0.05),
      /--threshold: expected a percentage such as 5%, got "\\u001bx"/,
    );
  });

  it('a negative value after a flag reaches the flag, not the option parser', () => {
    assert.deepEqual(joinNegativeValues(['--rounds', '-1', '--config', 'x.yaml']), [
      '--rounds=-1',
      '--config',
      'x.yaml',
    ]);
    assert.deepEqual(joinNegativeValues(['--config', '--rounds', '2']), ['--config', '--rounds', '2']);
  });

  it('the CLI: --rounds 0x10 and --rounds -1 exit 2 with the message, before anything runs', async () => {
    for (const raw of ['0x10', '-1']) {
      const result = await runCli(
        ['run', '--rounds', raw, '--config', 'configs/default.yaml', '--out', '/nonexistent-dir-never-created'],
        { timeoutMs: 20_000 },
      );
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stderr.trim(), `tracebench: --rounds: expected a positive whole number, got "${raw}"`);
    }
  });
});

describe('a windows config (the default) refuses what only the trials method does, before anything runs', () => {
  for (const flags of [['--rounds', '5'], ['--shard', '1/2'], ['--profile']])
    it(`run ${flags.join(' ')}: exit 2, naming the option and what to use instead`, async () => {
      const result = await runCli(['run', ...flags, '--out', '/nonexistent-dir-never-created'], { timeoutMs: 20_000 });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /trials-method option, but .*default\.yaml runs the windows method/);
      assert.match(result.stderr, /--max-minutes instead, or run a trials config such as configs\/matrix\.yaml/);
    });

  it('plan --shards 2 and --format github: exit 2, the windows method does not split into shards', async () => {
    for (const flags of [
      ['--shards', '2'],
      ['--format', 'github'],
    ]) {
      const result = await runCli(['plan', ...flags], { timeoutMs: 20_000 });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /runs the windows method .* does not split into shards/);
    }
  });

  it('compare of a windows run: exit 2, pointing at variants in one windows run', async () => {
    const file = join(tempDir(), 'results.json');
    writeFileSync(file, JSON.stringify(windowsResults()));
    const result = await runCli(['compare', file, file], { timeoutMs: 20_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /BASE .* is a windows run .* with variants/);
  });

  it('calibrate --from=FILE pools like --from FILE; an empty --from (an unset variable) exits 2 instead of measuring', async () => {
    const dir = tempDir();
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify(windowsResults()));
    const pooled = await runCli(['calibrate', `--from=${file}`, '--write', join(dir, 'c.json')], { timeoutMs: 20_000 });
    assert.equal(pooled.code, 0, pooled.stderr);
    assert.match(pooled.stdout, /4 degrees of freedom from 2 comparison\(s\)/);
    for (const flags of [['--from', ''], ['--from=']]) {
      const empty = await runCli(['calibrate', ...flags, '--out', dir], { timeoutMs: 20_000 });
      assert.equal(empty.code, 2, `${flags.join(' ')}: ${empty.stderr}`);
      assert.match(empty.stderr, /--from takes results\.json files, comma-separated \(got none\)/);
    }
  });
});
