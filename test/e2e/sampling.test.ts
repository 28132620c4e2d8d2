import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proportion } from '../../harness/stats/binomial.js';
import { liveChildren } from '../../harness/target/launch.js';
import { trialRig, type WorkloadTrialOptions } from '../helpers/trial.js';

/**
 * Issue 6, acceptance 1: what each sampling configuration keeps of the traces that matter, measured against the
 * generator's ground truth on checkout-chain (six services, 2% errors, 5% slow).
 */
describe('sampling configurations against ground truth (checkout-chain)', { timeout: 300_000 }, () => {
  const run = trialRig();
  const trial = (o: Omit<WorkloadTrialOptions, 'workload'>) => run({ workload: 'checkout-chain', ...o });

  it('always_on keeps 100% of error traces, every request, each trace whole', async () => {
    const { metrics } = await trial({ durationSeconds: 3 });
    const c = metrics.coverage!;
    assert.ok(c.errors.of > 0, 'some requests were drawn to fail');
    assert.equal(c.errors.kept, c.errors.of);
    assert.equal(c.traces.kept, c.traces.of);
    assert.equal(c.slow.kept, c.slow.of);
    assert.equal(metrics.traces!.requestsWhole, c.traces.of);
  });

  it('traceidratio 0.1 keeps 10% of requests, within its binomial interval', async () => {
    const { metrics } = await trial({
      sampler: '{ type: traceidratio, ratio: 0.1 }',
      rateRps: 200,
      durationSeconds: 3,
    });
    const c = metrics.coverage!;
    // 99.9% rather than 95%, so the test itself fails by chance once in a thousand runs, not once in twenty.
    const p = proportion(c.traces.kept, c.traces.of, 0.999);
    assert.ok(
      p.low <= 0.1 && 0.1 <= p.high,
      `kept ${c.traces.kept} of ${c.traces.of}: [${p.low.toFixed(3)}, ${p.high.toFixed(3)}]`,
    );
    assert.ok(c.traces.low <= c.traces.fraction && c.traces.fraction <= c.traces.high);
  });

  it('a tail status_code policy keeps 100% of error traces under an always_on head, and drops most others', async () => {
    const tail =
      '[{ name: errors, sampling: { decision_wait: 300ms, policies: [{ name: errors, type: status_code, status_code: { status_codes: [ERROR] } }] } }]';
    const { metrics } = await trial({ tail, durationSeconds: 3 });
    const c = metrics.coverage!;
    assert.ok(c.errors.of > 0);
    assert.equal(c.errors.kept, c.errors.of, JSON.stringify(c.errors));
    assert.ok(c.traces.kept < c.traces.of * 0.2, `kept ${c.traces.kept} of ${c.traces.of}`);
    assert.ok(metrics.tail!.tracesSampled > 0 && metrics.tail!.peakBufferedSpans > 0);
  });

  // Services sampling at different ratios (the usual case: each team sets its own). At one shared ratio a plain
  // traceidratio decides alike everywhere (the decision is a function of the trace id), so it cannot break traces.
  const differentRatios =
    'perService: { inventory: { sampler: { type: $T, ratio: 0.5 } }, stock-db: { sampler: { type: $T, ratio: 0.5 } } }';

  it('parentbased_traceidratio keeps traces whole across services; plain traceidratio on every service breaks them', async () => {
    const parent = await trial({
      sampler: '{ type: parentbased_traceidratio, ratio: 0.1 }',
      service: differentRatios.replaceAll('$T', 'parentbased_traceidratio'),
      rateRps: 200,
      durationSeconds: 2,
    });
    assert.equal(parent.metrics.traces!.broken, 0, JSON.stringify(parent.metrics.traces));
    assert.equal(parent.metrics.traces!.requestsSplit, 0);
    const plain = await trial({
      sampler: '{ type: traceidratio, ratio: 0.1 }',
      service: differentRatios.replaceAll('$T', 'traceidratio'),
      rateRps: 200,
      durationSeconds: 2,
    });
    assert.ok(plain.metrics.traces!.broken > 0, JSON.stringify(plain.metrics.traces));
  });

  it('the rate-limiting sampler holds its target within 10%', async (t) => {
    const { metrics } = await trial({
      sampler: '{ type: parentbased_ratelimiting, tracesPerSecond: 40 }',
      rateRps: 200,
      durationSeconds: 4,
    });
    const perSecond = metrics.coverage!.traces.kept / (metrics.windowMs / 1000);
    t.diagnostic(
      `${perSecond.toFixed(1)} traces/s: off by ${(Math.abs(perSecond / 40 - 1) * 100).toFixed(1)}% (bound 10%)`,
    );
    assert.ok(Math.abs(perSecond / 40 - 1) <= 0.1, `${perSecond.toFixed(1)} traces/s against a target of 40`);
  });

  it('leaves no service process behind', () => {
    assert.equal(liveChildren(), 0);
  });
});
