import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../harness/plan/plan.js';
import { steadyAfter } from '../../harness/stats/steady.js';
import { gaussian } from './synthetic.js';

/** A service warming up: CPU per request falls from 1.7× its floor with a time constant of `tauSeconds`, plus noise. */
function warming(seconds: number, tauSeconds: number, noise: number, seed: number) {
  const z = gaussian(mulberry32(seed));
  return Array.from({ length: seconds }, (_, t) => {
    const perRequest = 220 * (1 + 0.7 * Math.exp(-t / tauSeconds)) * (1 + noise * z());
    return { cpuUs: perRequest * 500, requests: 500 };
  });
}

describe('steadyAfter: steady state from the service’s own per-second series', () => {
  it('is not reached while CPU per request still falls, and is once it has settled', () => {
    const series = warming(40, 4, 0.01, 1);
    const at = steadyAfter(series)!;
    assert.ok(at >= 12 && at <= 30, `steady after ${at} s`);
    const level = series.slice(at - 4, at).reduce((t, p) => t + p.cpuUs / p.requests, 0) / 4;
    assert.ok(level < 220 * 1.05, `level at steady state ${level}`);
  });

  it('returns null when the series never settles within it', () => {
    assert.equal(steadyAfter(warming(12, 20, 0.005, 2)), null);
  });

  const flat = () => Array.from({ length: 20 }, (_, t) => ({ cpuUs: 500 * (220 + (t % 2)), requests: 500 }));

  it('a flat series is steady as soon as both halves are there', () => {
    assert.equal(steadyAfter(flat()), 8);
  });

  it('leaves out idle seconds, which say nothing of the cost', () => {
    const series = flat();
    series.splice(3, 0, { cpuUs: 5000, requests: 0 });
    assert.equal(steadyAfter(series), 9);
  });
});
