import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../harness/cli/errors.js';
import { CONFIG_LIMITS, loadConfigFile, parseConfig } from '../../harness/config/load.js';
import { tempDir } from '../helpers/cli.js';
import { ALIAS_BOMB, assertIssue, issuesOf } from './helpers.js';

describe('config input is bounded', () => {
  it('a YAML alias bomb is a config error naming the alias limit, not an internal error', () => {
    const issues = issuesOf(ALIAS_BOMB);
    assert.equal(issues.length, 1);
    assert.match(issues[0], /YAML aliases expand too much \(more than the limit of 100 alias uses/);
  });

  it('a few aliases still work', () => {
    const config = parseConfig('load: { rateRps: &r 200, durationSeconds: *r }\n', 't.yaml', {}, () => 1);
    assert.equal(config.load.durationSeconds, 200);
    assert.match(issuesOf('load: { rateRps: *nowhere }\n').join('\n'), /Unresolved alias/);
    const aliased = issuesOf('service: &s { workload: user-api }\nmatrix: *s\n');
    assertIssue(aliased, 'matrix', "unknown key 'workload'");
  });

  it('nesting deeper than the limit is refused with the limit in the message', () => {
    const flow = issuesOf(`service: { env: { A: ${'['.repeat(5000)}${']'.repeat(5000)} } }\n`);
    assert.match(flow.join('\n'), /nested too deeply: mappings and lists may nest at most 64 levels/);
    const shallowButOver = issuesOf(`name: ${'['.repeat(70)}${']'.repeat(70)}\n`);
    assert.match(shallowButOver.join('\n'), /nested too deeply: mappings and lists may nest at most 64 levels/);
  });

  it('a text above 1 MiB is refused before it is parsed, saying the limit', () => {
    const issues = issuesOf(`name: ${'x'.repeat(CONFIG_LIMITS.maxBytes + 1)}\n`);
    assert.match(issues[0], /too large: 1\.0 MiB, above the limit of 1\.0 MiB for a config file/);
  });

  it('a file above the limit is refused before it is read; a FIFO without waiting for a writer; a folder as before', async () => {
    const dir = tempDir();
    try {
      const big = join(dir, 'big.yaml');
      writeFileSync(big, `name: ${'x'.repeat(50 * 1024 * 1024)}\n`);
      await assert.rejects(loadConfigFile(big), (error: unknown) => {
        assert.ok(error instanceof ConfigError && error.exitCode === 2);
        assert.match(error.issues[0], /too large: 50\.0 MiB, above the limit of 1\.0 MiB for a config file/);
        assert.ok(error.message.length < 400, error.message.slice(0, 500));
        return true;
      });
      const fifo = join(dir, 'fifo.yaml');
      execFileSync('mkfifo', [fifo]);
      await assert.rejects(loadConfigFile(fifo), /a named pipe \(FIFO\), not a file: give the path of a config file/);
      const folder = join(dir, 'folder.yaml');
      mkdirSync(folder);
      await assert.rejects(loadConfigFile(folder), /is a folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('50,000 env keys parse in linear time (the YAML library compared each key with every earlier one: 30,000 took 8 s)', (t) => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `    K${i}: v`);
    const text = `service:\n  env:\n${lines.join('\n')}\n`;
    assert.ok(text.length < CONFIG_LIMITS.maxBytes);
    const started = process.hrtime.bigint();
    const issues = issuesOf(text);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assertIssue(issues, 'service.env', '50000 variables: at most 1000 may be set here');
    // Quadratic, this took over 20 s; linear, about 1 s on a loaded 2-core machine.
    t.diagnostic(`parsed in ${ms.toFixed(0)} ms (bound 8000 ms)`);
    assert.ok(ms < 8000, `took ${ms.toFixed(0)} ms`);
  });

  it('duplicate keys are still found, at any depth, with line and column', () => {
    assertIssue(issuesOf('rounds: 3\nrounds: 4\n'), 'line 2, column 1', 'Map keys must be unique');
    assertIssue(
      issuesOf('service:\n  env:\n    A: 1\n    B: 2\n    A: 3\n'),
      'line 5, column 5',
      'Map keys must be unique',
    );
    assertIssue(issuesOf('load: { rateRps: 1, rateRps: 2 }\n'), 'line 1, column 21', 'Map keys must be unique');
    assertIssue(
      issuesOf('matrix:\n  sampler:\n    - { type: traceidratio, ratio: 0.1, ratio: 0.2 }\n'),
      'line 3, column 41',
      'Map keys must be unique',
    );
  });

  it('env bounds: names, values and the number of variables', () => {
    assertIssue(
      issuesOf(`service: { env: { ${'N'.repeat(300)}: 1 } }\n`),
      `service.env.${'N'.repeat(300)}`,
      'a variable name may be at most 256 characters',
    );
    assertIssue(
      issuesOf(`service: { env: { BIG: ${'v'.repeat(40_000)} } }\n`),
      'service.env.BIG',
      'must be at most 32768 characters',
    );
    const many = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`V${i}`, 'x']));
    assertIssue(
      issuesOf(`variants:\n  - { name: a, env: ${JSON.stringify(many)} }\n  - { name: b }\n`),
      'variants[0].env',
      '1001 variables: at most 1000 may be set here',
    );
  });

  it('thousands of problems are listed up to 50, with a count of the rest', () => {
    const bad = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`bad-${i}`, 'x']));
    try {
      parseConfig(`service: { env: ${JSON.stringify(bad)} }\n`, 't.yaml', {}, () => 1);
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.issues.length, 500);
      assert.equal(error.message.split('\n').length, 1 + 50 + 1);
      assert.match(error.message, /… and 450 more problems$/);
    }
  });
});

describe('echoed values in config errors', () => {
  it('ANSI escapes are escaped and long values cut, in every kind of issue', () => {
    const esc = '\u001b[2J\u001b[H';
    const long = 'z'.repeat(5000);
    const text = [
      `name: 5`,
      `service: { readyPath: "${esc}${long}", env: { "${esc}": 1 }, perService: { "${esc}x": {} } }`,
      `matrix: { sampler: ["${esc}${long}"], exporter: ["${long}"] }`,
      `"${esc}": 1`,
    ].join('\n');
    const issues = issuesOf(text.replaceAll('\u001b', '\\e'));
    const all = issues.join('\n');
    assert.ok(!all.includes('\u001b'), all);
    assert.ok(all.includes('\\u001b[2J'), all);
    for (const line of issues) assert.ok(line.length < 600, `too long (${line.length}): ${line.slice(0, 200)}`);
    assert.match(all, /… \(\d+ more characters\)/);
  });

  it('a binary file (NULs, 137 KB) gives a short, printable error', () => {
    let seed = 7;
    const bytes = Buffer.alloc(137 * 1024, 0);
    for (let i = 0; i < bytes.length; i += 3) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    try {
      parseConfig(bytes.toString('utf8'), 'binary.yaml', {}, () => 1);
      assert.fail('expected a ConfigError');
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      assert.ok(error.message.length < 20_000, `${error.message.length} characters`);
      assert.ok(!/[\u0000-\u0009\u000b-\u001f]/.test(error.message), error.message.slice(0, 300));
    }
  });

  it('schemaVersion-like type mistakes name the type', () => {
    assertIssue(issuesOf('rounds: "3"\n'), 'rounds', "expected a number, got the string '3'");
  });
});
