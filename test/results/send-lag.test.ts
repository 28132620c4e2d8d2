import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTrial, sendLagBoundUs } from '../../harness/results/validity.js';
import type { TrialMetrics } from '../../harness/results/types.js';
import type { Cell } from '../../harness/plan/types.js';
import { type ProbeSpanReport, untracedSpanReport } from '../../harness/probe/protocol.js';
import { syntheticMetrics } from '../stats/synthetic.js';

const BASELINE: Cell = { id: 'baseline', settings: { tracing: 'off' }, env: {}, collapsed: [] };
const NO_SPANS: ProbeSpanReport = untracedSpanReport();

/** A trial whose service answered with a median of `medianUs` and whose sends left `lagP99Us` late at p99. */
function trial(medianUs: number, lagP99Us: number): TrialMetrics {
  const m = syntheticMetrics(400, 2000, 80e6, 0);
  m.latencyUs = { ...m.latencyUs, uncorrected: { ...m.latencyUs.uncorrected, p50: medianUs } };
  m.sendLagUs = { ...m.sendLagUs, p50: lagP99Us / 4, p99: lagP99Us };
  return m;
}

const lagWarnings = (m: TrialMetrics, load?: Parameters<typeof checkTrial>[4]) =>
  checkTrial(m, NO_SPANS, BASELINE, undefined, load).warnings.filter((w) => /^sends left/.test(w));

describe('send lag is judged against a bound', () => {
  it('the default bound is 25% of the service median latency, never below 1 ms with hybrid pacing or 10 ms with timer pacing', () => {
    assert.equal(sendLagBoundUs(trial(400, 0), { pacing: 'hybrid' }).boundUs, 1000);
    assert.equal(sendLagBoundUs(trial(8000, 0), { pacing: 'hybrid' }).boundUs, 2000);
    assert.equal(sendLagBoundUs(trial(400, 0), { pacing: 'timer' }).boundUs, 10_000);
    assert.equal(sendLagBoundUs(trial(400, 0)).boundUs, 10_000);
    assert.equal(sendLagBoundUs(trial(80_000, 0), { pacing: 'timer' }).boundUs, 20_000);
    assert.equal(sendLagBoundUs(trial(8000, 0), { maxSendLagP99Us: 150 }).boundUs, 150);
  });

  it('2 ms of lag on a 400 µs service with hybrid pacing warns and teaches the fix; timer pacing teaches hybrid past its floor', () => {
    const [warning, ...rest] = lagWarnings(trial(400, 2000), { pacing: 'hybrid' });
    assert.equal(rest.length, 0);
    assert.match(
      warning!,
      /^sends left up to 2000 µs late \(p99; median 500 µs\), over the 1000 µs bound \(the default floor with hybrid pacing; 25% of the service's median latency is 100 µs\)/,
    );
    assert.match(warning!, /quiet the machine/);
    assert.match(warning!, /set load\.realtime: true/);
    assert.doesNotMatch(
      lagWarnings(trial(400, 2000), { pacing: 'hybrid', realtime: true })[0]!,
      /load\.realtime/,
      'no advice to set what is already set',
    );
    assert.match(warning!, /load\.maxSendLagP99Us/);
    assert.deepEqual(lagWarnings(trial(400, 2000), { pacing: 'timer' }), [], 'timer pacing is 1-2 ms late by design');
    assert.match(lagWarnings(trial(400, 12_000), { pacing: 'timer' })[0]!, /set load\.pacing: thread/);
    assert.equal(
      checkTrial(trial(400, 2000), NO_SPANS, BASELINE, undefined, { pacing: 'hybrid' }).status,
      'ok',
      'a warning, not an invalid trial',
    );
  });

  it('a slow service tolerates more lag; within the bound there is no warning', () => {
    assert.deepEqual(lagWarnings(trial(8000, 1500), { pacing: 'hybrid' }), []);
    assert.match(
      lagWarnings(trial(8000, 2500), { pacing: 'hybrid' })[0]!,
      /over the 2000 µs bound \(25% of the service's median latency, 8000 µs\)/,
    );
    assert.deepEqual(lagWarnings(trial(400, 900), { pacing: 'hybrid' }), []);
  });

  it('the user bound replaces the default, either way', () => {
    assert.deepEqual(lagWarnings(trial(400, 2500), { maxSendLagP99Us: 3000 }), []);
    assert.match(
      lagWarnings(trial(8000, 150), { maxSendLagP99Us: 100 })[0]!,
      /over the 100 µs bound \(load\.maxSendLagP99Us\)/,
    );
  });
});
