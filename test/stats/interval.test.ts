import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  geometricMeanEstimate,
  levelEstimate,
  median,
  pairedDifference,
  pairedRatio,
  unpairedDifference,
  unpairedRatio,
} from '../../harness/stats/interval.js';
import { tCdf, tQuantile } from '../../harness/stats/student-t.js';

const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe("Student's t", () => {
  it('gives the tabulated 97.5% quantiles for 1, 2, 4, 9 and 30 degrees of freedom', () => {
    close(tQuantile(0.975, 1), 12.7062, 1e-3);
    close(tQuantile(0.975, 2), 4.3027, 1e-4);
    close(tQuantile(0.975, 4), 2.7764, 1e-4);
    close(tQuantile(0.975, 9), 2.2622, 1e-4);
    close(tQuantile(0.975, 30), 2.0423, 1e-4);
  });

  it('approaches the normal quantile as degrees of freedom grow', () => {
    close(tQuantile(0.975, 1e6), 1.95996, 1e-4);
  });

  it('is symmetric: the 2.5% quantile is minus the 97.5% one, and the CDF at 0 is one half', () => {
    assert.equal(tQuantile(0.025, 5), -tQuantile(0.975, 5));
    close(tCdf(0, 7), 0.5, 1e-12);
  });

  it('takes fractional degrees of freedom (Welch) between the neighbouring integers', () => {
    const q = tQuantile(0.975, 4.5);
    assert.ok(q < tQuantile(0.975, 4) && q > tQuantile(0.975, 5));
  });
});

describe('intervals', () => {
  it('a paired relative change is the geometric mean of the per-round ratios minus 1', () => {
    const e = pairedRatio([100, 200, 400], [110, 220, 440], 0.95);
    close(e!.estimate, 0.1, 1e-12);
    close(e!.ci.low, 0.1, 1e-12);
    close(e!.ci.high, 0.1, 1e-12);
  });

  it('a paired relative interval is mean ± t·sd/√n on the log ratios, mapped back', () => {
    const logs = [0.1, 0.2, 0.3];
    const e = pairedRatio([1, 1, 1], logs.map(Math.exp), 0.95)!;
    const half = (4.3027 * 0.1) / Math.sqrt(3);
    close(e.ci.low, Math.expm1(0.2 - half), 1e-4);
    close(e.ci.high, Math.expm1(0.2 + half), 1e-4);
    assert.deepEqual({ n: e.basis.n, scale: e.basis.scale }, { n: 3, scale: 'log' });
    close(e.basis.sd, 0.1, 1e-12);
  });

  it('a paired relative change is null when a round measured 0', () => {
    assert.equal(pairedRatio([0, 1], [1, 1], 0.95), null);
  });

  it('a paired absolute change is the mean per-round difference in the metric unit', () => {
    const e = pairedDifference([400, 410, 390], [450, 455, 445], 0.95)!;
    close(e.estimate, 50, 1e-9);
    assert.ok(e.ci.low < 50 && e.ci.high > 50);
  });

  it('no interval can be drawn from one round', () => {
    assert.equal(pairedDifference([1], [2], 0.95), null);
    assert.equal(levelEstimate([5], 0.95), null);
  });

  it('the level of positive values is a geometric mean; with a zero it falls back to the arithmetic mean', () => {
    close(geometricMeanEstimate([1, 100], 0.95)!.estimate, 10, 1e-9);
    close(levelEstimate([0, 4], 0.95)!.estimate, 2, 1e-12);
  });

  it('the median of an even count is the mean of the middle two', () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });

  it('an unpaired (Welch) relative change of identical samples is 0 with an interval around it', () => {
    const e = unpairedRatio([400, 420, 380], [400, 420, 380], 0.95)!;
    close(e.estimate, 0, 1e-12);
    assert.ok(e.ci.low < 0 && e.ci.high > 0);
  });

  it('an unpaired interval is as wide as Welch says (equal n and sd: 2n − 2 degrees of freedom)', () => {
    const a = [1, 2, 3];
    const b = [11, 12, 13];
    const e = unpairedDifference(a, b, 0.95)!;
    const half = tQuantile(0.975, 4) * Math.sqrt(1 / 3 + 1 / 3);
    close(e.ci.high - e.estimate, half, 1e-9);
  });

  it('an unpaired interval between two spread-free samples collapses on the difference', () => {
    const e = unpairedDifference([0, 0, 0], [5, 5, 5], 0.95)!;
    assert.deepEqual([e.estimate, e.ci.low, e.ci.high], [5, 5, 5]);
  });
});
