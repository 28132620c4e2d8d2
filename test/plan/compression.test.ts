import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expandMatrix } from '../../harness/plan/cells.js';
import { cellEnv } from '../../harness/plan/env.js';
import { config } from './helpers.js';

const expand = (yamlText: string) => expandMatrix(config(yamlText));

describe('the otlp-grpc exporter', () => {
  it('reaches the service as the standard OTLP variables with protocol grpc', () => {
    const env = cellEnv({
      tracing: 'sdk',
      sampler: { type: 'always_on' },
      processor: { type: 'simple' },
      exporter: 'otlp-grpc',
    });
    assert.equal(env.OTEL_TRACES_EXPORTER, 'otlp');
    assert.equal(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, 'grpc');
    assert.equal(env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION, undefined);
  });

  it('is a NodeSDK exporter too: zero-code cells measure it', () => {
    const { cells } = expand('matrix: { instrumentation: [zero-code], exporter: [otlp-grpc] }');
    assert.deepEqual(
      cells.map((c) => c.id),
      ['baseline', 'zero-code~always_on~batch~otlp-grpc'],
    );
    assert.equal(cells[1].env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, 'grpc');
  });
});

describe('the compression axis', () => {
  it('defaults to none: ids and env of existing configs do not change', () => {
    const { cells, notes } = expand('matrix: { exporter: [otlp-http-protobuf] }');
    assert.deepEqual(
      cells.map((c) => c.id),
      ['baseline', 'always_on~batch~otlp-http-protobuf'],
    );
    assert.equal(cells[1].env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION, undefined);
    assert.equal('compression' in cells[1].settings, false);
    assert.deepEqual(notes, []);
  });

  it('multiplies the OTLP exporters; gzip appends to the id and sets OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', () => {
    const { cells, notes } = expand(
      'matrix: { exporter: [otlp-http-protobuf, otlp-http-json, otlp-grpc], compression: [none, gzip] }',
    );
    assert.deepEqual(
      cells.map((c) => c.id),
      [
        'baseline',
        'always_on~batch~otlp-http-protobuf',
        'always_on~batch~otlp-http-protobuf~gzip',
        'always_on~batch~otlp-http-json',
        'always_on~batch~otlp-http-json~gzip',
        'always_on~batch~otlp-grpc',
        'always_on~batch~otlp-grpc~gzip',
      ],
    );
    const gzipped = cells.filter((c) => c.id.endsWith('~gzip'));
    assert.ok(gzipped.every((c) => c.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION === 'gzip'));
    assert.ok(gzipped.every((c) => c.settings.tracing === 'sdk' && c.settings.compression === 'gzip'));
    assert.deepEqual(notes, []);
  });

  it('folds where it cannot matter: exporters that do not compress, with a note each', () => {
    const { cells, notes } = expand('matrix: { exporter: [zipkin, none, console], compression: [gzip, none] }');
    assert.deepEqual(
      cells.map((c) => [c.id, c.collapsed]),
      [
        ['baseline', []],
        ['always_on~batch~zipkin', ['always_on~batch~zipkin~gzip']],
        ['always_on~batch~none', ['always_on~batch~none~gzip']],
        ['always_on~batch~console', ['always_on~batch~console~gzip']],
      ],
    );
    assert.ok(cells.every((c) => c.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION === undefined));
    assert.deepEqual(notes, [
      'always_on~batch~zipkin: compression gzip folded into none: the zipkin exporter sends uncompressed',
      'always_on~batch~none: compression gzip folded into none: the none exporter sends uncompressed',
      'always_on~batch~console: compression gzip folded into none: the console exporter sends uncompressed',
    ]);
  });

  it('folds where nothing is sampled, into the one always_off cell', () => {
    const { cells } = expand('matrix: { sampler: [always_off], exporter: [otlp-grpc], compression: [none, gzip] }');
    assert.deepEqual(
      cells.map((c) => [c.id, c.collapsed]),
      [
        ['baseline', []],
        ['always_off', ['always_off~batch~otlp-grpc', 'always_off~batch~otlp-grpc~gzip']],
      ],
    );
  });

  it('a compression listed twice is measured once, with a note', () => {
    const { cells, notes } = expand('matrix: { exporter: [otlp-grpc], compression: [gzip, gzip] }');
    assert.deepEqual(
      cells.map((c) => c.id),
      ['baseline', 'always_on~batch~otlp-grpc~gzip'],
    );
    assert.match(notes[0], /matrix\.compression\[1\] is the same as matrix\.compression\[0\]/);
  });

  it('refuses an unknown compression, naming the choices', () => {
    assert.throws(() => expand('matrix: { compression: [zstd] }'), /compression[\s\S]*none[\s\S]*gzip/);
  });
});
