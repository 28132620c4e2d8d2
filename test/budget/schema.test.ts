import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../harness/cli/errors.js';
import { parseLimit } from '../../harness/budget/limit.js';
import { loadBudgetsFile, parseBudgets, parseBudgetsText } from '../../harness/budget/load.js';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.exitCode, 2);
    return err.issues;
  }
  assert.fail('expected a ConfigError');
}

describe('limits', () => {
  it('+10% is an upper bound on the relative overhead, as a fraction', () => {
    assert.deepEqual(parseLimit('cpuUsPerRequest', '+10%'), {
      kind: 'relative',
      text: '+10%',
      value: 0.1,
      strict: false,
    });
  });

  it('< 5ms on a µs metric is an absolute bound of 5000 µs, strict', () => {
    assert.deepEqual(parseLimit('latencyUs.p99', '< 5ms'), {
      kind: 'absolute',
      text: '< 5ms',
      value: 5000,
      strict: true,
    });
  });

  it('<= 2 s on gc.pauseTotalMs converts to milliseconds', () => {
    assert.deepEqual(parseLimit('gc.pauseTotalMs', '<= 2 s'), {
      kind: 'absolute',
      text: '<= 2 s',
      value: 2000,
      strict: false,
    });
  });

  it('sizes take B, KiB and MiB', () => {
    assert.equal((parseLimit('rssPeakBytes', '< 128MiB') as { value: number }).value, 128 * 1024 * 1024);
    assert.equal((parseLimit('rssPeakBytes', '512 KiB') as { value: number }).value, 512 * 1024);
  });

  it('a signed value with a unit bounds the overhead in the metric unit (+50us)', () => {
    assert.deepEqual(parseLimit('cpuUsPerRequest', '+50us'), {
      kind: 'overhead',
      text: '+50us',
      value: 50,
      strict: false,
    });
  });

  it('a bare number is an absolute bound in the metric unit (spans.dropped: 0)', () => {
    assert.deepEqual(parseLimit('spans.dropped', 0), { kind: 'absolute', text: '0', value: 0, strict: false });
  });

  it('a unit of the wrong kind is refused with the units that fit', () => {
    assert.match(parseLimit('latencyUs.p99', '< 5MiB') as string, /a time: use µs \(or us\), ms or s/);
  });

  it('a relative limit on a span count is refused with the reason', () => {
    assert.match(parseLimit('spans.dropped', '+5%') as string, /write a count such as 0/);
  });
});

describe('budgets file', () => {
  it('parses where and limits, with where values as lists', () => {
    const [b] = parseBudgets(
      {
        budgets: [
          { where: { sampler: 'parentbased_traceidratio', cell: ['a*'] }, limits: { cpuUsPerRequest: '+10%' } },
        ],
      },
      'b.yaml',
    );
    assert.deepEqual(b.where, { sampler: ['parentbased_traceidratio'], cell: ['a*'] });
    assert.equal(b.limits.cpuUsPerRequest?.kind, 'relative');
  });

  it('a budget without where applies to every cell', () => {
    assert.deepEqual(parseBudgets({ budgets: [{ limits: { 'spans.dropped': 0 } }] }, 'b.yaml')[0].where, {});
  });

  it('takes the list itself, as a config section holds it', () => {
    assert.equal(parseBudgets([{ limits: { 'spans.dropped': 0 } }], 'c.yaml').length, 1);
  });

  it('a bad budget file names every problem at once, each with its path', () => {
    const issues = problems(() =>
      parseBudgetsText(
        [
          'budgets:',
          '  - where: { sampler: alwayson, colour: red }',
          '    limits:',
          '      cpuUsPerRequest: lots',
          '      latencyUs.p99: < 5MiB',
          '      latency: 5ms',
          '  - limits: {}',
        ].join('\n'),
        'bad.yaml',
      ),
    );
    assert.equal(issues.length, 6, issues.join('\n'));
    assert.match(issues.join('\n'), /^budgets\[0\]\.where\.sampler: expected one of always_on, .*got 'alwayson'/m);
    assert.match(
      issues.join('\n'),
      /^budgets\[0\]\.where: unknown key 'colour' \(allowed: cell, sampler, processor, exporter, variant, suite, task\)/m,
    );
    assert.match(
      issues.join('\n'),
      /^budgets\[0\]\.limits\.cpuUsPerRequest: expected a limit such as \+10%, \+50µs, < 5ms or 0, got 'lots'/m,
    );
    assert.match(issues.join('\n'), /^budgets\[0\]\.limits\["latencyUs\.p99"\]: latencyUs\.p99 is a time/m);
    assert.match(issues.join('\n'), /^budgets\[0\]\.limits: unknown key 'latency'/m);
    assert.match(issues.join('\n'), /^budgets\[1\]\.limits: must name at least one metric/m);
  });

  it('YAML syntax errors come with line and column', () => {
    const issues = problems(() => parseBudgetsText('budgets:\n  - limits: { cpuUsPerRequest: +10%\n', 'broken.yaml'));
    assert.match(issues[0], /^line \d+, column \d+: .*\(YAML syntax\)$/);
  });

  it('a missing file is a config error (exit 2) that names the path', async () => {
    await assert.rejects(
      loadBudgetsFile('/nonexistent/budgets.yaml'),
      (err: unknown) => err instanceof ConfigError && /file not found/.test(err.message),
    );
  });

  it('loads a file from disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tb-budgets-'));
    const path = join(dir, 'b.yaml');
    writeFileSync(path, 'budgets:\n  - limits: { cpuUsPerRequest: +10% }\n');
    assert.equal((await loadBudgetsFile(path)).length, 1);
  });

  it('configs/budgets.yaml is a valid budgets file', async () => {
    const budgets = await loadBudgetsFile(join(process.cwd(), 'configs', 'budgets.yaml'));
    assert.ok(budgets.length > 0);
  });
});

describe('coverage limits', () => {
  it('a lower bound in percent parses; anything else says how to write one', async () => {
    const { budgetsSchema } = await import('../../harness/budget/schema.js');
    const ok = budgetsSchema.safeParse([{ limits: { 'coverage.errors': '>= 99%', 'coverage.whole': '> 90%' } }]);
    assert.ok(ok.success);
    assert.deepEqual(ok.data[0].limits['coverage.errors'], {
      kind: 'atLeast',
      text: '>= 99%',
      value: 0.99,
      strict: false,
    });
    const bad = budgetsSchema.safeParse([{ limits: { 'coverage.errors': '< 99%' } }]);
    assert.ok(!bad.success);
    assert.match(JSON.stringify(bad.error.issues), /lower bound such as >= 99%/);
  });
});
