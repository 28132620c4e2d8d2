import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assembleTraces, type SpanLinks } from '../../harness/sink/traces.js';

const span = (traceId: string, spanId: string, parentSpanId = ''): SpanLinks => ({ traceId, spanId, parentSpanId });

test('a root with a chain of children is one complete trace', () => {
  const result = assembleTraces([span('t1', 'c', 'b'), span('t1', 'a'), span('t1', 'b', 'a'), span('t1', 'd', 'a')]);
  assert.deepEqual(result, { traces: 1, complete: 1, broken: 0, orphanSpans: 0, rootlessTraces: 0, duplicateSpans: 0 });
});

test('a span whose parent never arrived is an orphan and breaks its trace', () => {
  const result = assembleTraces([span('t1', 'a'), span('t1', 'b', 'a'), span('t1', 'c', 'missing'), span('t2', 'x')]);
  assert.deepEqual(result, { traces: 2, complete: 1, broken: 1, orphanSpans: 1, rootlessTraces: 0, duplicateSpans: 0 });
});

test('a trace whose root was lost is rootless and its top spans are orphans', () => {
  const result = assembleTraces([span('t1', 'b', 'lost-root'), span('t1', 'c', 'b'), span('t1', 'd', 'lost-root')]);
  assert.deepEqual(result, { traces: 1, complete: 0, broken: 1, orphanSpans: 2, rootlessTraces: 1, duplicateSpans: 0 });
});

test('two roots in one trace make it broken but not rootless', () => {
  const result = assembleTraces([span('t1', 'a'), span('t1', 'b'), span('t1', 'c', 'a')]);
  assert.deepEqual(result, { traces: 1, complete: 0, broken: 1, orphanSpans: 0, rootlessTraces: 0, duplicateSpans: 0 });
});

test('a span delivered twice is counted as a duplicate and does not make a second root', () => {
  const result = assembleTraces([span('t1', 'a'), span('t1', 'a'), span('t1', 'b', 'a')]);
  assert.deepEqual(result, { traces: 1, complete: 1, broken: 0, orphanSpans: 0, rootlessTraces: 0, duplicateSpans: 1 });
});

test('parents are looked up within the same trace only', () => {
  const result = assembleTraces([span('t1', 'a'), span('t2', 'b', 'a')]);
  assert.deepEqual(result, { traces: 2, complete: 1, broken: 1, orphanSpans: 1, rootlessTraces: 1, duplicateSpans: 0 });
});

test('no spans, no traces', () => {
  assert.deepEqual(assembleTraces([]), {
    traces: 0,
    complete: 0,
    broken: 0,
    orphanSpans: 0,
    rootlessTraces: 0,
    duplicateSpans: 0,
  });
});
