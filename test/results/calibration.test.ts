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
    assert.throws(() => readCalibration(file), /cannot read it as JSON/);
    writeFileSync(file, JSON.stringify({ ...calibration, kind: 'something else' }));
    assert.throws(() => readCalibration(file), /kind: .*not a process calibration/);
    writeFileSync(file, JSON.stringify({ ...calibration, df: 0 }));
    assert.throws(() => readCalibration(file), /df: .*calibrate --method windows/);
    assert.throws(() => readCalibration(join(dir, 'missing.json')), /cannot read it as JSON \(ENOENT/);
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
