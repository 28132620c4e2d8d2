import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareResults, compareVariants } from '../../harness/budget/compare.js';
import { analyse } from '../../harness/stats/analyse.js';
import { BASELINE, sdk, type SyntheticRun, syntheticResults } from '../stats/synthetic.js';

const TRACED = 'always_on~batch~otlp-http-protobuf';

function run(cpuTraced: number, extra: Partial<SyntheticRun> = {}) {
  return syntheticResults({
    rounds: 5,
    noise: 0.02,
    cells: [
      { id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 },
      { id: TRACED, settings: sdk('always_on'), cpuUsPerRequest: cpuTraced },
    ],
    ...extra,
  });
}

describe('compare two runs', () => {
  it('a run against itself has no fail', () => {
    const r = run(500);
    const verdicts = compareResults(r, r, { threshold: 0.05 });
    assert.equal(verdicts.counts.fail, 0);
    assert.ok(verdicts.checks.length > 0);
  });

  it('a run against itself measures a change of exactly 0 on every measure', () => {
    const r = run(500);
    const measures = compareResults(r, r, { threshold: 0.05 }).checks.filter((c) => c.measured.unit === '%');
    assert.ok(measures.length > 0);
    for (const c of measures) assert.ok(Math.abs(c.measured.estimate) < 1e-9, `${c.id}: ${c.measured.estimate}`);
  });

  it('a quiet run against itself passes: its interval lies wholly below +5%', () => {
    const r = run(500, { noise: 0.005, drift: 0 });
    const cpu = compareResults(r, r, { threshold: 0.05 }).checks.filter((c) => c.metric === 'cpuUsPerRequest');
    assert.deepEqual(
      cpu.map((c) => c.verdict),
      ['pass', 'pass'],
    );
  });

  it('+20% cpuUsPerRequest in head fails, naming the cell and the metric', () => {
    const base = run(500, { seed: 1 });
    const head = run(600, { seed: 2 });
    const failed = compareResults(base, head, { threshold: 0.05 }).checks.filter((c) => c.verdict === 'fail');
    assert.equal(failed.length, 1, JSON.stringify(failed.map((c) => c.id)));
    assert.equal(failed[0].cellId, TRACED);
    assert.equal(failed[0].metric, 'cpuUsPerRequest');
    assert.equal(failed[0].kind, 'regression');
    assert.match(failed[0].message, /is beyond \+5%/);
  });

  it('two runs of the same system on the same machine have no fail', () => {
    const verdicts = compareResults(run(500, { seed: 3 }), run(500, { seed: 4 }), { threshold: 0.05 });
    assert.equal(verdicts.counts.fail, 0, JSON.stringify(verdicts.checks.filter((c) => c.verdict === 'fail')));
  });

  it('says when the comparison crosses machines, with both values, and what to do about it', () => {
    const head = run(500, { environment: { cpuModel: 'Intel Xeon', node: 'v22.1.0' } });
    const [note] = compareResults(run(500), head, { threshold: 0.05 }).notes;
    assert.match(note, /crosses machines \(CPU AMD EPYC vs Intel Xeon; Node\.js v20\.20\.2 vs v22\.1\.0\)/);
    assert.match(note, /treat verdicts near the threshold as inconclusive/);
  });

  it('counts a simulated-work calibration more than 5% apart as another machine', () => {
    const note = (a: number, b: number) =>
      compareResults(
        run(500, { environment: { burnIterationsPerUs: a } }),
        run(500, { environment: { burnIterationsPerUs: b } }),
        { threshold: 0.05 },
      ).notes.join('\n');
    assert.match(note(615.3, 480.2), /crosses machines \(simulated work calibrated at 615\.3 vs 480\.2 steps\/µs\)/);
    assert.doesNotMatch(note(615.3, 610.1), /crosses machines/);
  });

  it('has no machine note when both ran on the same kind of machine', () => {
    const notes = compareResults(run(500), run(500, { seed: 9 }), { threshold: 0.05 }).notes;
    assert.ok(!notes.some((n) => n.includes('crosses machines')), notes.join('\n'));
  });

  it('lists cells present on one side only', () => {
    const head = syntheticResults({
      rounds: 3,
      cells: [
        { id: 'baseline', settings: BASELINE },
        { id: 'always_off', settings: sdk('always_off', null, null) },
      ],
    });
    const notes = compareResults(run(500), head, { threshold: 0.05 }).notes;
    assert.ok(notes.includes(`only in base, not compared: ${TRACED}.`), notes.join('\n'));
    assert.ok(notes.includes('only in head, not compared: always_off.'), notes.join('\n'));
  });

  it('spans dropped in every round of head but none in base fail (counts are compared absolutely)', () => {
    const head = syntheticResults({
      rounds: 5,
      cells: [
        { id: 'baseline', settings: BASELINE },
        { id: TRACED, settings: sdk('always_on'), dropped: () => 40 },
      ],
    });
    const check = compareResults(run(400), head, { threshold: 0.05 }).checks.find(
      (c) => c.metric === 'spans.dropped' && c.cellId === TRACED,
    );
    assert.equal(check?.verdict, 'fail');
    assert.equal(check?.measured.unit, 'spans');
  });
});

describe('same-run A/B', () => {
  function variants(headCpu: number, seed = 1) {
    return analyse(
      syntheticResults({
        rounds: 6,
        noise: 0.02,
        seed,
        cells: [
          { id: TRACED, variant: 'base', cpuUsPerRequest: 500 },
          { id: TRACED, variant: 'head', cpuUsPerRequest: headCpu },
        ],
      }),
    );
  }

  it('a head variant 20% heavier fails on cpuUsPerRequest, as an ab check naming cell and variant', () => {
    const fail = compareVariants(variants(600), { threshold: 0.05 }).checks.filter((c) => c.verdict === 'fail');
    assert.equal(fail.length, 1);
    assert.deepEqual(
      [fail[0].kind, fail[0].cellId, fail[0].variant, fail[0].metric],
      ['ab', TRACED, 'head', 'cpuUsPerRequest'],
    );
  });

  it('A/A variants have no fail', () => {
    assert.equal(compareVariants(variants(500, 2), { threshold: 0.05 }).counts.fail, 0);
  });

  it('the base variant is not checked against itself', () => {
    assert.ok(compareVariants(variants(500), { threshold: 0.05 }).checks.every((c) => c.variant === 'head'));
  });

  it('a run without variants gives no checks and says why', () => {
    const verdicts = compareVariants(analyse(run(500)), { threshold: 0.05 });
    assert.equal(verdicts.checks.length, 0);
    assert.match(verdicts.notes[0], /no variants/);
  });
});
