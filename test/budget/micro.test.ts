import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { evaluateBudgets } from '../../harness/budget/evaluate.js';
import { parseLimit } from '../../harness/budget/limit.js';
import { loadBudgetsFile, parseBudgets } from '../../harness/budget/load.js';
import { evaluateMicroBudgets, microWhereMatches } from '../../harness/budget/micro.js';
import { compareMicro, DEFAULT_MICRO_THRESHOLD } from '../../harness/budget/micro-compare.js';
import { ConfigError } from '../../harness/cli/errors.js';
import type { Environment } from '../../harness/results/types.js';
import { analyse } from '../../harness/stats/analyse.js';
import { PACKAGE_ROOT } from '../helpers/cli.js';
import { microFixture } from '../report/fixtures/micro-fixtures.js';
import { BASELINE, syntheticResults } from '../stats/synthetic.js';

const ENV: Environment = {
  node: 'v20.20.2',
  os: 'Linux',
  cpuModel: 'Test CPU',
  cores: 2,
  totalMemoryBytes: 1,
  openTelemetry: {},
  tracebench: '0.1.0',
  hostname: 'h',
};

function issues(data: unknown): string[] {
  try {
    parseBudgets(data, 'test');
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues;
  }
  assert.fail('expected a ConfigError');
}

/** Two sides of a compare, with round values per task in ns. */
function sides(base: Record<string, number[]>, head: Record<string, number[]>) {
  return [
    { micro: microFixture({ tasks: base, rounds: Object.values(base)[0].length }), environment: ENV },
    { micro: microFixture({ tasks: head, rounds: Object.values(head)[0].length }), environment: ENV },
  ] as const;
}

describe('micro.nsPerOp limits and scope', () => {
  it('takes a relative change, an overhead in ns and a value in ns, held in µs', () => {
    assert.deepEqual(parseLimit('micro.nsPerOp', '+10%'), {
      kind: 'relative',
      text: '+10%',
      value: 0.1,
      strict: false,
    });
    assert.deepEqual(parseLimit('micro.nsPerOp', '+200ns'), {
      kind: 'overhead',
      text: '+200ns',
      value: 0.2,
      strict: false,
    });
    assert.deepEqual(parseLimit('micro.nsPerOp', '< 2µs'), { kind: 'absolute', text: '< 2µs', value: 2, strict: true });
  });

  it('refuses a bare number: ns or µs would be a guess', () => {
    assert.match(parseLimit('micro.nsPerOp', 500) as string, /needs a unit: write 500ns/);
    assert.match(parseLimit('micro.nsPerOp', '< 500') as string, /needs a unit/);
  });

  it('scopes by suite and by task, as suite/task or the task name, with globs', () => {
    const [budget] = parseBudgets(
      { budgets: [{ where: { suite: 'span', task: ['bare', 'span/attr*'] }, limits: { 'micro.nsPerOp': '+5%' } }] },
      'test',
    );
    assert.deepEqual(budget.where, { suite: ['span'], task: ['bare', 'span/attr*'] });
    assert.ok(microWhereMatches(budget.where, { suite: 'span', task: 'bare' }));
    assert.ok(microWhereMatches(budget.where, { suite: 'span', task: 'attributes-at-start-10' }));
    assert.ok(!microWhereMatches(budget.where, { suite: 'span', task: 'add-event' }));
    assert.ok(!microWhereMatches(budget.where, { suite: 'sampler', task: 'bare' }));
  });

  it('names the problem when a budget mixes cell scope with micro limits, or micro scope with cell metrics', () => {
    assert.deepEqual(issues({ budgets: [{ where: { sampler: 'always_on' }, limits: { 'micro.nsPerOp': '+5%' } }] }), [
      'budgets[0].where.sampler: picks cells, and micro.nsPerOp is not measured per cell: scope micro limits with where.suite or where.task',
    ]);
    assert.deepEqual(issues({ budgets: [{ where: { suite: 'span' }, limits: { cpuUsPerRequest: '+5%' } }] }), [
      'budgets[0].where.suite: picks micro-benchmark tasks, so it cannot scope cpuUsPerRequest: put micro.nsPerOp limits in a budget of their own',
    ]);
    assert.equal(issues({ budgets: [{ where: { suite: 'spans' }, limits: { 'micro.nsPerOp': '+5%' } }] }).length, 1);
  });

  it('keeps the existing budget file valid', async () => {
    const budgets = await loadBudgetsFile(join(PACKAGE_ROOT, 'configs/budgets.yaml'));
    assert.ok(budgets.length >= 5);
  });

  it('a budget of micro limits alone is no cell budget: no "matched no cell" note, no check', () => {
    const results = syntheticResults({
      rounds: 3,
      noise: 0.01,
      cells: [{ id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 }],
    });
    const budgets = parseBudgets({ budgets: [{ limits: { 'micro.nsPerOp': '< 2µs' } }] }, 'test');
    const verdicts = evaluateBudgets(analyse(results), results, budgets);
    assert.deepEqual(verdicts, { checks: [], counts: { pass: 0, fail: 0, inconclusive: 0, error: 0 }, notes: [] });
  });
});

describe('evaluateMicroBudgets: a run judged alone', () => {
  const micro = microFixture({ tasks: { 'span/bare': [1100, 1150, 1120], 'sampler/always-on': [12, 12.5, 12.2] } });

  it('holds each matching task to an absolute limit on the interval over rounds', () => {
    const budgets = parseBudgets(
      {
        budgets: [
          { where: { suite: 'span' }, limits: { 'micro.nsPerOp': '< 1µs' } },
          { where: { suite: 'sampler' }, limits: { 'micro.nsPerOp': '< 100ns' } },
        ],
      },
      'test',
    );
    const { checks } = evaluateMicroBudgets(micro, budgets);
    assert.deepEqual(
      checks.map((c) => [c.id, c.verdict]),
      [
        ['budget[0]:micro.nsPerOp:span/bare', 'fail'],
        ['budget[1]:micro.nsPerOp:sampler/always-on', 'pass'],
      ],
    );
    assert.equal(checks[0].cellId, 'span/bare');
    assert.equal(checks[0].measured.unit, 'µs');
  });

  it('leaves change limits to compare, and says so', () => {
    const verdicts = evaluateMicroBudgets(
      micro,
      parseBudgets({ budgets: [{ limits: { 'micro.nsPerOp': '+10%' } }] }, 'test'),
    );
    assert.equal(verdicts.checks.length, 0);
    assert.match(verdicts.notes[0], /tracebench compare BASE HEAD judges it/);
  });

  it('with one round an absolute limit is inconclusive and asks for rounds', () => {
    const one = microFixture({ tasks: { 'span/bare': 1100 }, rounds: 1 });
    const [check] = evaluateMicroBudgets(
      one,
      parseBudgets({ budgets: [{ limits: { 'micro.nsPerOp': '< 5µs' } }] }, 'test'),
    ).checks;
    assert.equal(check.verdict, 'inconclusive');
    assert.match(check.message, /--rounds 3/);
  });

  it('results without micro-benchmarks but with micro limits get a note, not a check', () => {
    const verdicts = evaluateMicroBudgets(
      undefined,
      parseBudgets({ budgets: [{ limits: { 'micro.nsPerOp': '< 5µs' } }] }, 'test'),
    );
    assert.equal(verdicts.checks.length, 0);
    assert.match(verdicts.notes[0], /no micro-benchmarks/);
  });
});

describe('compareMicro: a task against the same task of a base run', () => {
  it('a primitive slowed by 2 µs fails against the default +10%, its untouched neighbour does not', () => {
    const [base, head] = sides(
      { 'sampler/always-on': [12.4, 12.3, 12.6], 'sampler/always-off': [12.8, 12.9, 12.7] },
      { 'sampler/always-on': [2012, 2013, 2011], 'sampler/always-off': [12.9, 12.7, 12.8] },
    );
    const verdicts = compareMicro(base, head);
    const byTask = Object.fromEntries(verdicts.checks.map((c) => [c.cellId, c]));
    assert.equal(byTask['sampler/always-on'].verdict, 'fail');
    assert.equal(byTask['sampler/always-on'].kind, 'regression');
    assert.equal(byTask['sampler/always-on'].limit.text, `+${DEFAULT_MICRO_THRESHOLD * 100}%`);
    assert.notEqual(byTask['sampler/always-off'].verdict, 'fail');
  });

  it('isolate-to-isolate noise is carried by the rounds: a spread-out rerun is inconclusive, not a fail', () => {
    const [base, head] = sides({ 'span/bare': [1104, 1151, 1131] }, { 'span/bare': [1661, 3297, 1849] });
    const [check] = compareMicro(base, head).checks;
    assert.equal(check.verdict, 'inconclusive');
  });

  it('an unchanged rerun with a little noise passes', () => {
    const [base, head] = sides({ 'span/add-event': [1441, 1509, 1469] }, { 'span/add-event': [1488, 1506, 1459] });
    assert.equal(compareMicro(base, head).checks[0].verdict, 'pass');
  });

  it('a budget that names the task replaces the default; an overhead limit bounds the change in µs', () => {
    const [base, head] = sides(
      { 'span/bare': [1000, 1010, 990], 'span/add-event': [1400, 1410, 1390] },
      { 'span/bare': [1300, 1310, 1290], 'span/add-event': [1700, 1710, 1690] },
    );
    const budgets = parseBudgets(
      {
        budgets: [
          { where: { task: 'span/bare' }, limits: { 'micro.nsPerOp': '+50%' } },
          { where: { task: 'add-event' }, limits: { 'micro.nsPerOp': '+200ns' } },
        ],
      },
      'test',
    );
    const checks = compareMicro(base, head, { budgets }).checks;
    assert.deepEqual(
      checks.map((c) => [c.id, c.verdict, c.measured.unit]),
      [
        ['regression:micro.nsPerOp:span/bare#budget[0]', 'pass', '%'],
        ['regression:micro.nsPerOp:span/add-event#budget[1]', 'fail', 'µs'],
      ],
    );
  });

  it('one round a side cannot draw an interval: inconclusive, asking for rounds', () => {
    const [base, head] = sides({ 'span/bare': [1000] }, { 'span/bare': [5000] });
    const [check] = compareMicro(base, head).checks;
    assert.equal(check.verdict, 'inconclusive');
    assert.match(check.message, /--rounds 3/);
  });

  it('notes what it could not compare, and a test-only slowdown', () => {
    const base = { micro: microFixture({ tasks: { 'span/bare': 1000, 'span/add-event': 1400 } }), environment: ENV };
    const head = {
      micro: microFixture({
        tasks: { 'span/bare': 1000, 'sampler/always-on': 12 },
        slowPrimitive: { task: 'span/bare', burnNs: 10 },
      }),
      environment: { ...ENV, cpuModel: 'Other CPU' },
    };
    const { notes } = compareMicro(base, head);
    assert.ok(
      notes.some((n) => /only in base, not compared: span\/add-event/.test(n)),
      notes.join('\n'),
    );
    assert.ok(notes.some((n) => /only in head, not compared: sampler\/always-on/.test(n)));
    assert.ok(notes.some((n) => /head slowed span\/bare by 10 ns/.test(n)));
    assert.ok(notes.some((n) => /cross machines \(CPU Test CPU vs Other CPU\)/.test(n)));
    assert.deepEqual(compareMicro({ environment: ENV }, head).notes, [
      'only head holds micro-benchmarks: nothing to compare them with; run tracebench micro for both.',
    ]);
    assert.deepEqual(compareMicro({ environment: ENV }, { environment: ENV }), {
      checks: [],
      counts: { pass: 0, fail: 0, inconclusive: 0, error: 0 },
      notes: [],
    });
  });
});
