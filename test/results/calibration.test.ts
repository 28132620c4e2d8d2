import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../harness/errors.js';
import {
  CALIBRATION_KIND,
  calibrationFrom,
  calibrationNote,
  comparisonPairs,
  readCalibration,
} from '../../harness/results/calibration.js';
import { nestedRatio, pooledPrior } from '../../harness/stats/nested.js';
import { tempDir } from '../helpers/cli.js';
import { windowsComparisons, windowsResults } from '../report/fixtures/windows-fixtures.js';

describe('process calibration: the between-process variance of earlier windows runs', () => {
  it('pools every comparison with 2 sets or more, whatever its change, with (sets − 1) degrees of freedom each', () => {
    const results = windowsResults();
    const calibration = calibrationFrom([{ file: '/runs/a/results.json', results }]);
    // The fixture's third comparison has 3 pairs in one set: no spread between sets to learn from.
    const usable = results.windows!.slice(0, 2);
    const expected = pooledPrior(usable.map(comparisonPairs))!;
    assert.equal(calibration.kind, CALIBRATION_KIND);
    assert.equal(calibration.sources.length, 2);
    assert.equal(calibration.df, 4);
    assert.equal(calibration.betweenVar, expected.betweenVar);
    assert.equal(calibration.betweenSd, Math.sqrt(expected.betweenVar));
    assert.deepEqual(calibration.host, { hostname: 'fixture', cpuModel: 'Test CPU', cores: 2 });
    assert.deepEqual(
      calibration.sources.map((s) => [s.b, s.sets, s.betweenVar]),
      usable.map((c) => [c.b, 3, nestedRatio(comparisonPairs(c))!.betweenVarUnfloored]),
    );
  });

  it('leaves out invalid pairs, as the comparison did', () => {
    const [head] = windowsComparisons();
    assert.equal(comparisonPairs(head).length, head.pairs.filter((p) => p.valid).length);
  });

  it('refuses results without a windows comparison it can use, saying what to give it', () => {
    const results = windowsResults(windowsComparisons().slice(2));
    assert.throws(
      () => calibrationFrom([{ file: 'one.json', results }]),
      (e: Error) => e instanceof ConfigError && /no windows comparison with 2 process sets/.test(e.message),
    );
  });

  it('reads back what it wrote, and names what is wrong with a file that is not one', () => {
    const dir = tempDir();
    const file = join(dir, 'calibration.json');
    const calibration = calibrationFrom([{ file: 'a.json', results: windowsResults() }]);
    writeFileSync(file, JSON.stringify(calibration));
    assert.deepEqual(readCalibration(file), calibration);
    writeFileSync(file, '{ not json');
    assert.throws(() => readCalibration(file), /is not JSON \(/);
    writeFileSync(file, JSON.stringify({ ...calibration, kind: 'something else' }));
    assert.throws(
      () => readCalibration(file),
      /1 problem:\n {2}- kind: "something else", not tracebench-process-calibration/,
    );
    writeFileSync(file, JSON.stringify({ ...calibration, df: 0 }));
    assert.throws(() => readCalibration(file), /df: .*calibrate --method windows/);
    assert.throws(
      () => readCalibration(join(dir, 'missing.json'), 'method.calibration in ab.yaml, relative to its folder'),
      /missing\.json: 1 problem:\n {2}- cannot be read \(method\.calibration in ab\.yaml, relative to its folder\): ENOENT/,
    );
    // A results.json given where a calibration goes: one line saying how to make one from it.
    writeFileSync(file, JSON.stringify(windowsResults()));
    assert.throws(
      () => readCalibration(file),
      (e: Error) =>
        /1 problem:\n {2}- is a results\.json, not a process calibration: make one from it with tracebench calibrate --from /.test(
          e.message,
        ),
    );
  });

  it('counts a file named twice once, and refuses runs of different machines', () => {
    const results = windowsResults();
    const once = calibrationFrom([{ file: 'a.json', results }]);
    const twice = calibrationFrom([
      { file: 'a.json', results },
      { file: 'a.json', results },
    ]);
    assert.equal(twice.df, once.df);
    const elsewhere = { ...results, environment: { ...results.environment, hostname: 'other-host' } };
    assert.equal(
      calibrationFrom([
        { file: 'a.json', results },
        { file: 'b.json', results },
      ]).df,
      2 * once.df,
    );
    assert.throws(
      () =>
        calibrationFrom([
          { file: 'a.json', results },
          { file: 'b.json', results: elsewhere },
        ]),
      /measured on 2 machines \(a\.json: fixture \(Test CPU, 2 cores\); b\.json: other-host .*pool the runs of the machine you will gate on/,
    );
  });

  it('says in one clause what a comparison made of it', () => {
    const [head] = windowsComparisons();
    assert.equal(calibrationNote(head), '');
    const base = { file: 'c.json', betweenSd: 0.012, df: 18 };
    assert.match(
      calibrationNote({ calibration: { ...base, used: 'pooled' } }),
      /pooled with a calibration \(18 more degrees of freedom\)/,
    );
    assert.match(calibrationNote({ calibration: { ...base, used: 'misfit' } }), /spread more than the calibration/);
  });
});
