import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfigFile } from '../../harness/config/load.js';
import type { ConfigError } from '../../harness/cli/errors.js';
import { expandMatrix } from '../../harness/plan/cells.js';
import { buildPlan } from '../../harness/plan/plan.js';
import { tempDir } from '../helpers/cli.js';
import { config } from './helpers.js';

const expand = (yamlText: string) => expandMatrix(config(yamlText));
const ids = (yamlText: string) => expand(yamlText).cells.map((c) => c.id);

describe('the instrumentation axis', () => {
  it('manual cells keep their ids; zero-code and sdk-node cells are prefixed; none is the baseline', () => {
    const { cells, notes } = expand(`matrix:
  instrumentation: [none, manual, { zero-code: { enabled: [http] } }, zero-code, { sdk-node: { import: /app/tracing.js } }]`);
    assert.deepEqual(
      cells.map((c) => c.id),
      [
        'baseline',
        'always_on~batch~otlp-http-protobuf',
        'zero-code-http~always_on~batch~otlp-http-protobuf',
        'zero-code~always_on~batch~otlp-http-protobuf',
        'sdk-node-tracing.js~always_on~batch~otlp-http-protobuf',
      ],
    );
    assert.ok(
      notes.some((n) => /none is the baseline cell/.test(n)),
      notes.join('\n'),
    );
  });

  it('the default is manual: configs written before the axis expand as before', () => {
    assert.deepEqual(ids('matrix: { processor: [batch, simple] }'), [
      'baseline',
      'always_on~batch~otlp-http-protobuf',
      'always_on~simple~otlp-http-protobuf',
    ]);
  });

  it('a zero-code cell loads auto-instrumentations-node/register and the ESM hook, limited by OTEL_NODE_ENABLED_INSTRUMENTATIONS, and stays on the machine', () => {
    const cell = expand(
      'matrix: { instrumentation: [{ zero-code: { enabled: [http, express] } }], processor: [{ type: batch, maxQueueSize: 64 }] }',
    ).cells[1];
    assert.match(
      cell.env.NODE_OPTIONS,
      /^--require \S*@opentelemetry\/auto-instrumentations-node\/build\/src\/register\.js --import file:\/\/\S*\/harness\/probe\/esm-hook\.js$/,
    );
    assert.equal(cell.env.OTEL_NODE_ENABLED_INSTRUMENTATIONS, 'http,express');
    assert.equal(cell.env.OTEL_NODE_RESOURCE_DETECTORS, 'env,host,os,process,serviceinstance');
    // The reference service must not set up its own SDK under a NodeSDK; the batch options reach NodeSDK as OTEL_BSP_*.
    assert.equal(cell.env.TRACEBENCH_INSTRUMENTATION, 'none');
    assert.equal(cell.env.OTEL_BSP_MAX_QUEUE_SIZE, '64');
    assert.equal(cell.env.OTEL_TRACES_SAMPLER, 'always_on');
    assert.equal(cell.env.OTEL_METRICS_EXPORTER, 'none');
  });

  it('sdk-node loads the user set-up module with --import (as a file URL) or --require', () => {
    const { cells } = expand(
      'matrix: { instrumentation: [{ sdk-node: { import: "/srv/my app/tracing.mjs" } }, { sdk-node: { require: /srv/app/tracing.cjs } }] }',
    );
    // A file URL with its path encoded: a space, '#' or '%' in the path must not break the preload.
    assert.equal(cells[1].env.NODE_OPTIONS, '--import file:///srv/my%20app/tracing.mjs');
    const hashed = expand('matrix: { instrumentation: [{ sdk-node: { import: "/srv/a#b/tracing.mjs" } }] }').cells[1];
    assert.equal(hashed.env.NODE_OPTIONS, '--import file:///srv/a%23b/tracing.mjs');
    assert.equal(cells[2].env.NODE_OPTIONS, '--require /srv/app/tracing.cjs');
    assert.equal(cells[1].settings.tracing === 'sdk' && cells[1].settings.instrumentation?.type, 'sdk-node');
  });

  it('where NodeSDK reads no variable for a setting, the plan refuses that cell with a note instead of measuring something else', () => {
    const { cells, notes } = expand(`matrix:
  instrumentation: [manual, zero-code]
  sampler: [always_on, { type: biased, ratio: 0.1 }, { module: /x/mine.js }]
  processor: [batch, simple]
  exporter: [otlp-http-protobuf, none, console]
  propagator: [tracecontext, xray]`);
    const zero = cells.filter((c) => c.id.startsWith('zero-code~')).map((c) => c.id);
    assert.deepEqual(zero, ['zero-code~always_on~batch~otlp-http-protobuf']);
    for (const expected of [
      /instrumentation zero-code cannot vary processor \(simple\): NodeSDK reads no variable for it/,
      /instrumentation zero-code cannot vary sampler \(biased-0\.1\): NodeSDK's OTEL_TRACES_SAMPLER knows only/,
      /instrumentation zero-code cannot vary sampler \(mine\): NodeSDK reads no variable that loads a sampler module/,
      /instrumentation zero-code cannot vary exporter \(none\): NodeSDK reads OTEL_TRACES_EXPORTER=none as "do not start the SDK"/,
      /instrumentation zero-code cannot vary exporter \(console\)/,
      /instrumentation zero-code cannot vary propagator \(xray\)/,
    ])
      assert.ok(
        notes.some((n) => expected.test(n)),
        `${expected}\n${notes.join('\n')}`,
      );
    // Manual cells still measure every combination.
    assert.equal(cells.filter((c) => !c.id.startsWith('zero-code') && c.id !== 'baseline').length, 3 * 2 * 3 * 2);
  });

  it('an instrumentation with nothing left on an axis measures no cell, and says so', () => {
    const { cells, notes } = expand('matrix: { instrumentation: [zero-code], processor: [simple] }');
    assert.deepEqual(
      cells.map((c) => c.id),
      ['baseline'],
    );
    assert.ok(
      notes.some((n) =>
        /instrumentation zero-code: no cell measured: none of the matrix's processors can reach a NodeSDK/.test(n),
      ),
      notes.join('\n'),
    );
  });

  it('a NodeSDK cell that samples nothing still names an exporter: OTEL_TRACES_EXPORTER=none would not start the SDK', () => {
    const cell = expand('matrix: { instrumentation: [zero-code], sampler: [always_off] }').cells[1];
    assert.equal(cell.id, 'zero-code~always_off');
    assert.equal(cell.env.OTEL_TRACES_EXPORTER, 'otlp');
  });

  it('a variant runs only the instrumentations it lists; the plan says which it skips', () => {
    const plan = buildPlan(
      config(`rounds: 2
matrix: { instrumentation: [manual, zero-code] }
variants:
  - { name: reference }
  - { name: express, entry: ./express.cjs, instrumentation: [zero-code] }`),
    );
    const units = new Set(plan.trials.map((t) => `${t.cellId}@${t.variant}`));
    assert.deepEqual([...units].sort(), [
      'always_on~batch~otlp-http-protobuf@reference',
      'baseline@express',
      'baseline@reference',
      'zero-code~always_on~batch~otlp-http-protobuf@express',
      'zero-code~always_on~batch~otlp-http-protobuf@reference',
    ]);
    assert.equal(plan.trials.length, 10);
    assert.ok(
      plan.notes.includes('variant express: instrumentation manual not measured (the variant lists zero-code)'),
      plan.notes.join('\n'),
    );
  });

  it('bad entries are refused with what to write instead', () => {
    assert.throws(
      () => config('matrix: { instrumentation: [auto] }'),
      (e: ConfigError) =>
        /expected none, manual, zero-code, \{ zero-code: \{ enabled: \[http\] \} \} or \{ sdk-node: \{ import: \.\/tracing\.js \} \}/.test(
          e.message,
        ),
    );
    assert.throws(
      () =>
        config('matrix: { instrumentation: [{ zero-code: { enabled: ["@opentelemetry/instrumentation-http"] } }] }'),
      /an instrumentation name such as http/,
    );
    assert.throws(
      () => config('service: { env: { OTEL_NODE_ENABLED_INSTRUMENTATIONS: http } }'),
      /reserved: the harness sets it .*use matrix\.instrumentation/,
    );
  });
});

describe("the user's sampler and processor modules in the plan", () => {
  it('module entries get readable ids and reach the service as TRACEBENCH_* variables', () => {
    const { cells } = expand(`matrix:
  sampler: [{ module: /m/samplers/error-and-slow.js, arg: 0.01 }]
  processor: [{ module: /m/pii-filter.js, arg: { keys: [ssn] }, then: { type: batch, maxQueueSize: 64 } }]`);
    const cell = cells[1];
    assert.equal(cell.id, 'error-and-slow-0.01~pii-filter-g-then-batch-q64~otlp-http-protobuf');
    assert.equal(cell.env.TRACEBENCH_SAMPLER_MODULE, '/m/samplers/error-and-slow.js');
    assert.equal(cell.env.TRACEBENCH_SAMPLER_ARG, '0.01');
    assert.equal(cell.env.OTEL_TRACES_SAMPLER, undefined);
    assert.equal(cell.env.TRACEBENCH_SPAN_PROCESSOR_MODULE, '/m/pii-filter.js');
    assert.equal(cell.env.TRACEBENCH_SPAN_PROCESSOR_ARG, '{"keys":["ssn"]}');
    assert.equal(cell.env.TRACEBENCH_SPAN_PROCESSOR, 'batch');
    assert.equal(cell.env.OTEL_BSP_MAX_QUEUE_SIZE, '64');
  });

  it("relative module paths resolve from the config file's folder; package names stay as written", async () => {
    const dir = tempDir();
    const file = join(dir, 'bench.yaml');
    writeFileSync(
      file,
      `matrix:
  instrumentation: [{ sdk-node: { import: ./otel/tracing.mjs } }, manual]
  sampler: [{ module: ./samplers/mine.js }, { module: "@acme/sampler" }]
  processor: [{ module: ../pii.js }]
`,
    );
    const loaded = await loadConfigFile(file);
    assert.deepEqual(loaded.matrix.sampler, [
      { type: 'module', module: join(dir, 'samplers/mine.js') },
      { type: 'module', module: '@acme/sampler' },
    ]);
    assert.equal(
      loaded.matrix.processor[0].type === 'module' && loaded.matrix.processor[0].module,
      join(dir, '../pii.js'),
    );
    assert.deepEqual(loaded.matrix.instrumentation?.[0], {
      type: 'sdk-node',
      module: join(dir, 'otel/tracing.mjs'),
      load: 'import',
    });
  });
});
