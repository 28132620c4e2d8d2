import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  ConsistentParentSampledSampler,
  ConsistentProbabilitySampler,
  parentBasedConsistentProbabilitySampler,
} from '../../workloads/service/samplers/consistent-probability.js';
import { decide, isSampled, remoteParent, traceIds } from './helpers.js';

const id = (last14: string) => `0123456789abcdef01${last14}`;

test('50%: a trace whose randomness equals the threshold is kept with ot=th:8, one below is dropped', () => {
  const sampler = new ConsistentProbabilitySampler(0.5);
  const kept = decide(sampler, id('80000000000000'));
  assert.equal(isSampled(kept), true);
  assert.equal(kept.traceState?.serialize(), 'ot=th:8');
  const dropped = decide(sampler, id('7fffffffffffff'));
  assert.equal(isSampled(dropped), false);
  assert.equal(dropped.traceState, undefined, 'a dropped root gets no tracestate');
});

test('kept spans carry th with trailing zeros removed: 25% is th:c, 10% th:e666, 100% th:0', () => {
  const top = id('ffffffffffffff');
  assert.equal(decide(new ConsistentProbabilitySampler(0.25), top).traceState?.serialize(), 'ot=th:c');
  assert.equal(decide(new ConsistentProbabilitySampler(0.1), top).traceState?.serialize(), 'ot=th:e666');
  assert.equal(decide(new ConsistentProbabilitySampler(1), id('00000000000000')).traceState?.serialize(), 'ot=th:0');
});

test('explicit rv in the parent tracestate replaces trace id randomness and travels unmodified', () => {
  const traceId = id('ffffffffffffff');
  const parent = remoteParent(traceId, true, 'vendor=abc,ot=rv:6e6d1a75832a2f');
  // rv 0x6e6d… is below 50%'s threshold 0x80…, though the trace id alone would be kept.
  const atHalf = decide(new ConsistentProbabilitySampler(0.5), traceId, parent);
  assert.equal(isSampled(atHalf), false);
  assert.equal(atHalf.traceState?.get('ot'), 'rv:6e6d1a75832a2f');
  // 60%: threshold 0x6666… <= rv, kept.
  const atSixty = decide(new ConsistentProbabilitySampler(0.6), traceId, parent);
  assert.equal(isSampled(atSixty), true);
  assert.equal(atSixty.traceState?.get('ot'), 'th:6666;rv:6e6d1a75832a2f');
  assert.equal(atSixty.traceState?.get('vendor'), 'abc', 'other vendors keep their entry');
});

test('a dropped span erases a th it inherited, keeping rv', () => {
  const traceId = id('00000000000001');
  const parent = remoteParent(traceId, false, 'ot=th:8;rv:00000000000001');
  const result = decide(new ConsistentProbabilitySampler(0.5), traceId, parent);
  assert.equal(isSampled(result), false);
  assert.equal(result.traceState?.get('ot'), 'rv:00000000000001');
});

test('the effective ratio is that of the written threshold', () => {
  assert.equal(new ConsistentProbabilitySampler(0.1).effectiveRatio, 0.100006103515625);
  assert.equal(new ConsistentProbabilitySampler(0.25).effectiveRatio, 0.25);
  assert.equal(new ConsistentProbabilitySampler(0).effectiveRatio, 0);
});

test('ratio 0 keeps nothing and writes no threshold', () => {
  const sampler = new ConsistentProbabilitySampler(0);
  for (const traceId of traceIds(200, 3)) assert.equal(isSampled(decide(sampler, traceId)), false);
  assert.equal(sampler.thresholdHex, undefined);
});

test('consistency: every trace kept at 10% is also kept at 50%, and the kept fractions match the ratios', () => {
  const ids = traceIds(20_000, 7);
  const low = new ConsistentProbabilitySampler(0.1);
  const high = new ConsistentProbabilitySampler(0.5);
  let keptLow = 0;
  let keptHigh = 0;
  for (const traceId of ids) {
    const a = isSampled(decide(low, traceId));
    const b = isSampled(decide(high, traceId));
    if (a) assert.equal(b, true, `${traceId} kept at 10% but not at 50%`);
    keptLow += a ? 1 : 0;
    keptHigh += b ? 1 : 0;
  }
  // Four binomial standard deviations: sqrt(20000·0.1·0.9) ≈ 42, sqrt(20000·0.25) ≈ 71.
  assert.ok(Math.abs(keptLow - 2_000) < 170, `kept ${keptLow} of 20000 at 10%`);
  assert.ok(Math.abs(keptHigh - 10_000) < 285, `kept ${keptHigh} of 20000 at 50%`);
});

test('parent rule: a sampled parent with a consistent th is followed and its th propagated unchanged', () => {
  const traceId = id('ffffffffffffff');
  const rule = new ConsistentParentSampledSampler();
  const result = decide(rule, traceId, remoteParent(traceId, true, 'ot=th:c'));
  assert.equal(isSampled(result), true);
  assert.equal(result.traceState, undefined, 'undefined keeps the parent tracestate, th included');
});

test('parent rule: an apparently inconsistent or malformed th is erased, the span still kept', () => {
  const traceId = id('00000000000005');
  const rule = new ConsistentParentSampledSampler();
  const inconsistent = decide(rule, traceId, remoteParent(traceId, true, 'ot=th:8;rv:00000000000005'));
  assert.equal(isSampled(inconsistent), true);
  assert.equal(inconsistent.traceState?.get('ot'), 'rv:00000000000005');
  const malformed = decide(rule, traceId, remoteParent(traceId, true, 'ot=th:zz'));
  assert.equal(malformed.traceState?.get('ot'), undefined);
});

test('parent-based: children follow the root through the SDK, keeping its th; unsampled parents drop children', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: parentBasedConsistentProbabilitySampler(0.25),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('consistent');
  let roots = 0;
  for (let i = 0; i < 400; i++) {
    const root = tracer.startSpan('root', {}, ROOT_CONTEXT);
    const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, root));
    assert.equal(child.isRecording(), root.isRecording(), 'child follows its root');
    if (root.isRecording()) {
      roots++;
      assert.equal(root.spanContext().traceState?.serialize(), 'ot=th:c');
      assert.equal(child.spanContext().traceState?.serialize(), 'ot=th:c');
    }
    child.end();
    root.end();
  }
  assert.equal(exporter.getFinishedSpans().length, roots * 2);
  // 400 roots at 25%: 100 expected, sd 8.7.
  assert.ok(roots > 60 && roots < 140, `${roots} of 400 roots kept`);
  const unsampledParent = remoteParent(id('ffffffffffffff'), false, 'ot=th:0');
  assert.equal(tracer.startSpan('child-of-unsampled', {}, unsampledParent).isRecording(), false);
});
