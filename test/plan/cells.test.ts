import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandMatrix } from '../../harness/plan/cells.js';
import { config } from './helpers.js';

const ids = (yamlText: string) => expandMatrix(config(yamlText)).cells.map((c) => c.id);

describe('matrix expansion', () => {
  it('the baseline comes first, then sampler × processor × exporter in config order', () => {
    assert.deepEqual(
      ids('matrix: { sampler: [always_on], processor: [batch, simple], exporter: [otlp-http-protobuf, none] }'),
      [
        'baseline',
        'always_on~batch~otlp-http-protobuf',
        'always_on~batch~none',
        'always_on~simple~otlp-http-protobuf',
        'always_on~simple~none',
      ],
    );
  });

  it('the baseline runs without tracing and folds nothing', () => {
    const [baseline] = expandMatrix(config('')).cells;
    assert.deepEqual(baseline.settings, { tracing: 'off' });
    assert.deepEqual(baseline.collapsed, []);
  });

  it('ids are readable: ratios and non-default batch options appear, defaults do not', () => {
    assert.deepEqual(
      ids(
        'matrix: { sampler: [{ type: traceidratio, ratio: 0.1 }], processor: [{ type: batch, maxQueueSize: 64 }, { type: batch, maxQueueSize: 64, maxExportBatchSize: 32, scheduleDelayMillis: 200, exportTimeoutMillis: 1000 }], exporter: [none] }',
      ),
      ['baseline', 'traceidratio-0.1~batch-q64~none', 'traceidratio-0.1~batch-q64-b32-d200-t1000~none'],
    );
  });

  it('ids are unique across a large matrix with near-identical settings', () => {
    const all = ids(`matrix:
  sampler: [always_on, parentbased_always_on, { type: traceidratio, ratio: 0.1 }, { type: traceidratio, ratio: 0.10000001 }, { type: parentbased_traceidratio, ratio: 0.1 }, { type: traceidratio, ratio: 1 }]
  processor: [simple, batch, { type: batch, maxQueueSize: 512 }, { type: batch, maxQueueSize: 512, maxExportBatchSize: 256 }, { type: batch, scheduleDelayMillis: 1 }, { type: batch, exportTimeoutMillis: 1 }]
  exporter: [none, console, otlp-http-protobuf, otlp-http-json, zipkin]`);
    assert.equal(all.length, 1 + 6 * 6 * 5);
    assert.equal(new Set(all).size, all.length);
  });
});

describe('collapsing equivalent cells', () => {
  it('always_off folds every processor × exporter combination into one cell, with a note', () => {
    const { cells, notes } = expandMatrix(
      config('matrix: { sampler: [always_off], processor: [batch, simple], exporter: [none, zipkin, otlp-http-json] }'),
    );
    assert.deepEqual(
      cells.map((c) => c.id),
      ['baseline', 'always_off'],
    );
    const off = cells[1];
    assert.deepEqual(off.settings, {
      tracing: 'sdk',
      sampler: { type: 'always_off' },
      processor: null,
      exporter: null,
      propagator: 'tracecontext',
    });
    assert.equal(off.collapsed.length, 6);
    assert.ok(off.collapsed.includes('always_off~simple~zipkin'));
    assert.deepEqual(notes, [
      'always_off: 6 processor × exporter combinations collapsed into 1: nothing is sampled, so no span reaches a processor',
    ]);
  });

  it('parentbased_always_off and a ratio of 0 fold the same way', () => {
    assert.deepEqual(
      ids(
        'matrix: { sampler: [parentbased_always_off, { type: traceidratio, ratio: 0 }, { type: parentbased_traceidratio, ratio: 0 }], processor: [batch, simple], exporter: [none] }',
      ),
      ['baseline', 'parentbased_always_off', 'traceidratio-0', 'parentbased_traceidratio-0'],
    );
  });

  it('parentbased samplers are not folded into their plain counterparts', () => {
    assert.deepEqual(
      ids(
        'matrix: { sampler: [always_on, parentbased_always_on, always_off, parentbased_always_off], exporter: [none] }',
      ),
      ['baseline', 'always_on~batch~none', 'parentbased_always_on~batch~none', 'always_off', 'parentbased_always_off'],
    );
  });

  it('a ratio of 1 is not folded into always_on', () => {
    assert.deepEqual(ids('matrix: { sampler: [always_on, { type: traceidratio, ratio: 1 }], exporter: [none] }'), [
      'baseline',
      'always_on~batch~none',
      'traceidratio-1~batch~none',
    ]);
  });

  it('duplicates fold once defaults are filled in, with a note naming both entries', () => {
    const { cells, notes } = expandMatrix(
      config(
        'matrix: { sampler: [always_on, always_on], processor: [batch, { type: batch, maxQueueSize: 2048, maxExportBatchSize: 512 }], exporter: [none, none] }',
      ),
    );
    assert.deepEqual(
      cells.map((c) => c.id),
      ['baseline', 'always_on~batch~none'],
    );
    assert.equal(notes.length, 3);
    assert.ok(
      notes.includes(
        'matrix.processor[1] is the same as matrix.processor[0] (batch) once defaults are filled in: measured once',
      ),
      notes.join('\n'),
    );
  });

  it('a sampler that samples nothing with a single combination has no note, but still drops processor and exporter', () => {
    const { cells, notes } = expandMatrix(config('matrix: { sampler: [always_off], exporter: [none] }'));
    assert.equal(cells[1].id, 'always_off');
    assert.deepEqual(cells[1].collapsed, ['always_off~batch~none']);
    assert.deepEqual(notes, []);
  });

  it('every cell carries its env', () => {
    for (const cell of expandMatrix(config('matrix: { sampler: [always_on, always_off] }')).cells) {
      assert.ok(cell.env.TRACEBENCH_INSTRUMENTATION, cell.id);
    }
  });
});

describe('the propagator axis in cells', () => {
  it('one cell per propagator; the default stays out of the id, others append to it; never folded', () => {
    const ids = expandMatrix(
      config(
        'matrix:\n  sampler: [always_on, always_off]\n  processor: [simple]\n  exporter: [none]\n  propagator: [tracecontext, b3, jaeger]\n',
      ),
    ).cells.map((c) => c.id);
    assert.deepEqual(ids, [
      'baseline',
      'always_on~simple~none',
      'always_on~simple~none~b3',
      'always_on~simple~none~jaeger',
      'always_off',
      'always_off~b3',
      'always_off~jaeger',
    ]);
  });
});

describe('attribution cells', () => {
  it('one layer at a time, exporters as alternatives on the top layer, each with its env', () => {
    const { cells } = expandMatrix(config('attribution:\n  exporters: [otlp-http-protobuf, zipkin]\n'));
    assert.deepEqual(
      cells.map((c) => [c.id, c.settings.layer?.index]),
      [
        ['baseline', 0],
        ['api-noop', 1],
        ['always_off~no-context', 2],
        ['always_off', 3],
        ['always_on~recorded', 4],
        ['always_on~batch~otlp-http-protobuf', 5],
        ['always_on~batch~zipkin', 5],
        ['always_on~simple~otlp-http-protobuf', 5],
      ],
    );
    const env = (id: string) => cells.find((c) => c.id === id)!.env;
    assert.equal(env('api-noop').TRACEBENCH_INSTRUMENTATION, 'api');
    assert.equal(env('always_off~no-context').TRACEBENCH_CONTEXT_MANAGER, 'none');
    assert.equal(env('always_off').TRACEBENCH_CONTEXT_MANAGER, undefined);
    assert.equal(env('always_on~recorded').TRACEBENCH_SPAN_PROCESSOR, 'none');
    assert.equal(env('always_on~batch~zipkin').OTEL_TRACES_EXPORTER, 'zipkin');
  });
});
