import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../harness/cli/errors.js';
import { defaultConfigPath, loadConfigFile, packageRoot, parseConfig } from '../../harness/config/load.js';
import { assertIssue, issuesOf } from './helpers.js';

describe('loading config files', () => {
  it('a missing file names the path and how to fix it', async () => {
    const missing = join(packageRoot(), 'configs', 'no-such-file.yaml');
    await assert.rejects(loadConfigFile(missing), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.exitCode, 2);
      assert.match(err.issues[0], /^file not found: .*no-such-file\.yaml; check the path/);
      assert.match(err.issues[0], /configs\/default\.yaml/);
      return true;
    });
  });

  it('a folder instead of a file says so', async () => {
    await assert.rejects(loadConfigFile(join(packageRoot(), 'configs')), /is a folder/);
  });

  it('a YAML syntax error gives line and column', () => {
    const issues = issuesOf('rounds: 3\nmatrix:\n  sampler: [always_on\n  exporter: [none]\n');
    assert.ok(issues.length >= 1);
    assert.match(issues[0], /^line \d+, column \d+: .*\(YAML syntax\)$/, issues.join('\n'));
  });

  it('a duplicate key is a YAML error on its line', () => {
    assertIssue(issuesOf('rounds: 3\nrounds: 4\n'), 'line 2, column 1', 'Map keys must be unique');
  });

  it('a document that is not a mapping', () => {
    assertIssue(issuesOf('- always_on\n'), '(top level)', 'expected a mapping, got a list');
  });

  it('the error message lists every problem under the file name', () => {
    assert.throws(
      () => parseConfig('rounds: 0\nload: { threads: 0 }\n', 'configs/bad.yaml'),
      (err: unknown) =>
        err instanceof ConfigError &&
        /^configs\/bad\.yaml: 2 problems:\n {2}- rounds: .*\n {2}- load\.threads: /.test(err.message),
    );
  });
});

describe('overrides', () => {
  it('win over the file', () => {
    const config = parseConfig('rounds: 3\nseed: 1\n', 'x.yaml', { rounds: 5, seed: 9 });
    assert.equal(config.rounds, 5);
    assert.equal(config.seed, 9);
    assert.equal(config.seedSource, 'override');
  });

  it('are validated like the file, and named by their flag', () => {
    const issues = issuesOf('rounds: 3\n', { rounds: 0, seed: 1.5 });
    assertIssue(issues, '--rounds', 'must be a whole number between 1 and 1000, got 0');
    assertIssue(issues, '--seed', 'must be a whole number between 0 and 4294967295, got 1.5');
  });

  it('without a seed anywhere, the clock gives one and it is recorded', () => {
    const config = parseConfig('', 'x.yaml', {}, () => 1_700_000_000_123);
    assert.equal(config.seedSource, 'clock');
    assert.ok(Number.isInteger(config.seed) && config.seed >= 0 && config.seed < 2 ** 32);
    assert.equal(parseConfig('', 'x.yaml', {}, () => 1_700_000_000_123).seed, config.seed);
  });
});

describe('defaultConfigPath', () => {
  it('points at configs/default.yaml in the package root', () => {
    assert.ok(defaultConfigPath().endsWith(join('configs', 'default.yaml')));
    assert.ok(existsSync(defaultConfigPath()));
  });
});
