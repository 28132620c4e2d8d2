import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intervalCheck, resolutionSentence, roundsToSettle } from '../../harness/budget/judge.js';
import { meanEstimate, pairedRatio, geometricMeanEstimate } from '../../harness/stats/interval.js';
import { minimumDetectableChange } from '../../harness/stats/power.js';
import { resolutionOf, resolutionValue } from '../../harness/stats/resolution.js';
import { tQuantile } from '../../harness/stats/student-t.js';
import type { Estimate } from '../../harness/stats/types.js';

/** An interval of half-width `half` on the log scale around no change, as a t-interval over `n` rounds would give. */
function logEstimate(half: number, n: number, level = 0.95): Estimate {
  return {
    estimate: 0,
    ci: { low: Math.expm1(-half), high: Math.expm1(half), level },
    basis: { n, sd: 0, scale: 'log' },
  };
}

const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe('resolution: minimum detectable change from a comparison’s own interval', () => {
  it('a 95% t-interval over 5 rounds with sd 0.05 on logs detects (t₀.₉₇₅ + t₀.₈)·0.05/√5 = 0.0831 (+8.67%)', () => {
    const half = (tQuantile(0.975, 4) * 0.05) / Math.sqrt(5);
    const r = resolutionOf(logEstimate(half, 5));
    assert.ok(r);
    close(r.change, 0.083123, 1e-5);
    close(resolutionValue(r), 8.6675, 1e-3);
    assert.deepEqual([r.scale, r.level, r.power], ['log', 0.95, 0.8]);
  });

  it('equals power.ts’s minimumDetectableChange for the intervals the analysis draws (the "rounds to settle" hint)', () => {
    const head = [510, 522, 498, 530, 515, 507, 525];
    const base = [400, 405, 396, 410, 401, 399, 404];
    const ratio = pairedRatio(base, head, 0.95);
    assert.ok(ratio);
    const r = resolutionOf(ratio);
    assert.ok(r);
    close(r.change, minimumDetectableChange(ratio.basis.sd, ratio.basis.n), 1e-12);
    const diff = meanEstimate(
      head.map((h, i) => h - base[i]),
      0.95,
    );
    assert.ok(diff);
    const linear = resolutionOf(diff);
    assert.ok(linear);
    assert.equal(linear.scale, 'linear');
    close(linear.change, minimumDetectableChange(diff.basis.sd, diff.basis.n), 1e-9);
  });

  it('reads a 90% interval and states the change at 95%: the half-width is rescaled by the quantiles', () => {
    const se = 0.02;
    const df = 9;
    const r = resolutionOf(logEstimate(tQuantile(0.95, df) * se, df + 1, 0.9), 0.95);
    assert.ok(r);
    close(r.change, se * (tQuantile(0.975, df) + tQuantile(0.8, df)), 1e-12);
  });

  it('with many degrees of freedom it tends to half-width × (z₀.₉₇₅ + z₀.₈) / z₀.₉₇₅ = 1.43 × half-width', () => {
    const r = resolutionOf(logEstimate(0.01, 100_000));
    assert.ok(r);
    close(r.change / 0.01, (1.959964 + 0.841621) / 1.959964, 1e-4);
  });

  it('uses the given degrees of freedom, for an estimator whose interval is not over n − 1', () => {
    const half = tQuantile(0.975, 3) * 0.01;
    const r = resolutionOf(logEstimate(half, 90), 0.95, { df: 3 });
    assert.ok(r);
    close(r.change, 0.01 * (tQuantile(0.975, 3) + tQuantile(0.8, 3)), 1e-12);
  });

  it("reads the estimate's own degrees of freedom (windows nested in a few processes)", () => {
    const half = tQuantile(0.975, 3) * 0.01;
    const estimate = logEstimate(half, 90);
    const r = resolutionOf({ ...estimate, basis: { ...estimate.basis, df: 3 } });
    assert.ok(r);
    close(r.change, 0.01 * (tQuantile(0.975, 3) + tQuantile(0.8, 3)), 1e-12);
  });

  it('a level (geometric mean) maps through log, not log1p', () => {
    const values = [200, 210, 190, 205];
    const level = geometricMeanEstimate(values, 0.95);
    assert.ok(level);
    const r = resolutionOf(level, 0.95, { toBasis: Math.log });
    assert.ok(r);
    close(r.change, minimumDetectableChange(level.basis.sd, level.basis.n), 1e-12);
  });

  it('is unknown (null) without an interval, with fewer than 2 rounds, or with an interval of no width', () => {
    assert.equal(resolutionOf(null), null);
    assert.equal(resolutionOf(logEstimate(0.05, 1)), null);
    assert.equal(resolutionOf(logEstimate(0, 5)), null);
    assert.equal(pairedRatio([1, 1], [1, 1], 0.95) && resolutionOf(pairedRatio([1, 1], [1, 1], 0.95)), null);
  });
});

describe('resolution on a check', () => {
  const subject = {
    id: 'ab:cpuUsPerRequest:x@head',
    kind: 'ab' as const,
    cellId: 'x',
    variant: 'head',
    metric: 'cpuUsPerRequest',
    noun: 'change',
  };
  const limit = { text: '+5%', value: 5, strict: false };

  it('intervalCheck states it in % for a relative change, and the sentence says so', () => {
    const ratio = pairedRatio([400, 402, 398, 401, 399], [404, 409, 401, 408, 402], 0.95);
    assert.ok(ratio);
    const check = intervalCheck(subject, ratio, '%', 100, 'change', limit, Math.log1p);
    assert.ok(check.resolution);
    close(check.resolution.value, Math.expm1(minimumDetectableChange(ratio.basis.sd, ratio.basis.n)) * 100, 1e-9);
    assert.equal(check.resolution.unit, '%');
    assert.match(
      resolutionSentence(check),
      /^this run could detect changes of ±\d+(\.\d+)?% in CPU µs\/request \(95% confidence, 80% power\)$/,
    );
  });

  it('an overhead in µs states it in µs', () => {
    const diff = meanEstimate([40, 44, 38, 42], 0.95);
    assert.ok(diff);
    const check = intervalCheck(
      subject,
      diff,
      'µs',
      1,
      'change',
      { text: '+50µs', value: 50, strict: false },
      (x) => x,
    );
    assert.equal(check.resolution?.unit, 'µs');
    assert.match(resolutionSentence(check), /±\d+(\.\d+)? µs in CPU/);
  });

  it('unknown reads "unknown", never 0', () => {
    assert.match(
      resolutionSentence({
        metric: 'cpuUsPerRequest',
        resolution: null,
        measured: { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, unit: '%', level: 0.95 },
      }),
      /resolution in CPU µs\/request is unknown/,
    );
  });

  it('agrees with the rounds-to-settle hint: an inconclusive check sits within the resolution of its limit', () => {
    const base = [400, 410, 395, 405];
    const head = [416, 434, 409, 428];
    const ratio = pairedRatio(base, head, 0.95);
    assert.ok(ratio);
    const check = intervalCheck(subject, ratio, '%', 100, 'change', limit, Math.log1p);
    assert.equal(check.verdict, 'inconclusive');
    assert.ok(check.resolution);
    const distance = Math.abs(Math.log1p(ratio.estimate) - Math.log1p(0.05));
    // Not enough resolution for the distance to the limit now; the rounds the hint asks for bring it there.
    assert.ok(Math.log1p(check.resolution.value / 100) > distance);
    const rounds = roundsToSettle(ratio, 0.05, Math.log1p);
    assert.ok(rounds !== undefined && rounds > ratio.basis.n);
    assert.ok(minimumDetectableChange(ratio.basis.sd, rounds) <= distance);
  });
});
