import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateBudgets } from '../../harness/budget/evaluate.js';
import { globMatches } from '../../harness/plan/where.js';
import { parseBudgets } from '../../harness/budget/load.js';
import type { Check } from '../../harness/budget/types.js';
import { analyse } from '../../harness/stats/analyse.js';
import { BASELINE, sdk, type SyntheticCell, syntheticResults } from '../stats/synthetic.js';

const TRACED = 'always_on~batch~otlp-http-protobuf';

/** Baseline at 400 µs/request and one traced cell with the given true CPU overhead. */
function run(
  overhead: number,
  options: { rounds?: number; noise?: number; traced?: Partial<SyntheticCell>; seed?: number } = {},
) {
  return syntheticResults({
    rounds: options.rounds ?? 5,
    noise: options.noise ?? 0.005,
    seed: options.seed ?? 1,
    cells: [
      { id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 },
      { id: TRACED, settings: sdk('always_on'), cpuUsPerRequest: 400 * (1 + overhead), ...options.traced },
    ],
  });
}

function judge(results: ReturnType<typeof run>, limits: Record<string, unknown>, where?: Record<string, unknown>) {
  return evaluateBudgets(
    analyse(results),
    results,
    parseBudgets({ budgets: [{ ...(where ? { where } : {}), limits }] }, 'test'),
  );
}

const only = (checks: Check[], cellId = TRACED) => {
  const mine = checks.filter((c) => c.cellId === cellId);
  assert.equal(mine.length, 1, JSON.stringify(checks.map((c) => c.id)));
  return mine[0];
};

describe('budget verdicts', () => {
  it('pass: a +2% overhead against a +10% budget lies wholly within it', () => {
    const check = only(judge(run(0.02), { cpuUsPerRequest: '+10%' }).checks);
    assert.equal(check.verdict, 'pass');
    assert.equal(check.measured.unit, '%');
    assert.ok(Math.abs(check.measured.estimate - 2) < 1, String(check.measured.estimate));
  });

  it('fail: a +30% overhead against a +10% budget lies wholly beyond it, and the message says value, interval and limit', () => {
    const check = only(judge(run(0.3), { cpuUsPerRequest: '+10%' }).checks);
    assert.equal(check.verdict, 'fail');
    assert.match(
      check.message,
      /CPU µs\/request overhead over baseline \+\d+(\.\d+)?% \(95% CI \+\d+(\.\d+)?% to \+\d+(\.\d+)?%\) is beyond \+10%/,
    );
  });

  it('inconclusive: a +10% overhead with 5% noise and 3 rounds straddles a +10% budget, with the rounds that would settle it', () => {
    const check = only(
      judge(run(0.1, { rounds: 3, noise: 0.05, traced: { cpuUsPerRequest: 400 * 1.12 } }), { cpuUsPerRequest: '+10%' })
        .checks,
    );
    assert.equal(check.verdict, 'inconclusive');
    assert.ok(check.roundsToSettle !== undefined && check.roundsToSettle > 3, String(check.roundsToSettle));
    assert.match(check.message, /add rounds: about \d+ in all would likely settle it \(this run had 3\)/);
  });

  it('an absolute limit with a unit: p99 of ~5 ms passes < 10ms', () => {
    const check = only(judge(run(0.1), { 'latencyUs.p99': '< 10ms' }).checks);
    assert.equal(check.verdict, 'pass');
    assert.equal(check.limit.value, 10_000);
    assert.equal(check.measured.unit, 'µs');
  });

  it('an absolute limit with a unit: p99 of ~5 ms fails < 2ms', () => {
    assert.equal(only(judge(run(0.1), { 'latencyUs.p99': '< 2ms' }).checks).verdict, 'fail');
  });

  it('an overhead limit in the metric unit: +40 µs over a 400 µs baseline fails +20us', () => {
    const check = only(judge(run(0.1), { cpuUsPerRequest: '+20us' }).checks);
    assert.equal(check.verdict, 'fail');
    assert.equal(check.of, 'change');
  });

  it('a count is judged on every round: one round that dropped spans fails spans.dropped: 0', () => {
    const check = only(judge(run(0, { traced: { dropped: (r) => (r === 2 ? 5 : 0) } }), { 'spans.dropped': 0 }).checks);
    assert.equal(check.verdict, 'fail');
    assert.equal(check.judgedOn, 'rounds');
    assert.match(check.message, /in 1 of 5 rounds \(worst 5 spans\)/);
  });

  it('a count that is 0 in every round passes spans.dropped: 0', () => {
    const check = only(judge(run(0), { 'spans.dropped': 0 }).checks);
    assert.equal(check.verdict, 'pass');
    assert.equal(check.judgedOn, 'rounds');
  });

  it('the baseline is not judged against relative limits', () => {
    const checks = judge(run(0.02), { cpuUsPerRequest: '+10%' }).checks;
    assert.deepEqual(
      checks.map((c) => c.cellId),
      [TRACED],
    );
  });

  it('the baseline is judged against absolute limits', () => {
    const checks = judge(run(0.02), { 'latencyUs.p99': '< 10ms' }).checks;
    assert.deepEqual(checks.map((c) => c.cellId).sort(), ['always_on~batch~otlp-http-protobuf', 'baseline']);
  });

  it('where scopes a budget to the cells whose settings match', () => {
    const results = syntheticResults({
      rounds: 3,
      cells: [
        { id: 'baseline', settings: BASELINE },
        { id: TRACED, settings: sdk('always_on') },
        { id: 'parentbased_traceidratio-0.1~batch~otlp-http-protobuf', settings: sdk('parentbased_traceidratio') },
        { id: 'always_on~simple~none', settings: sdk('always_on', 'simple', 'none') },
      ],
    });
    const ids = (where: Record<string, unknown>) =>
      judge(results, { 'latencyUs.p99': '< 1s' }, where)
        .checks.map((c) => c.cellId)
        .sort();
    assert.deepEqual(ids({ sampler: 'parentbased_traceidratio' }), [
      'parentbased_traceidratio-0.1~batch~otlp-http-protobuf',
    ]);
    assert.deepEqual(ids({ processor: 'simple' }), ['always_on~simple~none']);
    assert.deepEqual(ids({ cell: 'always_on~*' }), ['always_on~batch~otlp-http-protobuf', 'always_on~simple~none']);
    assert.deepEqual(ids({ exporter: 'otlp-http-protobuf', sampler: 'always_on' }), [TRACED]);
  });

  it('a budget that matches no cell leaves a note', () => {
    const verdicts = judge(run(0), { cpuUsPerRequest: '+10%' }, { exporter: 'zipkin' });
    assert.equal(verdicts.checks.length, 0);
    assert.match(verdicts.notes[0], /budgets\[0\] \(where exporter: zipkin\) matched no cell/);
  });

  it('with one round, a relative limit is inconclusive: no interval can be drawn', () => {
    const check = only(judge(run(0.5, { rounds: 1 }), { cpuUsPerRequest: '+10%' }).checks);
    assert.equal(check.verdict, 'inconclusive');
    assert.match(check.message, /an interval needs at least 2/);
  });

  it('counts verdicts', () => {
    const verdicts = judge(run(0.3), { cpuUsPerRequest: '+10%', 'spans.dropped': 0 });
    assert.deepEqual(verdicts.counts, { pass: 2, fail: 1, inconclusive: 0, error: 0 });
  });

  it('check ids are unique and name budget, metric and cell', () => {
    const checks = judge(run(0.3), { cpuUsPerRequest: '+10%', 'latencyUs.p99': '< 1s' }).checks;
    assert.equal(new Set(checks.map((c) => c.id)).size, checks.length);
    assert.ok(checks.some((c) => c.id === `budget[0]:cpuUsPerRequest:${TRACED}`));
  });

  it('cell patterns: * matches any run of characters, everything else is literal', () => {
    assert.ok(globMatches('always_on~*', 'always_on~batch~none'));
    assert.ok(!globMatches('traceidratio-0.1*', 'traceidratio-0x1~batch'));
  });
});
