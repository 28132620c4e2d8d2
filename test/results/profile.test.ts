import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameCategory, pruneFlame, summariseProfile, type OwnCode } from '../../harness/results/profile.js';
import type { CpuProfile, CpuProfileNode } from '../../harness/probe/protocol.js';

const NM = 'file:///app/node_modules';
const OWN: OwnCode = {
  tracebench: ['/tb/dist/harness/', '/tb/dist/workloads/service/tracing.js'],
  sampler: [],
  instrumentation: [{ path: '/app/executor.js', functions: ['runTraced'] }],
};

/** A synthetic profile: each entry is a node (parent by id) and how many 100 µs samples land on it as the top frame. */
function profile(frames: { id: number; parent?: number; fn: string; url: string; samples: number }[]): CpuProfile {
  const nodes: CpuProfileNode[] = frames.map((f) => ({
    id: f.id,
    callFrame: { functionName: f.fn, scriptId: '1', url: f.url, lineNumber: 0, columnNumber: 0 },
    hitCount: f.samples,
    children: frames.filter((c) => c.parent === f.id).map((c) => c.id),
  }));
  const samples = frames.flatMap((f) => Array.from({ length: f.samples }, () => f.id));
  return { nodes, startTime: 0, endTime: samples.length * 100, samples, timeDeltas: samples.map(() => 100) };
}

const FRAMES = [
  { id: 1, fn: '(root)', url: '', samples: 0 },
  { id: 2, parent: 1, fn: '(idle)', url: '', samples: 50 },
  { id: 3, parent: 1, fn: '(garbage collector)', url: '', samples: 4 },
  { id: 4, parent: 1, fn: '(program)', url: '', samples: 2 },
  { id: 5, parent: 1, fn: 'parserOnIncoming', url: 'node:_http_server', samples: 3 },
  { id: 6, parent: 5, fn: 'handle', url: 'file:///app/server.js', samples: 10 },
  {
    id: 7,
    parent: 6,
    fn: 'startActiveSpan',
    url: `${NM}/@opentelemetry/api/build/src/trace/ProxyTracer.js`,
    samples: 1,
  },
  { id: 8, parent: 7, fn: 'startSpan', url: `${NM}/@opentelemetry/sdk-trace/build/src/Tracer.js`, samples: 5 },
  { id: 9, parent: 8, fn: 'shouldSample', url: '/tb/dist/workloads/service/tracing.js', samples: 1 },
  {
    id: 10,
    parent: 9,
    fn: 'shouldSample',
    url: `${NM}/@opentelemetry/sdk-trace/build/src/sampler/AlwaysOffSampler.js`,
    samples: 2,
  },
  { id: 11, parent: 8, fn: 'randomFillSync', url: 'node:internal/crypto/random', samples: 3 },
  { id: 12, parent: 1, fn: 'emitInit', url: 'node:internal/async_hooks', samples: 6 },
  { id: 13, parent: 1, fn: 'listOnTimeout', url: 'node:internal/timers', samples: 1 },
  {
    id: 14,
    parent: 13,
    fn: '_flushOneBatch',
    url: `${NM}/@opentelemetry/sdk-trace/build/src/export/BatchSpanProcessorBase.js`,
    samples: 2,
  },
  { id: 15, parent: 14, fn: 'send', url: `${NM}/@opentelemetry/otlp-exporter-base/build/src/http.js`, samples: 1 },
  {
    id: 16,
    parent: 15,
    fn: 'createSpans',
    url: `${NM}/@opentelemetry/otlp-transformer/build/src/trace.js`,
    samples: 7,
  },
  { id: 17, parent: 16, fn: 'encode', url: `${NM}/protobufjs/src/writer.js`, samples: 4 },
  { id: 18, parent: 15, fn: 'request', url: 'node:http', samples: 2 },
  { id: 19, parent: 18, fn: 'writev', url: '', samples: 3 },
  { id: 20, parent: 1, fn: 'collect', url: `${NM}/@opentelemetry/sdk-metrics/build/src/MetricReader.js`, samples: 2 },
  { id: 21, parent: 1, fn: 'tick', url: 'file:///tb/dist/harness/probe/window.js', samples: 1 },
  { id: 22, parent: 1, fn: 'mystery', url: '', samples: 2 },
  {
    id: 23,
    parent: 1,
    fn: 'W3C.extract',
    url: `${NM}/@opentelemetry/core/build/src/trace/W3CTraceContextPropagator.js`,
    samples: 1,
  },
  { id: 24, parent: 1, fn: 'with', url: `${NM}/@opentelemetry/context-async-hooks/build/src/x.js`, samples: 2 },
  { id: 25, parent: 1, fn: 'callbackTrampoline', url: 'node:internal/async_hooks', samples: 1 },
  { id: 26, parent: 25, fn: 'processImmediate', url: 'node:internal/timers', samples: 2 },
  { id: 27, parent: 26, fn: 'runMicrotasks', url: '', samples: 1 },
  { id: 28, parent: 27, fn: 'handle', url: 'file:///app/server.js', samples: 3 },
];

describe('profile categories', () => {
  it('places each sample by its frame, or its nearest placed caller for node internals and natives', () => {
    const s = summariseProfile(profile(FRAMES), OWN);
    const us = (n: number) => n * 100;
    assert.equal(s.samples, 122);
    assert.deepEqual(s.categoryUs, {
      service: us(10 + 3),
      api: us(1),
      instrumentation: 0,
      // Tracer + crypto called by it (node internal, inherits the SDK)
      sdk: us(5 + 3),
      // emitInit and callbackTrampoline (async hooks: their own time only) + context-async-hooks
      context: us(6 + 1 + 2),
      sampler: us(2),
      propagation: us(1),
      processor: us(2),
      // otlp-transformer + protobufjs
      serialization: us(7 + 4),
      // otlp-exporter-base + node:http under it + the native writev under that
      exporter: us(1 + 2 + 3),
      gc: us(4),
      // the counting wrapper, the self-observability reader, the probe
      tracebench: us(1 + 2 + 1),
      // (program), node:_http_server and timers with no placed caller, and what the trampoline calls
      runtime: us(2 + 3 + 1 + 2 + 1),
      unmapped: us(2),
    });
  });

  it('never counts idle time, and reads node: and file: URLs', () => {
    assert.deepEqual(
      frameCategory({ functionName: '(idle)', scriptId: '0', url: '', lineNumber: 0, columnNumber: 0 }),
      {
        category: 'idle',
      },
    );
    const at = (url: string) =>
      frameCategory({ functionName: 'f', scriptId: '1', url, lineNumber: 0, columnNumber: 0 }, OWN);
    assert.deepEqual(at('node:net'), { category: null, weak: 'runtime' });
    assert.equal(
      at('/app/node_modules/@opentelemetry/exporter-zipkin/build/src/transform.js').category,
      'serialization',
    );
    assert.equal(at('/app/node_modules/@opentelemetry/exporter-zipkin/build/src/zipkin.js').category, 'exporter');
    assert.equal(
      at('/app/node_modules/@opentelemetry/instrumentation-http/build/src/http.js').category,
      'instrumentation',
    );
    assert.equal(at('/app/node_modules/express/lib/router.js').category, 'service');
    const fn = (functionName: string) =>
      frameCategory(
        { functionName, scriptId: '1', url: 'file:///app/executor.js', lineNumber: 0, columnNumber: 0 },
        OWN,
      );
    assert.equal(fn('runTraced').category, 'instrumentation');
    assert.equal(fn('ownWork').category, 'service');
  });

  it('keeps the call tree with totals, merges same-named siblings and prunes small frames', () => {
    const s = summariseProfile(profile(FRAMES), OWN);
    assert.equal(s.flame.name, '(all)');
    assert.equal(s.flame.totalUs, (122 - 50) * 100, 'idle is no part of the tree');
    const pruned = pruneFlame(s.flame, 1000);
    const names = (n: typeof pruned): string[] => [n.name, ...n.children.flatMap(names)];
    assert.ok(names(pruned).some((n) => n.startsWith('createSpans @opentelemetry/otlp-transformer/trace.js')));
    assert.ok(!names(pruned).some((n) => n.startsWith('tick')), 'a 100 µs frame is under the 1000 µs cut');
    const handle = pruned.children.find((c) => c.name.startsWith('parserOnIncoming'))!.children[0];
    assert.equal(handle.category, 'service');
    assert.equal(handle.totalUs, (10 + 1 + 5 + 1 + 2 + 3) * 100);
  });

  it('a profile without a root is an error, not a guess', () => {
    const p = profile(FRAMES);
    p.nodes[0].children = [...(p.nodes[0].children ?? []), 1];
    assert.throws(() => summariseProfile(p, OWN), /no root/);
  });
});
