import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairedRatio } from '../../harness/stats/interval.js';
import { mulberry32 } from '../../harness/plan/plan.js';
import { gaussian } from './synthetic.js';

// Why the analysis uses a t-interval rather than a percentile bootstrap: with the few rounds a CI job can afford, the
// bootstrap's 95% interval is too narrow (it cannot show more spread than the n values it resamples, and uses normal
// rather than t quantiles in effect), so it raises false alarms far more often than 5%.

const SIMULATIONS = 400;

function percentileBootstrap(values: number[], random: () => number, resamples = 500): [number, number] {
  const means: number[] = [];
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[Math.floor(random() * values.length)];
    means.push(sum / values.length);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(0.025 * resamples)], means[Math.ceil(0.975 * resamples) - 1]];
}

function falseAlarms(rounds: number, seed: number) {
  const random = mulberry32(seed);
  const z = gaussian(random);
  let t = 0;
  let bootstrap = 0;
  for (let s = 0; s < SIMULATIONS; s++) {
    const reference = Array.from({ length: rounds }, () => 400 * Math.exp(0.03 * z()));
    const head = Array.from({ length: rounds }, () => 400 * Math.exp(0.03 * z()));
    const ci = pairedRatio(reference, head, 0.95)!.ci;
    if (ci.low > 0 || ci.high < 0) t++;
    const [low, high] = percentileBootstrap(
      head.map((h, i) => Math.log(h / reference[i])),
      random,
    );
    if (low > 0 || high < 0) bootstrap++;
  }
  return { t: t / SIMULATIONS, bootstrap: bootstrap / SIMULATIONS };
}

describe('interval method: t-interval versus percentile bootstrap on A/A data', () => {
  for (const rounds of [3, 5]) {
    it(`with ${rounds} rounds the t-interval keeps false alarms near 5%; the percentile bootstrap raises more than twice as many`, () => {
      const rates = falseAlarms(rounds, rounds);
      assert.ok(rates.t >= 0.015 && rates.t <= 0.09, JSON.stringify(rates));
      assert.ok(rates.bootstrap > 2 * 0.05, JSON.stringify(rates));
    });
  }
});
