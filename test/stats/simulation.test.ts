import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateBudgets } from '../../harness/budget/evaluate.js';
import { parseBudgets } from '../../harness/budget/load.js';
import type { Verdict } from '../../harness/budget/types.js';
import { analyse } from '../../harness/stats/analyse.js';
import type { Analysis } from '../../harness/stats/types.js';
import { BASELINE, sdk, syntheticResults } from './synthetic.js';

// "3% noise per round": every trial's value is its true value times exp(0.03·z), independently for each cell and round,
// on top of a 5% drift every cell of a round shares (which pairing by round cancels).
const SIMULATIONS = 1000;
const ROUNDS = 10;
const NOISE = 0.03;

function simulate(effect: number, seed: number) {
  const results = syntheticResults({
    rounds: ROUNDS,
    noise: NOISE,
    seed,
    cells: [
      { id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 },
      { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), cpuUsPerRequest: 400 * (1 + effect) },
    ],
  });
  return { results, analysis: analyse(results) };
}

const cpuOverhead = (a: Analysis) =>
  a.cells.find((c) => c.cellId !== 'baseline')!.metrics.cpuUsPerRequest!.overhead!.relative!;

describe(`simulations: ${SIMULATIONS} runs of ${ROUNDS} rounds, ${NOISE * 100}% noise per round`, () => {
  it('A/A (no true effect): the 95% interval excludes 0 — a false alarm — in 2% to 8% of runs', () => {
    let alarms = 0;
    for (let s = 1; s <= SIMULATIONS; s++) {
      const ci = cpuOverhead(simulate(0, s).analysis).ci;
      if (ci.low > 0 || ci.high < 0) alarms++;
    }
    const rate = alarms / SIMULATIONS;
    assert.ok(rate >= 0.02 && rate <= 0.08, `false-alarm rate ${rate}`);
  });

  it('a true +10% effect is detected — its 95% interval excludes 0 — in at least 95% of runs', () => {
    let detected = 0;
    for (let s = 1; s <= SIMULATIONS; s++) if (cpuOverhead(simulate(0.1, 10_000 + s).analysis).ci.low > 0) detected++;
    assert.ok(detected / SIMULATIONS >= 0.95, `detection rate ${detected / SIMULATIONS}`);
  });

  it('a true +10% effect against a +5% budget: never a wrong pass (at least 99% fail or inconclusive), and a fail in at least 80%', () => {
    const budgets = parseBudgets({ budgets: [{ limits: { cpuUsPerRequest: '+5%' } }] }, 'test');
    const counts: Record<Verdict, number> = { pass: 0, fail: 0, inconclusive: 0, error: 0 };
    for (let s = 1; s <= SIMULATIONS; s++) {
      const { results, analysis } = simulate(0.1, 20_000 + s);
      counts[evaluateBudgets(analysis, results, budgets).checks[0].verdict]++;
    }
    assert.ok(counts.pass / SIMULATIONS <= 0.01, JSON.stringify(counts));
    assert.ok(counts.fail / SIMULATIONS >= 0.8, JSON.stringify(counts));
  });

  it('A/A against a +5% budget: never a fail, and a pass in at least 90% of runs', () => {
    const budgets = parseBudgets({ budgets: [{ limits: { cpuUsPerRequest: '+5%' } }] }, 'test');
    const counts: Record<Verdict, number> = { pass: 0, fail: 0, inconclusive: 0, error: 0 };
    for (let s = 1; s <= SIMULATIONS; s++) {
      const { results, analysis } = simulate(0, 30_000 + s);
      counts[evaluateBudgets(analysis, results, budgets).checks[0].verdict]++;
    }
    assert.equal(counts.fail, 0, JSON.stringify(counts));
    assert.ok(counts.pass / SIMULATIONS >= 0.9, JSON.stringify(counts));
  });
});
