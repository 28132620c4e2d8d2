import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTrial } from '../../harness/results/validity.js';
import type { TrialMetrics } from '../../harness/results/types.js';
import type { Cell } from '../../harness/plan/types.js';
import { type ProbeSpanReport, untracedSpanReport } from '../../harness/probe/protocol.js';
import { sdk, syntheticMetrics } from '../stats/synthetic.js';

const BASELINE: Cell = { id: 'baseline', settings: { tracing: 'off' }, env: {}, collapsed: [] };
const TRACED: Cell = { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), env: {}, collapsed: [] };
const NO_SPANS: ProbeSpanReport = untracedSpanReport();
const SPANS: ProbeSpanReport = {
  ...NO_SPANS,
  tracing: true,
  started: 6000,
  sampled: 6000,
  ended: 6000,
  exported: 6000,
};

const trial = (change: (m: TrialMetrics) => void = () => {}): TrialMetrics => {
  const m = syntheticMetrics(400, 2000, 80e6, 0);
  change(m);
  return m;
};

describe('trial validity', () => {
  it('counts a clean trial, with no warning', () => {
    assert.deepEqual(checkTrial(trial(), NO_SPANS, BASELINE), { status: 'ok', warnings: [] });
    assert.deepEqual(checkTrial(trial(), SPANS, TRACED), { status: 'ok', warnings: [] });
  });

  it('is invalid when the generator was the bottleneck, and says what to change', () => {
    const result = checkTrial(
      trial((m) => (m.load.generatorEluMax = 0.95)),
      NO_SPANS,
      BASELINE,
    );
    assert.equal(result.status, 'invalid');
    assert.match(result.warnings[0], /generator was busy 95\.0% .*lower load\.rateRps or raise load\.threads/);
  });

  it('is invalid when the achieved rate fell more than 2% short of the target', () => {
    assert.equal(
      checkTrial(
        trial((m) => (m.achievedRps = 491)),
        NO_SPANS,
        BASELINE,
      ).status,
      'ok',
    );
    const short = checkTrial(
      trial((m) => (m.achievedRps = 489)),
      NO_SPANS,
      BASELINE,
    );
    assert.equal(short.status, 'invalid');
    assert.match(short.warnings[0], /achieved 489 of 500 req\/s \(97\.8%\)/);
  });

  it('says a service that answers nothing is not answering, not saturated', () => {
    const silent = checkTrial(
      trial((m) => {
        m.achievedRps = 0;
        m.load = { ...m.load, ok: 0, httpErrors: 0, timeouts: m.load.sent };
      }),
      NO_SPANS,
      BASELINE,
    );
    assert.equal(silent.status, 'invalid');
    assert.match(
      silent.warnings.join('\n'),
      /the service answered 0 of \d+ requests \(\d+ timed out, 0 socket errors\): it is not answering/,
    );
    assert.doesNotMatch(silent.warnings.join('\n'), /saturated|lower load\.rateRps/);
  });

  it('warns, without invalidating, when the probe timed over 1% of the service CPU as its own', () => {
    // 400 µs × 1500 requests = 600 ms of service CPU; 1% of it is 6 ms.
    assert.deepEqual(
      checkTrial(
        trial((m) => (m.probeCpuUs = 5900)),
        NO_SPANS,
        BASELINE,
      ).warnings,
      [],
    );
    const noisy = checkTrial(
      trial((m) => (m.probeCpuUs = 9000)),
      NO_SPANS,
      BASELINE,
    );
    assert.equal(noisy.status, 'ok');
    assert.match(noisy.warnings[0], /probe timed 1\.5% of the service's CPU .*raise load\.rateRps/);
  });

  it('warns when the span accounting does not balance', () => {
    const result = checkTrial(
      trial((m) => (m.spans.exported = 5990)),
      { ...SPANS, exported: 5990 },
      TRACED,
    );
    assert.ok(
      result.warnings.some((w) => /does not balance: ended 6000 ≠ exported 5990/.test(w)),
      result.warnings.join('\n'),
    );
  });

  it('explains export calls unanswered at once for the batch processor; none for one call at a time or unknown', () => {
    const warned = checkTrial(trial(), { ...SPANS, exportCallsMaxConcurrent: 7 }, TRACED).warnings;
    assert.ok(
      warned.some((w) => /up to 7 export calls unanswered at once: the batch processor starts a new export/.test(w)),
      warned.join('\n'),
    );
    for (const concurrent of [1, null, undefined])
      assert.deepEqual(checkTrial(trial(), { ...SPANS, exportCallsMaxConcurrent: concurrent }, TRACED).warnings, []);
  });
});
