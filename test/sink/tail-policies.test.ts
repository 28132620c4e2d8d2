import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnv1a64, MAX_UINT64, uint64Threshold } from '../../harness/sink/tail/hash.js';
import { buildEvaluator, finalDecision, type TraceView } from '../../harness/sink/tail/policies.js';
import type { PolicyDecision, TailPolicy } from '../../harness/sink/tail/types.js';
import { traceIds } from '../sampling/helpers.js';
import { fakeClock, span } from './tail-helpers.js';

const view = (...spans: ReturnType<typeof span>[]): TraceView => ({ traceId: spans[0].traceId, spans });
const evaluate = (policy: TailPolicy, trace: TraceView, clock = fakeClock()) =>
  buildEvaluator(policy, clock.now)(trace);

test('always_sample samples every trace', () => {
  assert.equal(evaluate({ name: 'all', type: 'always_sample' }, view(span('1'))), 'sampled');
});

test('status_code samples when any span has a listed code', () => {
  const errors: TailPolicy = { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } };
  assert.equal(evaluate(errors, view(span('1'), span('1', { statusCode: 2 }))), 'sampled');
  assert.equal(evaluate(errors, view(span('1', { statusCode: 1 }), span('1'))), 'not_sampled');
  const unset: TailPolicy = { name: 'unset', type: 'status_code', status_code: { status_codes: ['OK', 'UNSET'] } };
  assert.equal(evaluate(unset, view(span('1', { statusCode: 0 }))), 'sampled');
});

test('latency measures latest end − earliest start in whole ms; >= threshold, or (threshold, upper]', () => {
  // 0–100 ms and 50–250 ms: 250 ms in all, though no single span is that long.
  const trace = view(span('1', { startMs: 0, durationMs: 100 }), span('1', { startMs: 50, durationMs: 200 }));
  const latency = (threshold_ms: number, upper_threshold_ms?: number): TailPolicy => ({
    name: 'slow',
    type: 'latency',
    latency: { threshold_ms, upper_threshold_ms },
  });
  assert.equal(evaluate(latency(250), trace), 'sampled');
  assert.equal(evaluate(latency(251), trace), 'not_sampled');
  assert.equal(evaluate(latency(200, 250), trace), 'sampled');
  assert.equal(evaluate(latency(250, 300), trace), 'not_sampled', 'the lower bound is exclusive with an upper bound');
  assert.equal(evaluate(latency(100, 249), trace), 'not_sampled');
  // 249.9 ms truncates to 249.
  assert.equal(evaluate(latency(250), view(span('2', { durationMs: 249.9 }))), 'not_sampled');
});

test('FNV-1a 64 matches the reference vectors', () => {
  const bytes = (text: string) => Buffer.from(text, 'utf8');
  assert.equal(fnv1a64(bytes('')), 0xcbf29ce484222325n);
  assert.equal(fnv1a64(bytes('a')), 0xaf63dc4c8601ec8cn);
  assert.equal(fnv1a64(bytes('foobar')), 0x85944171f73967e8n);
  assert.equal(fnv1a64(bytes('bar'), fnv1a64(bytes('foo'))), 0x85944171f73967e8n, 'continuing from a state');
});

test('the probabilistic threshold is ⌊ratio · (2^64 − 1)⌋', () => {
  assert.equal(uint64Threshold(0), 0n);
  assert.equal(uint64Threshold(1), MAX_UINT64);
  assert.equal(uint64Threshold(0.5), (1n << 63n) - 1n);
  assert.equal(uint64Threshold(0.25), (1n << 62n) - 1n);
});

test('probabilistic keeps its percentage of trace ids, deterministically, differently per salt', () => {
  const ids = traceIds(10_000, 21);
  const policy = (sampling_percentage: number, hash_salt?: string): TailPolicy => ({
    name: 'p',
    type: 'probabilistic',
    probabilistic: { sampling_percentage, hash_salt },
  });
  const kept = (p: TailPolicy) =>
    ids.filter((traceId) => evaluate(p, { traceId, spans: [span(traceId)] }) === 'sampled');
  const ten = kept(policy(10));
  // 10000 at 10%: sd 30; four of them.
  assert.ok(Math.abs(ten.length - 1_000) < 120, `${ten.length} kept at 10%`);
  assert.deepEqual(kept(policy(10)), ten, 'same salt, same traces');
  const otherSalt = kept(policy(10, 'another-salt'));
  assert.ok(Math.abs(otherSalt.length - 1_000) < 120);
  assert.notDeepEqual(otherSalt, ten);
  assert.equal(kept(policy(100)).length, ids.length);
  assert.equal(kept(policy(0)).length, 0);
});

test('rate_limiting spends span tokens from a bucket that starts full at 2 × the rate and refills continuously', () => {
  const clock = fakeClock();
  const evaluator = buildEvaluator(
    { name: 'rate', type: 'rate_limiting', rate_limiting: { spans_per_second: 10 } },
    clock.now,
  );
  const trace = (spans: number) => view(...Array.from({ length: spans }, () => span('1')));
  assert.equal(evaluator(trace(15)), 'sampled', '15 of 20 tokens');
  assert.equal(evaluator(trace(10)), 'not_sampled', '5 left, none spent');
  assert.equal(evaluator(trace(5)), 'sampled');
  clock.advance(500);
  assert.equal(evaluator(trace(5)), 'sampled', '0.5 s refilled 5');
  assert.equal(evaluator(trace(1)), 'not_sampled');
  clock.advance(60_000);
  assert.equal(evaluator(trace(21)), 'not_sampled', 'a trace larger than the bucket never fits');
  assert.equal(evaluator(trace(20)), 'sampled');
});

test('rate_limiting burst_capacity sizes the bucket', () => {
  const clock = fakeClock();
  const evaluator = buildEvaluator(
    { name: 'rate', type: 'rate_limiting', rate_limiting: { spans_per_second: 10, burst_capacity: 3 } },
    clock.now,
  );
  assert.equal(evaluator(view(span('1'), span('1'), span('1'))), 'sampled');
  assert.equal(evaluator(view(span('1'))), 'not_sampled');
});

test('string_attribute matches string values on spans or the resource service.name; inverted votes are inverted', () => {
  const policy = (invert_match: boolean, key = 'user.tier'): TailPolicy => ({
    name: 's',
    type: 'string_attribute',
    string_attribute: { key, values: ['debug', 'gold'], invert_match },
  });
  const debug = view(span('1'), span('1', { attributes: { 'user.tier': 'debug' } }));
  const plain = view(span('1', { attributes: { 'user.tier': 'free' } }));
  assert.equal(evaluate(policy(false), debug), 'sampled');
  assert.equal(evaluate(policy(false), plain), 'not_sampled');
  assert.equal(evaluate(policy(true), debug), 'invert_not_sampled');
  assert.equal(evaluate(policy(true), plain), 'invert_sampled');
  assert.equal(
    evaluate(policy(false), view(span('1', { attributes: { 'user.tier': 7 } }))),
    'not_sampled',
    'only strings match',
  );
  const byService: TailPolicy = {
    name: 'svc',
    type: 'string_attribute',
    string_attribute: { key: 'service.name', values: ['payments'], invert_match: false },
  };
  assert.equal(evaluate(byService, view(span('1', { serviceName: 'payments' }))), 'sampled');
  assert.equal(evaluate(byService, view(span('1', { serviceName: 'frontend' }))), 'not_sampled');
});

test('and samples only when every sub-policy does, stopping at the first that does not', () => {
  const clock = fakeClock();
  const evaluator = buildEvaluator(
    {
      name: 'slow-errors',
      type: 'and',
      and: {
        and_sub_policy: [
          { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
          { name: 'one-per-second', type: 'rate_limiting', rate_limiting: { spans_per_second: 1, burst_capacity: 1 } },
        ],
      },
    },
    clock.now,
  );
  // Non-error traces stop at the first sub-policy, so they never spend the limiter's single token.
  for (let i = 0; i < 5; i++) assert.equal(evaluator(view(span('1'))), 'not_sampled');
  assert.equal(evaluator(view(span('2', { statusCode: 2 }))), 'sampled');
  assert.equal(evaluator(view(span('3', { statusCode: 2 }))), 'not_sampled', 'the token is spent');
});

test('and treats an inverted not-sample as not sampled and an inverted sample as sampled', () => {
  const and = (invert_match: boolean): TailPolicy => ({
    name: 'a',
    type: 'and',
    and: {
      and_sub_policy: [
        { name: 's', type: 'string_attribute', string_attribute: { key: 'k', values: ['v'], invert_match } },
        { name: 'all', type: 'always_sample' },
      ],
    },
  });
  assert.equal(evaluate(and(true), view(span('1', { attributes: { k: 'v' } }))), 'not_sampled');
  assert.equal(evaluate(and(true), view(span('1', { attributes: { k: 'w' } }))), 'sampled');
});

test('composite: the first sampling sub-policy decides within its share of spans per second, per second', () => {
  const clock = fakeClock(5_000);
  const evaluator = buildEvaluator(
    {
      name: 'budget',
      type: 'composite',
      composite: {
        max_total_spans_per_second: 100,
        policy_order: ['errors', 'everything'],
        composite_sub_policy: [
          { name: 'everything', type: 'always_sample' },
          { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
        ],
        rate_allocation: [
          { policy: 'errors', percent: 50 },
          { policy: 'everything', percent: 25 },
        ],
      },
    },
    clock.now,
  );
  const trace = (error: boolean) => view(...Array.from({ length: 10 }, () => span('1', { statusCode: error ? 2 : 0 })));
  const errorVotes = Array.from({ length: 6 }, () => evaluator(trace(true)));
  // 50 spans/s for errors: five 10-span traces fit; the sixth is refused, not handed to 'everything'.
  assert.deepEqual(errorVotes, ['sampled', 'sampled', 'sampled', 'sampled', 'sampled', 'not_sampled']);
  const otherVotes = Array.from({ length: 3 }, () => evaluator(trace(false)));
  assert.deepEqual(otherVotes, ['sampled', 'sampled', 'not_sampled'], '25 spans/s: two traces');
  clock.advance(1_000);
  assert.equal(evaluator(trace(true)), 'sampled', 'a new second, a new budget');
});

test('composite: a sub-policy without an allocation gets none; percent 0 gets an equal share', () => {
  const composite = (rate_allocation: { policy: string; percent: number }[]): TailPolicy => ({
    name: 'c',
    type: 'composite',
    composite: {
      max_total_spans_per_second: 30,
      policy_order: ['all', 'errors'],
      composite_sub_policy: [
        { name: 'all', type: 'always_sample' },
        { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } },
      ],
      rate_allocation,
    },
  });
  assert.equal(evaluate(composite([]), view(span('1'))), 'not_sampled');
  // Equal share: 30 / 2 = 15 spans per second.
  const clock = fakeClock();
  const evaluator = buildEvaluator(composite([{ policy: 'all', percent: 0 }]), clock.now);
  const trace = view(...Array.from({ length: 8 }, () => span('1')));
  assert.deepEqual([evaluator(trace), evaluator(trace)], ['sampled', 'not_sampled']);
});

test('final decision: an inverted not-sample wins; any sample samples; an inverted sample needs no not-sample', () => {
  const cases: [PolicyDecision[], boolean][] = [
    [['sampled', 'not_sampled'], true],
    [['not_sampled'], false],
    [['invert_not_sampled', 'sampled'], false],
    [['invert_sampled'], true],
    [['invert_sampled', 'not_sampled'], false],
    [['invert_sampled', 'not_sampled', 'sampled'], true],
    [['invert_sampled', 'invert_not_sampled'], false],
    [[], false],
  ];
  for (const [decisions, sampled] of cases) assert.equal(finalDecision(decisions), sampled, decisions.join(' + '));
});
