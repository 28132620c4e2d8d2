import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../harness/plan/plan.js';
import {
  minimumDetectableChange,
  noiseFloor,
  pairedRelativeDifferences,
  relativeDifferences,
  roundsToDetect,
} from '../../harness/stats/power.js';
import { tQuantile } from '../../harness/stats/student-t.js';
import { gaussian } from './synthetic.js';

describe('power', () => {
  it('the minimum detectable change is (t₀.₉₇₅ + t₀.₈) · sd / √N with N − 1 degrees of freedom', () => {
    const expected = ((tQuantile(0.975, 9) + tQuantile(0.8, 9)) * 0.03) / Math.sqrt(10);
    assert.equal(minimumDetectableChange(0.03, 10), expected);
  });

  it('shrinks as rounds are added', () => {
    assert.ok(minimumDetectableChange(0.03, 20) < minimumDetectableChange(0.03, 10));
  });

  it('rounds to detect is the fewest rounds whose minimum detectable change reaches the threshold', () => {
    const n = roundsToDetect(0.05, 0.05);
    assert.ok(minimumDetectableChange(0.05, n) <= 0.05);
    assert.ok(minimumDetectableChange(0.05, n - 1) > 0.05);
  });

  it('a change of 0 can never be detected', () => {
    assert.equal(roundsToDetect(0.03, 0), Number.POSITIVE_INFINITY);
  });

  it('the noise floor of generated A/A rounds recovers the noise put in (3% per round)', () => {
    const z = gaussian(mulberry32(11));
    const diffs = Array.from({ length: 400 }, () => Math.expm1(0.03 * z()));
    const floor = noiseFloor(diffs, { threshold: 0.05 });
    assert.ok(Math.abs(floor.sdRelative - 0.03) < 0.004, String(floor.sdRelative));
    assert.ok(Math.abs(floor.meanRelative) < 0.005);
  });

  it('the noise floor recommends the rounds that detect the named threshold', () => {
    const z = gaussian(mulberry32(12));
    const diffs = Array.from({ length: 30 }, () => Math.expm1(0.04 * z()));
    const floor = noiseFloor(diffs, { threshold: 0.05 });
    const sdLog = Math.log1p(floor.sdRelative);
    assert.equal(floor.roundsForThreshold?.rounds, roundsToDetect(sdLog, Math.log1p(0.05)));
    assert.equal(floor.mdcByRounds.length, 5);
  });

  it('relative differences pair by index and leave out pairs with a zero', () => {
    assert.deepEqual(relativeDifferences([100, 0, 200], [110, 5, 180]), [0.10000000000000009, -0.09999999999999998]);
  });
});

describe('A/A differences from an analysis', () => {
  it('pair two sides by round, leaving out rounds only one side measured', () => {
    const a = {
      values: [
        { round: 0, value: 100 },
        { round: 1, value: 200 },
        { round: 3, value: 50 },
      ],
    };
    const b = {
      values: [
        { round: 0, value: 110 },
        { round: 2, value: 999 },
        { round: 3, value: 45 },
      ],
    };
    assert.deepEqual(pairedRelativeDifferences(a, b), [0.10000000000000009, -0.09999999999999998]);
  });
});
