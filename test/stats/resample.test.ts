import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../harness/plan/plan.js';
import { simulatedFalseAlarms } from '../../harness/stats/resample.js';
import { simulatePairs } from './nested-sim.js';

describe('simulatedFalseAlarms: A/A runs resampled from measured pairs', () => {
  it('stays at or below 5% for heavy-tailed pairs, read once and looked at after every pair', () => {
    const measured = simulatePairs(mulberry32(21), {
      pairs: 60,
      processes: 3,
      withinSd: 0.03,
      betweenSd: 0,
      shift: 0.02,
    });
    const rates = simulatedFalseAlarms(measured, 60, 300, 1);
    assert.ok(rates.fixed <= 0.06, `fixed ${rates.fixed}`);
    assert.ok(rates.sequential <= 0.05, `sequential ${rates.sequential}`);
    assert.equal(rates.runs, 300);
  });

  it('removes a measured shift: the resampled runs are A/A even when the measured pairs were not', () => {
    const measured = simulatePairs(mulberry32(22), {
      pairs: 60,
      processes: 2,
      withinSd: 0.02,
      betweenSd: 0,
      shift: Math.log(1.1),
    });
    assert.ok(simulatedFalseAlarms(measured, 40, 200, 2).fixed <= 0.08);
  });

  it('draws whole blocks: pairs that share a block offset alarm more than the same pairs drawn one by one', () => {
    const random = mulberry32(23);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    // 4 sets × 6 blocks × 4 pairs; each block shifts its pairs by N(0, 3%), each pair adds N(0, 1%).
    const measured = Array.from({ length: 4 * 6 }, (_, b) => {
      const offset = 0.03 * normal();
      return Array.from({ length: 4 }, () => ({ cluster: b % 4, block: b, logRatio: offset + 0.01 * normal() }));
    }).flat();
    const byBlock = simulatedFalseAlarms(measured, 48, 300, 3);
    const byPair = simulatedFalseAlarms(
      measured.map(({ cluster, logRatio }) => ({ cluster, logRatio })),
      48,
      300,
      3,
    );
    assert.ok(
      byBlock.fixed > 3 * byPair.fixed && byBlock.fixed > byPair.fixed + 0.02,
      `by block ${byBlock.fixed}, by pair ${byPair.fixed}`,
    );
  });
});
