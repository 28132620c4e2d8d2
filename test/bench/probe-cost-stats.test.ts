import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPct, idleCost, medianInterval, variantCost } from '../../harness/bench/probe-cost-stats.js';

const close = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe('probe cost from paired runs', () => {
  const without = [100, 110, 90, 105, 95, 100, 102, 98];

  it('a constant 0.3% cost passes a 1% budget with a zero-width interval', () => {
    const result = variantCost(
      'full',
      without,
      without.map((w) => w * 1.003),
      1,
      0.95,
    );
    assert.equal(result.status, 'ok');
    if (result.status !== 'ok') return;
    close(result.cost.medianPct, 0.3, 1e-9);
    close(result.cost.meanPct.estimate, 0.3, 1e-9);
    close(result.cost.meanPct.ci.high, 0.3, 1e-9);
    assert.equal(result.cost.verdict, 'pass');
    assert.equal(result.cost.pairs, 8);
  });

  it('fails when the whole interval lies above the budget, and is inconclusive when it straddles it', () => {
    const noisy = [1.05, 1.07, 1.04, 1.06, 1.05, 1.08, 1.03, 1.06];
    const over = variantCost(
      'old',
      without,
      without.map((w, i) => w * noisy[i]),
      1,
      0.95,
    );
    assert.equal(over.status === 'ok' && over.cost.verdict, 'fail');
    const straddling = [0.97, 1.04, 0.99, 1.03, 1.0, 1.02, 0.98, 1.05];
    const unsure = variantCost(
      'new',
      without,
      without.map((w, i) => w * straddling[i]),
      1,
      0.95,
    );
    assert.equal(unsure.status === 'ok' && unsure.cost.verdict, 'inconclusive');
  });

  it('judges the median by its own interval too: heavy tails leave the mean inconclusive, not the median', () => {
    // 40 pairs: most within ±1% of +0.3%, four bursts of ±20% like the VM's noise episodes.
    const base = Array.from({ length: 40 }, (_, i) => 150 + (i % 7));
    const ratios = base.map((_, i) => 1.003 + ((i % 5) - 2) * 0.004 + (i % 10 === 3 ? 0.2 : i % 20 === 7 ? -0.2 : 0));
    const result = variantCost(
      'full',
      base,
      base.map((b, i) => b * ratios[i]),
      1,
      0.95,
    );
    assert.ok(result.status === 'ok');
    if (result.status !== 'ok') return;
    assert.equal(result.cost.verdict, 'inconclusive');
    assert.equal(result.cost.medianVerdict, 'pass');
    assert.ok(result.cost.medianCiPct!.high < 1, JSON.stringify(result.cost.medianCiPct));
    const few = variantCost('x', [100, 100, 100], [101, 101, 101], 1, 0.95);
    assert.equal(few.status === 'ok' && few.cost.medianVerdict, null, 'no median interval under 6 pairs');
  });

  it('takes the median of the paired ratios, not the ratio of medians', () => {
    const result = variantCost('x', [100, 200, 400], [101, 204, 412], 1, 0.95);
    assert.ok(result.status === 'ok');
    close(result.status === 'ok' ? result.cost.medianPct : 0, 2, 1e-9);
    close(result.status === 'ok' ? result.cost.differenceUs.estimate : 0, 17 / 3, 1e-9);
  });

  it('leaves out pairs with a missing (NaN) side and needs two complete pairs', () => {
    const result = variantCost('x', [100, Number.NaN, 100], [101, 150, 101], 1, 0.95);
    assert.equal(result.status === 'ok' && result.cost.pairs, 2);
    assert.deepEqual(variantCost('x', [100, Number.NaN], [101, 150], 1, 0.95), {
      status: 'insufficient',
      variant: 'x',
      reason: 'needs at least 2 complete pairs, got 1',
    });
  });

  it('prints a percentage with its interval and signs', () => {
    assert.equal(
      formatPct({
        estimate: 0.42,
        ci: { low: -0.31, high: 1.17, level: 0.95 },
        basis: { n: 8, sd: 0.01, scale: 'log' },
      }),
      '+0.42% [−0.31%, +1.17%]',
    );
  });
});

describe('idle probe cost', () => {
  it('is the paired difference in CPU µs per second, baseline near zero included', () => {
    const result = idleCost('eld', [0, 80, 40, 0], [1000, 1100, 1020, 980], 0.95);
    assert.equal(result.status, 'ok');
    if (result.status !== 'ok') return;
    close(result.differenceUsPerSecond.estimate, (1000 + 1020 + 980 + 1100 - 120) / 4, 1e-9);
    assert.ok(result.differenceUsPerSecond.ci.low < result.differenceUsPerSecond.estimate);
    assert.equal(result.medianUsPerSecond, 1010);
  });
});

describe('median interval', () => {
  it('takes the tabulated ranks: 6th and 15th of 20 values, 14th and 27th of 40, at 95%', () => {
    const ranks = (n: number) =>
      medianInterval(
        Array.from({ length: n }, (_, i) => i + 1),
        0.95,
      );
    assert.deepEqual(ranks(20), { low: 6, high: 15, level: 0.95 });
    assert.deepEqual(ranks(40), { low: 14, high: 27, level: 0.95 });
  });

  it('has no interval under 6 values at 95%, and the extremes at exactly 6', () => {
    assert.equal(medianInterval([1, 2, 3, 4, 5], 0.95), null);
    assert.deepEqual(medianInterval([6, 1, 5, 2, 4, 3], 0.95), { low: 1, high: 6, level: 0.95 });
  });

  it('moves by one rank at most when one value becomes an outlier', () => {
    const values = Array.from({ length: 30 }, (_, i) => i);
    const base = medianInterval(values, 0.95)!;
    const outlier = medianInterval([...values.slice(0, 29), 1e6], 0.95)!;
    assert.deepEqual([outlier.low, outlier.high], [base.low, base.high]);
  });

  it('covers the true median in at least 95% of simulated samples of 25', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let covered = 0;
    for (let run = 0; run < 2000; run++) {
      const sample = Array.from({ length: 25 }, () => -Math.log(1 - random()));
      const ci = medianInterval(sample, 0.95)!;
      if (ci.low <= Math.LN2 && Math.LN2 <= ci.high) covered++;
    }
    assert.ok(covered / 2000 >= 0.94, `coverage ${covered / 2000}`);
  });
});
