import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../harness/plan/plan.js';
import { decide, mixtureRadius, sequentialRatio } from '../../harness/stats/sequential.js';
import { nestedRatio } from '../../harness/stats/nested.js';
import { simulatePairs } from './nested-sim.js';

type Shape = Parameters<typeof simulatePairs>[1];

/** Looks after every pair up to `o.pairs`; an A/A false alarm is any look whose interval excludes zero. */
function everLooksWrong(random: () => number, o: Shape, sequential: boolean): boolean {
  const pairs = simulatePairs(random, o);
  for (let n = 2 * o.processes; n <= pairs.length; n++) {
    const seen = pairs.slice(0, n);
    const ci = sequential ? sequentialRatio(seen)?.ci : nestedRatio(seen)?.ci;
    if (ci && (ci.low > 0 || ci.high < 0)) return true;
  }
  return false;
}

function rate(runs: number, seed: number, o: Shape, sequential: boolean): number {
  const random = mulberry32(seed);
  let alarms = 0;
  for (let r = 0; r < runs; r++) if (everLooksWrong(random, o, sequential)) alarms++;
  return alarms / runs;
}

describe('sequentialRatio: an interval valid under repeated looks', () => {
  it('the mixture radius shrinks with n but more slowly than a fixed-n interval is allowed to', () => {
    assert.ok(mixtureRadius(100, 0.05, 30) < mixtureRadius(20, 0.05, 30));
    assert.ok(mixtureRadius(30, 0.05, 30) > 1.96 / Math.sqrt(30));
  });

  it('A/A false alarms stay at or below 5% when looked at after every pair (heavy tails, no process effect)', () => {
    const shape = { pairs: 80, processes: 2, withinSd: 0.03, betweenSd: 0, shift: 0 };
    const seq = rate(300, 11, shape, true);
    assert.ok(seq <= 0.05, `sequential false alarms ${seq}`);
    // A fixed-n interval re-checked after every pair is what the sequence replaces: it alarms far more often.
    const naive = rate(300, 11, shape, false);
    assert.ok(naive > 2 * Math.max(seq, 0.05), `re-checked fixed-n interval ${naive}`);
  });

  it('A/A false alarms stay at or below 5% with a between-process component (3 sets)', () => {
    const seq = rate(300, 12, { pairs: 60, processes: 3, withinSd: 0.03, betweenSd: 0.01, shift: 0 }, true);
    assert.ok(seq <= 0.05, `sequential false alarms ${seq}`);
  });

  it('decides a clear change: +10% fails a 3% limit and A/A passes it, both early', () => {
    const random = mulberry32(13);
    const firstDecision = (shift: number) => {
      const pairs = simulatePairs(random, { pairs: 80, processes: 2, withinSd: 0.03, betweenSd: 0, shift });
      for (let n = 8; n <= pairs.length; n++) {
        const s = sequentialRatio(pairs.slice(0, n));
        const d = s ? decide(s.ci, 0.03) : 'inconclusive';
        if (d !== 'inconclusive') return { d, n };
      }
      return { d: 'inconclusive', n: pairs.length };
    };
    const fail = firstDecision(Math.log(1.1));
    assert.equal(fail.d, 'fail');
    assert.ok(fail.n < 40, `decided after ${fail.n} pairs`);
    const pass = firstDecision(0);
    assert.equal(pass.d, 'pass');
    assert.ok(pass.n < 80, `decided after ${pass.n} pairs`);
  });

  it('gives no interval before the minimum number of pairs', () => {
    assert.equal(
      sequentialRatio(simulatePairs(mulberry32(1), { pairs: 6, processes: 2, withinSd: 0.02, betweenSd: 0, shift: 0 })),
      null,
    );
  });
});

describe('sequentialRatio with a calibrated prior', () => {
  const prior = { betweenVar: 0.012 ** 2, df: 45 };

  it('stays valid when looked at after every pair, and still decides a +10% change', () => {
    const random = mulberry32(41);
    let alarms = 0;
    let decided = 0;
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const aa = simulatePairs(random, { pairs: 56, processes: 4, withinSd: 0.02, betweenSd: 0.012, shift: 0 });
      for (let n = 8; n <= aa.length; n++) {
        const ci = sequentialRatio(aa.slice(0, n), { prior })?.ci;
        if (ci && (ci.low > 0 || ci.high < 0)) {
          alarms++;
          break;
        }
      }
      const shifted = simulatePairs(random, {
        pairs: 56,
        processes: 4,
        withinSd: 0.02,
        betweenSd: 0.012,
        shift: Math.log(1.1),
      });
      const s = sequentialRatio(shifted, { prior });
      if (s && decide(s.ci, 0.03) === 'fail') decided++;
    }
    assert.ok(alarms / runs <= 0.05, `false alarms at any look ${alarms / runs}`);
    assert.ok(decided / runs >= 0.9, `+10% judged fail at a 3% limit in ${decided / runs}`);
  });
});
