import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProcessorSetting } from '../../harness/config/types.js';
import { cellEnv } from '../../harness/plan/env.js';

const batch: ProcessorSetting = {
  type: 'batch',
  maxQueueSize: 64,
  maxExportBatchSize: 32,
  scheduleDelayMillis: 200,
  exportTimeoutMillis: 1000,
};
const sdk = { TRACEBENCH_INSTRUMENTATION: 'sdk', OTEL_SDK_DISABLED: 'false', OTEL_PROPAGATORS: 'tracecontext,baggage' };

describe('the env each cell gets', () => {
  it('baseline: the SDK disabled and no instrumentation', () => {
    assert.deepEqual(cellEnv({ tracing: 'off' }), { OTEL_SDK_DISABLED: 'true', TRACEBENCH_INSTRUMENTATION: 'none' });
  });

  it('a sampler without argument, simple processor, no exporter', () => {
    assert.deepEqual(
      cellEnv({
        tracing: 'sdk',
        sampler: { type: 'parentbased_always_on' },
        processor: { type: 'simple' },
        exporter: 'none',
      }),
      {
        ...sdk,
        OTEL_TRACES_SAMPLER: 'parentbased_always_on',
        TRACEBENCH_SPAN_PROCESSOR: 'simple',
        OTEL_TRACES_EXPORTER: 'none',
      },
    );
  });

  it('a ratio sampler, batch options and OTLP over protobuf', () => {
    assert.deepEqual(
      cellEnv({
        tracing: 'sdk',
        sampler: { type: 'traceidratio', ratio: 0.25 },
        processor: batch,
        exporter: 'otlp-http-protobuf',
      }),
      {
        ...sdk,
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        TRACEBENCH_SPAN_PROCESSOR: 'batch',
        OTEL_BSP_MAX_QUEUE_SIZE: '64',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '32',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_EXPORT_TIMEOUT: '1000',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
      },
    );
  });

  it('each exporter', () => {
    const exporterEnv = (exporter: 'none' | 'console' | 'otlp-http-protobuf' | 'otlp-http-json' | 'zipkin') => {
      const env = cellEnv({ tracing: 'sdk', sampler: { type: 'always_on' }, processor: { type: 'simple' }, exporter });
      return { exporter: env.OTEL_TRACES_EXPORTER, protocol: env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL };
    };
    assert.deepEqual(exporterEnv('none'), { exporter: 'none', protocol: undefined });
    assert.deepEqual(exporterEnv('console'), { exporter: 'console', protocol: undefined });
    assert.deepEqual(exporterEnv('otlp-http-protobuf'), { exporter: 'otlp', protocol: 'http/protobuf' });
    assert.deepEqual(exporterEnv('otlp-http-json'), { exporter: 'otlp', protocol: 'http/json' });
    assert.deepEqual(exporterEnv('zipkin'), { exporter: 'zipkin', protocol: undefined });
  });

  it('a collapsed cell: no processor variable and no exporter', () => {
    assert.deepEqual(
      cellEnv({
        tracing: 'sdk',
        sampler: { type: 'parentbased_traceidratio', ratio: 0 },
        processor: null,
        exporter: null,
      }),
      {
        ...sdk,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0',
        OTEL_TRACES_EXPORTER: 'none',
      },
    );
  });

  it('only OTEL_* and TRACEBENCH_* variables, all strings', () => {
    const env = cellEnv({ tracing: 'sdk', sampler: { type: 'always_on' }, processor: batch, exporter: 'zipkin' });
    for (const [key, value] of Object.entries(env)) {
      assert.match(key, /^(OTEL|TRACEBENCH)_/);
      assert.equal(typeof value, 'string');
    }
  });
});

describe('the propagator axis', () => {
  it('each propagator reaches the service as OTEL_PROPAGATORS; W3C trace context travels with baggage', () => {
    const env = (propagator: 'tracecontext' | 'b3' | 'b3multi' | 'jaeger' | 'xray') =>
      cellEnv({
        tracing: 'sdk',
        sampler: { type: 'always_on' },
        processor: { type: 'simple' },
        exporter: 'none',
        propagator,
      }).OTEL_PROPAGATORS;
    assert.equal(env('tracecontext'), 'tracecontext,baggage');
    assert.equal(env('b3'), 'b3');
    assert.equal(env('b3multi'), 'b3multi');
    assert.equal(env('jaeger'), 'jaeger');
    assert.equal(env('xray'), 'xray');
  });
  it('the baseline sets no propagator: it runs no tracing at all', () => {
    assert.equal(cellEnv({ tracing: 'off' }).OTEL_PROPAGATORS, undefined);
  });
});
