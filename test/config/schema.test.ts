import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertIssue, issuesOf, parse } from './helpers.js';
import { windowsDefaults } from '../../harness/config/schema.js';

describe('config schema: bad configs name the path and the problem', () => {
  it('a ratio outside [0, 1]', () => {
    const issues = issuesOf('matrix:\n  sampler: [always_on, { type: traceidratio, ratio: 1.5 }]\n');
    assertIssue(issues, 'matrix.sampler[1].ratio', 'must be between 0 and 1, got 1.5');
  });

  it('an unknown sampler, as a name and as a type', () => {
    const issues = issuesOf('matrix:\n  sampler: [alwayson, { type: sometimes }]\n');
    assertIssue(
      issues,
      'matrix.sampler[0]',
      "expected one of always_on, always_off, parentbased_always_on, parentbased_always_off, got 'alwayson'",
    );
    assertIssue(issues, 'matrix.sampler[1].type', "got 'sometimes'");
  });

  it('an unknown key, listing the allowed ones', () => {
    const issues = issuesOf('matrix:\n  sampler: [{ type: traceidratio, ratoi: 0.1 }]\nloads: {}\n');
    assertIssue(issues, 'matrix.sampler[0]', "unknown key 'ratoi' (allowed: type, ratio)");
    assertIssue(
      issues,
      '(top level)',
      "unknown key 'loads' (allowed: name, rounds, seed, service, load, sink, matrix, drainTimeoutMs, profile, variants, method, tail, attribution, budgets)",
    );
  });

  it('a profile section names the cells it takes and the interval bounds', () => {
    const issues = issuesOf('profile: { cells: some, intervalUs: 10 }\n');
    assertIssue(issues, 'profile.cells', "expected attribution, all or none, got 'some'");
    assertIssue(issues, 'profile.intervalUs', 'got 10');
  });

  it('a value of the wrong type', () => {
    const issues = issuesOf('rounds: three\nload: { rateRps: [500] }\n');
    assertIssue(issues, 'rounds', "expected a number, got the string 'three'");
    assertIssue(issues, 'load.rateRps', 'expected a number, got a list');
  });

  it('maxExportBatchSize larger than maxQueueSize names both', () => {
    const issues = issuesOf('matrix:\n  processor: [{ type: batch, maxQueueSize: 64, maxExportBatchSize: 128 }]\n');
    assertIssue(
      issues,
      'matrix.processor[0].maxExportBatchSize',
      'maxExportBatchSize (128) must not be larger than maxQueueSize (64)',
    );
  });

  it('an empty axis', () => {
    const issues = issuesOf('matrix:\n  exporter: []\n');
    assertIssue(issues, 'matrix.exporter', 'must not be empty');
  });

  it('a missing ratio, as an object and as a bare name', () => {
    const issues = issuesOf('matrix:\n  sampler: [{ type: parentbased_traceidratio }, traceidratio]\n');
    assertIssue(issues, 'matrix.sampler[0].ratio', 'required for parentbased_traceidratio');
    assertIssue(issues, 'matrix.sampler[1]', 'traceidratio needs a ratio: write { type: traceidratio, ratio: 0.1 }');
  });

  it('a ratio on a sampler that takes none', () => {
    assertIssue(
      issuesOf('matrix:\n  sampler: [{ type: always_on, ratio: 0.5 }]\n'),
      'matrix.sampler[0]',
      'a ratio applies only to traceidratio and parentbased_traceidratio',
    );
  });

  it('out-of-range numbers and bad sink settings', () => {
    const issues = issuesOf(
      'load: { threads: 17, durationSeconds: 0, connections: 2.5 }\nsink: { mode: error, statusCode: 200, fraction: 0 }\nrounds: 0\n',
    );
    assertIssue(issues, 'load.threads', 'must be a whole number between 1 and 16, got 17');
    assertIssue(issues, 'load.durationSeconds', 'must be at least 1 and at most 600 seconds, got 0');
    assertIssue(issues, 'load.connections', 'must be a whole number between 1 and 1024, got 2.5');
    assertIssue(issues, 'sink.statusCode', 'must be a whole number between 400 and 599, got 200');
    assertIssue(issues, 'sink.fraction', 'must be greater than 0 and at most 1, got 0');
    assertIssue(issues, 'rounds', 'must be a whole number between 1 and 1000, got 0');
  });

  it('service.env may not set what the matrix sets', () => {
    const issues = issuesOf('service:\n  env: { OTEL_TRACES_SAMPLER: always_on, OTEL_SERVICE_NAME: svc }\n');
    assertIssue(
      issues,
      'service.env.OTEL_TRACES_SAMPLER',
      'reserved: the harness sets it for every service process, and a value here would change what is measured; use matrix.sampler',
    );
    assert.equal(issues.length, 1, issues.join('\n'));
  });

  it('reports several problems at once, in one error', () => {
    const issues = issuesOf(
      [
        'rounds: 0',
        'load: { threads: 0 }',
        'matrix:',
        '  sampler: [always_on, { type: traceidratio, ratio: -1 }]',
        '  processor: [fast]',
        '  exporter: [jaeger]',
      ].join('\n'),
    );
    assert.equal(issues.length, 5, issues.join('\n'));
    assertIssue(issues, 'rounds', 'between 1 and 1000');
    assertIssue(issues, 'load.threads', 'between 1 and 16');
    assertIssue(issues, 'matrix.sampler[1].ratio', 'must be between 0 and 1');
    assertIssue(issues, 'matrix.processor[0]', "expected one of simple, batch, got 'fast'");
    assertIssue(
      issues,
      'matrix.exporter[0]',
      "expected one of none, console, otlp-http-protobuf, otlp-http-json, otlp-grpc, zipkin, got 'jaeger'",
    );
  });
});

describe('config schema: shorthands', () => {
  it('a sampler name is { type }', () => {
    assert.deepEqual(parse('matrix: { sampler: [parentbased_always_off] }').matrix.sampler, [
      { type: 'parentbased_always_off' },
    ]);
  });

  it('a sampler object keeps its ratio', () => {
    assert.deepEqual(parse('matrix: { sampler: [{ type: traceidratio, ratio: 0 }] }').matrix.sampler, [
      { type: 'traceidratio', ratio: 0 },
    ]);
  });

  it('processors: simple, batch with OTel defaults, and a partial batch object', () => {
    const config = parse(
      'matrix: { processor: [simple, batch, { type: batch, maxQueueSize: 64 }, { type: batch, scheduleDelayMillis: 200 }] }',
    );
    assert.deepEqual(config.matrix.processor, [
      { type: 'simple' },
      {
        type: 'batch',
        maxQueueSize: 2048,
        maxExportBatchSize: 512,
        scheduleDelayMillis: 5000,
        exportTimeoutMillis: 30000,
      },
      // The export batch follows a small queue down, as the SDK clamps it.
      {
        type: 'batch',
        maxQueueSize: 64,
        maxExportBatchSize: 64,
        scheduleDelayMillis: 5000,
        exportTimeoutMillis: 30000,
      },
      {
        type: 'batch',
        maxQueueSize: 2048,
        maxExportBatchSize: 512,
        scheduleDelayMillis: 200,
        exportTimeoutMillis: 30000,
      },
    ]);
  });

  it('sink: a mode name or an object', () => {
    assert.deepEqual(parse('sink: down').sink, { mode: 'down' });
    assert.deepEqual(parse('sink: { mode: slow, delayMs: 200 }').sink, { mode: 'slow', delayMs: 200 });
  });

  it('service.env values become strings', () => {
    assert.deepEqual(parse('service: { env: { LISTEN_BACKLOG: 8080, DEBUG: false, NAME: x } }').service.env, {
      LISTEN_BACKLOG: '8080',
      DEBUG: 'false',
      NAME: 'x',
    });
  });
});

describe('config schema: defaults', () => {
  it('an empty file is a complete config', () => {
    const config = parse('');
    assert.deepEqual(config, {
      name: 'test',
      rounds: 3,
      seed: 42,
      seedSource: 'clock',
      service: {
        workload: 'user-api',
        env: {},
        readyPath: '/healthz',
        requestPath: '/api/users/42',
        startupTimeoutMs: 10000,
        extraCpuUsPerRequest: 0,
        perService: {},
      },
      load: {
        rateRps: 500,
        warmupSeconds: 1,
        durationSeconds: 3,
        threads: 1,
        connections: 16,
        timeoutMs: 2000,
        pacing: 'timer',
        realtime: false,
        arrivals: 'uniform',
      },
      sink: { mode: 'ok' },
      matrix: {
        instrumentation: [{ type: 'manual' }],
        sampler: [{ type: 'always_on' }],
        processor: [
          {
            type: 'batch',
            maxQueueSize: 2048,
            maxExportBatchSize: 512,
            scheduleDelayMillis: 5000,
            exportTimeoutMillis: 30000,
          },
        ],
        exporter: ['otlp-http-protobuf'],
        compression: ['none'],
        propagator: ['tracecontext'],
        baseline: true,
      },
      drainTimeoutMs: 5000,
      method: { type: 'trials' },
      profile: { cells: 'attribution', intervalUs: 1000 },
      tail: [],
    });
  });

  it('method: windows fills its defaults; --until-decided starts from the same', () => {
    const config = parse('method: { type: windows, processes: 6 }');
    assert.deepEqual(config.method, {
      type: 'windows',
      windowSeconds: 2,
      processes: 6,
      windowsPerBlock: 4,
      leadInSeconds: 2,
      warmupMaxSeconds: 40,
      steadyTolerance: 0.05,
      steadyHalfSeconds: 8,
      maxMinutes: 3,
      untilDecided: false,
      limitPct: 3,
      placement: 'split',
    });
    assert.deepEqual(windowsDefaults(), { ...config.method, processes: 4 });
    assert.equal(parse('method: { type: windows, placement: none }').method?.type, 'windows');
    assert.throws(() => parse('method: { type: windows, placement: pinned }'), /placement/);
  });

  it('a missing axis defaults while the others are kept', () => {
    const config = parse('matrix: { exporter: [none] }');
    assert.deepEqual(config.matrix.sampler, [{ type: 'always_on' }]);
    assert.equal(config.matrix.processor[0].type, 'batch');
    assert.deepEqual(config.matrix.exporter, ['none']);
  });

  it('a seed in the file is used and recorded as such', () => {
    const config = parse('seed: 7\nname: mine');
    assert.equal(config.seed, 7);
    assert.equal(config.seedSource, 'config');
    assert.equal(config.name, 'mine');
  });
});
