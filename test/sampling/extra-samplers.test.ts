import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createExtraSampler, EXTRA_SAMPLERS, SamplerArgError } from '../../workloads/service/samplers/index.js';
import { decide, isSampled, remoteParent, traceIds } from './helpers.js';

test('every listed name builds a sampler; unknown names give undefined', () => {
  const args: Record<string, string> = {
    ratelimiting: '10',
    parentbased_ratelimiting: '10',
    biased: 'ratio=0.1',
    consistent_probability: '0.1',
    parentbased_consistent_probability: '0.1',
  };
  for (const name of EXTRA_SAMPLERS) assert.ok(createExtraSampler(name, args[name]), name);
  assert.equal(createExtraSampler('traceidratio', '0.1'), undefined);
  assert.equal(createExtraSampler('nonsense', undefined), undefined);
});

test('descriptions name the sampler and its setting', () => {
  assert.match(
    String(createExtraSampler('consistent_probability', '0.25')),
    /ConsistentProbabilitySampler\{0\.25, th=c\}/,
  );
  assert.match(
    String(createExtraSampler('parentbased_ratelimiting', '7')),
    /ParentBased\{root=RateLimitingSampler\{7\}/,
  );
  assert.match(
    String(createExtraSampler('biased', 'ratio=0.1;route=/api/pay')),
    /BiasedHeadSampler\{ratio=0\.1, routes=\[\/api\/pay\]/,
  );
});

test('consistent_probability defaults to ratio 1 like traceidratio', () => {
  const sampler = createExtraSampler('consistent_probability', undefined)!;
  assert.equal(isSampled(decide(sampler, traceIds(1, 2)[0])), true);
});

test('bad arguments throw errors that name OTEL_TRACES_SAMPLER_ARG and show a fix', () => {
  const cases: [string, string | undefined, RegExp][] = [
    [
      'ratelimiting',
      undefined,
      /OTEL_TRACES_SAMPLER_ARG is not set: ratelimiting needs traces per second.*OTEL_TRACES_SAMPLER_ARG=100/,
    ],
    ['parentbased_ratelimiting', '-3', /OTEL_TRACES_SAMPLER_ARG=-3: parentbased_ratelimiting needs traces per second/],
    [
      'consistent_probability',
      '1.5',
      /OTEL_TRACES_SAMPLER_ARG=1\.5: consistent_probability needs a ratio between 0 and 1; set e\.g\. OTEL_TRACES_SAMPLER_ARG=0\.1/,
    ],
    ['parentbased_consistent_probability', 'half', /OTEL_TRACES_SAMPLER_ARG=half/],
    ['consistent_probability', '1e-20', /below 2\^-56/],
    ['biased', undefined, /OTEL_TRACES_SAMPLER_ARG is not set: biased needs its rules/],
    ['biased', 'route=/a', /biased needs ratio/],
    ['biased', '{"ratio": 0.1, "routes": ["/a"]}', /unknown keys routes/],
    ['biased', '{"ratio": 0.1', /is not valid JSON/],
    ['biased', 'ratio=0.1;tracebench.truth.error=true', /ground truth/],
    ['biased', 'ratio', /entry 'ratio' is not key=value/],
  ];
  for (const [name, arg, message] of cases) {
    assert.throws(
      () => createExtraSampler(name, arg),
      (error: unknown) => error instanceof SamplerArgError && message.test(error.message),
      `${name} ${arg}`,
    );
  }
});

test('biased: JSON and compact forms build the same rules, and children follow their parent', () => {
  const fromJson = createExtraSampler(
    'biased',
    '{"ratio":0,"alwaysRoutes":["/api/pay"],"alwaysAttributes":{"user.tier":"debug"}}',
  )!;
  const fromCompact = createExtraSampler('biased', 'ratio=0;route=/api/pay;user.tier=debug')!;
  const [traceId] = traceIds(1, 5);
  for (const sampler of [fromJson, fromCompact]) {
    assert.equal(isSampled(decide(sampler, traceId, undefined, { 'http.route': '/api/pay' })), true);
    assert.equal(isSampled(decide(sampler, traceId, undefined, { 'user.tier': 'debug' })), true);
    assert.equal(isSampled(decide(sampler, traceId, undefined, { 'http.route': '/api/users' })), false);
    // ParentBased: a child of a sampled parent is kept whatever its attributes; of an unsampled one, dropped even if risky.
    assert.equal(isSampled(decide(sampler, traceId, remoteParent(traceId, true))), true);
    assert.equal(
      isSampled(decide(sampler, traceId, remoteParent(traceId, false), { 'http.route': '/api/pay' })),
      false,
    );
  }
});
