import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BiasedHeadSampler } from '../../workloads/service/samplers/biased-head.js';
import { decide, isSampled, traceIds } from './helpers.js';

const IDS = traceIds(5_000, 11);

function keptFraction(sampler: BiasedHeadSampler, attributes: Record<string, string | number | boolean>): number {
  return IDS.filter((id) => isSampled(decide(sampler, id, undefined, attributes))).length / IDS.length;
}

test('a listed http.route is always sampled; other routes at the ratio', () => {
  const sampler = new BiasedHeadSampler({ ratio: 0.1, alwaysRoutes: ['/api/checkout'] });
  assert.equal(keptFraction(sampler, { 'http.route': '/api/checkout' }), 1);
  const other = keptFraction(sampler, { 'http.route': '/api/users/:id' });
  // 5000 trace ids at 10%: sd 0.0042.
  assert.ok(Math.abs(other - 0.1) < 0.02, `other route kept ${other}`);
});

test('a listed attribute value is always sampled, compared as strings', () => {
  const sampler = new BiasedHeadSampler({ ratio: 0, alwaysAttributes: { 'user.tier': 'debug', 'app.retry': 3 } });
  assert.equal(keptFraction(sampler, { 'user.tier': 'debug' }), 1);
  assert.equal(keptFraction(sampler, { 'app.retry': '3' }), 1);
  assert.equal(keptFraction(sampler, { 'user.tier': 'gold' }), 0);
  assert.equal(keptFraction(sampler, {}), 0);
});

test('it cannot see the outcome: with no rule for it, an error-bound request is kept only at the ratio', () => {
  const sampler = new BiasedHeadSampler({ ratio: 0.05, alwaysRoutes: ['/api/checkout'] });
  // The request on /api/users will fail, but nothing at span start says so.
  const kept = keptFraction(sampler, { 'http.route': '/api/users/:id', 'http.request.method': 'GET' });
  assert.ok(kept < 0.08, `kept ${kept}`);
});

test('ground-truth attributes may not be used as rules', () => {
  assert.throws(
    () => new BiasedHeadSampler({ ratio: 0.1, alwaysAttributes: { 'tracebench.truth.error': true } }),
    /ground truth/,
  );
});

test('the ratio must be in [0, 1]', () => {
  assert.throws(() => new BiasedHeadSampler({ ratio: 1.5 }), RangeError);
  assert.throws(() => new BiasedHeadSampler({ ratio: Number.NaN }), RangeError);
});
