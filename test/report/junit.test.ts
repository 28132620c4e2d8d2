import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Check, Verdicts } from '../../harness/budget/types.js';
import { renderJUnit } from '../../harness/report/junit.js';
import { findAll, parseXml } from './xml.js';

function check(verdict: Check['verdict'], extra: Partial<Check> = {}): Check {
  return {
    id: `budget[0]:cpuUsPerRequest:always_on~batch~otlp-http-protobuf:${verdict}`,
    kind: 'budget',
    cellId: 'always_on~batch~otlp-http-protobuf',
    metric: 'cpuUsPerRequest',
    verdict,
    measured: { estimate: 14.2, low: 11, high: 17.5, unit: '%', level: 0.95 },
    of: 'change',
    limit: { text: '+10%', value: 10 },
    judgedOn: 'interval',
    message:
      'CPU µs/request overhead over baseline +14.2% (95% CI +11% to +17.5%) is beyond +10% over its whole interval.',
    ...(verdict === 'inconclusive' ? { roundsToSettle: 12 } : {}),
    resolution: null,
    ...extra,
  };
}

function verdicts(checks: Check[], notes: string[] = []): Verdicts {
  const counts = { pass: 0, fail: 0, inconclusive: 0, error: 0 };
  for (const c of checks) counts[c.verdict]++;
  return { checks, counts, notes };
}

describe('JUnit XML', () => {
  const all = verdicts(
    [
      check('fail'),
      check('pass'),
      check('inconclusive'),
      check('fail', { kind: 'ab', id: 'ab:x', variant: 'head' }),
      check('pass', { kind: 'regression', id: 'r:x' }),
    ],
    ['the comparison crosses machines'],
  );

  it('is well-formed XML', () => {
    assert.doesNotThrow(() => parseXml(renderJUnit(all)));
  });

  it('has one testcase per check', () => {
    assert.equal(findAll(parseXml(renderJUnit(all)), 'testcase').length, 5);
  });

  it('counts tests, failures and skipped on the root', () => {
    const root = parseXml(renderJUnit(all));
    assert.deepEqual([root.attributes.tests, root.attributes.failures, root.attributes.skipped], ['5', '2', '1']);
  });

  it('groups testcases by kind: classname and one suite per kind', () => {
    const root = parseXml(renderJUnit(all));
    assert.deepEqual(
      findAll(root, 'testsuite').map((s) => s.attributes.name),
      ['tracebench budgets', 'tracebench regressions', 'tracebench same-run A/B'],
    );
    assert.ok(findAll(root, 'testcase').some((t) => t.attributes.classname === 'tracebench.ab'));
  });

  it('names each testcase by metric and cell', () => {
    const names = findAll(parseXml(renderJUnit(all)), 'testcase').map((t) => t.attributes.name);
    assert.ok(
      names.includes('CPU µs/request (cpuUsPerRequest) @ always_on~batch~otlp-http-protobuf'),
      names.join('\n'),
    );
    assert.ok(names.includes('CPU µs/request (cpuUsPerRequest) @ always_on~batch~otlp-http-protobuf@head'));
  });

  it('a failure message gives the measured value, its interval and the limit', () => {
    const [failure] = findAll(parseXml(renderJUnit(verdicts([check('fail')]))), 'failure');
    assert.equal(failure.attributes.message, 'measured +14.2% (95% CI +11% to +17.5%), limit +10%');
  });

  it('an inconclusive check is skipped, with the rounds that would settle it', () => {
    const [skipped] = findAll(parseXml(renderJUnit(verdicts([check('inconclusive')]))), 'skipped');
    assert.match(skipped.attributes.message, /^inconclusive: measured .*limit \+10%; about 12 rounds/);
  });

  it('a passing check has neither failure nor skipped', () => {
    const root = parseXml(renderJUnit(verdicts([check('pass')])));
    assert.equal(findAll(root, 'failure').length + findAll(root, 'skipped').length, 0);
  });

  it('escapes names and messages that came from configs, and drops characters XML cannot carry', () => {
    const nasty = `a"b'<c>&d]]>\u0001`;
    const xml = renderJUnit(
      verdicts([
        check('fail', {
          cellId: nasty,
          variant: '</testcase>',
          message: nasty,
          limit: { text: '< 5ms & "x"', value: 5000 },
        }),
      ]),
    );
    const root = parseXml(xml);
    const [testcase] = findAll(root, 'testcase');
    assert.equal(testcase.attributes.name, `CPU µs/request (cpuUsPerRequest) @ a"b'<c>&d]]>\uFFFD@</testcase>`);
    assert.match(findAll(root, 'failure')[0].attributes.message, /limit < 5ms & "x"$/);
  });

  it('puts notes in system-out', () => {
    assert.equal(findAll(parseXml(renderJUnit(all)), 'system-out')[0].text, 'the comparison crosses machines');
  });

  it('with no checks is still a valid, empty report', () => {
    const root = parseXml(renderJUnit(verdicts([])));
    assert.equal(root.attributes.tests, '0');
  });
});
