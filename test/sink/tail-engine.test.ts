import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TailSamplingEngine } from '../../harness/sink/tail/engine.js';
import { estimateSpanBytes } from '../../harness/sink/tail/span-bytes.js';
import type { TailPolicy, TailSamplingConfig } from '../../harness/sink/tail/types.js';
import type { ReceivedSpan } from '../../harness/sink/types.js';
import { config, fakeClock, span } from './tail-helpers.js';

const ERRORS: TailPolicy = { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } };
const ALL: TailPolicy = { name: 'all', type: 'always_sample' };

function engine(cfg: TailSamplingConfig) {
  const clock = fakeClock();
  const kept: ReceivedSpan[] = [];
  const tail = new TailSamplingEngine({ config: cfg, clock: clock.now, keep: (spans) => kept.push(...spans) });
  return { tail, clock, kept, keptTraces: () => [...new Set(kept.map((s) => s.traceId))] };
}

test('a trace waits decision_wait from its first span, and spans arriving meanwhile join it', () => {
  const { tail, clock, kept } = engine(config([ERRORS], { decision_wait_ms: 1_000 }));
  tail.add([span('a')]);
  assert.equal(tail.nextDeadlineMs(), clock.now() + 1_000);
  clock.advance(500);
  tail.add([span('a', { statusCode: 2 })]);
  clock.advance(499);
  tail.decideDue();
  assert.equal(kept.length, 0);
  assert.equal(tail.stats().tracesPending, 1);
  clock.advance(1);
  tail.decideDue();
  assert.equal(kept.length, 2, 'the error that came later decided it');
  assert.equal(tail.nextDeadlineMs(), undefined);
  const stats = tail.stats();
  assert.deepEqual([stats.tracesSeen, stats.tracesSampled, stats.tracesDropped, stats.tracesPending], [1, 1, 0, 0]);
  assert.deepEqual(stats.decisionDelayMs, { count: 1, p50: 1_000, p99: 1_000, max: 1_000 });
});

test('only the traces a policy samples are kept; every span is counted', () => {
  const { tail, clock, keptTraces } = engine(config([ERRORS]));
  tail.add([span('ok'), span('bad', { statusCode: 2 }), span('ok'), span('bad')]);
  clock.advance(1_000);
  tail.decideDue();
  assert.deepEqual(keptTraces(), ['bad'.padStart(32, '0')]);
  const stats = tail.stats();
  assert.deepEqual(
    [stats.spansReceived, stats.spansKept, stats.spansDropped, stats.tracesSampled, stats.tracesDropped],
    [4, 2, 2, 1, 1],
  );
  assert.deepEqual(stats.sampledByPolicy, { errors: 1 });
});

test('late spans follow their trace decision', () => {
  const { tail, clock, kept } = engine(config([ERRORS]));
  tail.add([span('bad', { statusCode: 2 }), span('ok')]);
  clock.advance(1_000);
  tail.decideDue();
  tail.add([span('bad'), span('ok'), span('ok')]);
  assert.equal(kept.length, 2, 'the late span of the sampled trace is kept');
  const stats = tail.stats();
  assert.deepEqual(
    [stats.lateSpans, stats.spansKept, stats.spansDropped, stats.tracesSeen, stats.tracesPending],
    [3, 2, 3, 2, 0],
  );
});

test('when num_traces is full the oldest pending trace is evicted, its spans lost and counted', () => {
  const { tail, clock, keptTraces } = engine(config([ALL], { num_traces: 2 }));
  tail.add([span('1'), span('1')]);
  clock.advance(10);
  tail.add([span('2')]);
  clock.advance(10);
  tail.add([span('3')]);
  const stats = tail.stats();
  assert.deepEqual([stats.tracesEvicted, stats.spansEvicted, stats.tracesPending], [1, 2, 2]);
  clock.advance(1_000);
  tail.decideDue();
  assert.deepEqual(
    keptTraces(),
    ['2', '3'].map((id) => id.padStart(32, '0')),
  );
});

test('decided traces make room first: their decision is forgotten and a later span starts a new trace', () => {
  const { tail, clock, kept } = engine(config([ERRORS], { num_traces: 2 }));
  tail.add([span('old', { statusCode: 2 })]);
  clock.advance(1_000);
  tail.decideDue();
  tail.add([span('2')]);
  tail.add([span('3')]);
  assert.equal(tail.stats().tracesEvicted, 0, 'no pending trace was lost');
  tail.add([span('old')]);
  const stats = tail.stats();
  assert.equal(stats.lateSpans, 0, 'not late: the decision is gone');
  assert.equal(stats.tracesSeen, 4);
  assert.equal(stats.tracesEvicted, 1, "trace 2 made room for old's second coming");
  clock.advance(1_000);
  tail.decideDue();
  assert.equal(kept.length, 1, 'the new "old" trace has no error of its own');
});

test('peak buffered spans and bytes count what waited, and stay after the decisions', () => {
  const { tail, clock } = engine(config([ALL]));
  const spans = [
    span('1', { attributes: { 'http.route': '/a' } }),
    span('1'),
    span('1'),
    span('2'),
    span('2', { attributes: { n: 1 } }),
  ];
  tail.add(spans.slice(0, 3));
  tail.add(spans.slice(3));
  clock.advance(1_000);
  tail.decideDue();
  tail.add([span('3')]);
  const stats = tail.stats();
  assert.equal(stats.peakBufferedSpans, 5);
  assert.equal(
    stats.peakBufferedBytes,
    spans.reduce((sum, s) => sum + estimateSpanBytes(s), 0),
  );
});

test('decision delays are reported as nearest-rank p50, p99 and max', () => {
  const { tail, clock } = engine(config([ALL], { decision_wait_ms: 100 }));
  // Ten traces, decided 100 … 190 ms after their first span: arrivals 0…9 ms apart, decisions all at once late.
  for (let i = 0; i < 10; i++) {
    tail.add([span(String(i + 1))]);
    clock.advance(10);
  }
  clock.advance(90);
  tail.decideDue();
  assert.deepEqual(tail.stats().decisionDelayMs, { count: 10, p50: 140, p99: 190, max: 190 });
});

test('flush decides everything pending now and counts the early ones', () => {
  const { tail, clock, kept } = engine(config([ALL], { decision_wait_ms: 30_000 }));
  tail.add([span('1'), span('2')]);
  clock.advance(5);
  tail.flush();
  const stats = tail.stats();
  assert.deepEqual([kept.length, stats.tracesFlushed, stats.tracesPending, stats.decisionDelayMs.max], [2, 2, 0, 5]);
});

test('an inverted not-sample overrules always_sample at the engine, and every policy is evaluated', () => {
  const drop: TailPolicy = {
    name: 'not-health',
    type: 'string_attribute',
    string_attribute: { key: 'url.path', values: ['/healthz'], invert_match: true },
  };
  const limiter: TailPolicy = {
    name: 'limit',
    type: 'rate_limiting',
    rate_limiting: { spans_per_second: 1, burst_capacity: 1 },
  };
  const { tail, clock, keptTraces } = engine(config([ALL, drop, limiter]));
  tail.add([
    span('health', { attributes: { 'url.path': '/healthz' } }),
    span('users', { attributes: { 'url.path': '/users' } }),
  ]);
  clock.advance(1_000);
  tail.decideDue();
  assert.deepEqual(keptTraces(), ['users'.padStart(32, '0')]);
  // The limiter ran for both traces although always_sample had already voted: one token, one vote.
  assert.deepEqual(tail.stats().sampledByPolicy, { all: 2, 'not-health': 1, limit: 1 });
});

test('reset forgets traces, decisions, counts and limiter state', () => {
  const limiter: TailPolicy = {
    name: 'limit',
    type: 'rate_limiting',
    rate_limiting: { spans_per_second: 1, burst_capacity: 1 },
  };
  const { tail, clock, kept } = engine(config([limiter]));
  tail.add([span('1')]);
  clock.advance(1_000);
  tail.decideDue();
  tail.add([span('2')]);
  tail.reset();
  assert.equal(tail.stats().tracesSeen, 0);
  assert.equal(tail.nextDeadlineMs(), undefined);
  tail.add([span('1'), span('3')]);
  clock.advance(1_000);
  tail.decideDue();
  // Trace 1 is new again (not late), and the fresh bucket holds one token.
  assert.equal(tail.stats().lateSpans, 0);
  assert.equal(kept.length, 2);
});
