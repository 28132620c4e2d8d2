import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../harness/config/load.js';
import { RESERVED_ENV, reservedEnv } from '../../harness/config/reserved-env.js';
import { buildPlan } from '../../harness/plan/plan.js';
import { config } from '../plan/helpers.js';
import { assertIssue, issuesOf, parse } from './helpers.js';

/** Test hooks a test (or a user) sets through service.env on purpose: the harness never sets them. */
// The harness adds to OTEL_RESOURCE_ATTRIBUTES (the trial id) and defaults OTEL_NODE_RESOURCE_DETECTORS; a user's value is kept.
const USER_SETTABLE = new Set([
  'TRACEBENCH_TEST_CRASH_WHEN',
  'TRACEBENCH_TEST_CRASH_AFTER_REQUESTS',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_NODE_RESOURCE_DETECTORS',
]);

/** Where the harness sets (or the service reads) a service process's environment. */
function envSources(): string[] {
  const root = packageRoot();
  const service = join(root, 'workloads', 'service');
  const files = [
    'harness/run/trial.ts',
    'harness/plan/env.ts',
    'harness/plan/cells.ts',
    'harness/target/launch.ts',
    'harness/target/probe.ts',
    'harness/target/probe-options.ts',
  ].map((f) => join(root, f));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  return [...files, ...walk(service)];
}

describe('reserved environment variables: one table', () => {
  it('every TRACEBENCH_* and OTEL_* name the harness sets or the service reads is in the table (or a deliberate test hook)', () => {
    const missing = new Set<string>();
    for (const file of envSources()) {
      const text = readFileSync(file, 'utf8');
      for (const [name] of text.matchAll(/\b(?:TRACEBENCH|OTEL)_[A-Z0-9_]*[A-Z0-9]\b/g))
        if (!reservedEnv(name) && !USER_SETTABLE.has(name))
          missing.add(`${name} (${file.slice(packageRoot().length)})`);
    }
    assert.deepEqual(
      [...missing],
      [],
      'add these to RESERVED_ENV in harness/config/reserved-env.ts, or to USER_SETTABLE here if users may set them',
    );
    assert.ok(reservedEnv('PORT'));
  });

  it("every variable of every planned cell's env is reserved", () => {
    const plans = [
      buildPlan(
        config(
          'matrix:\n  sampler: [always_on, { type: traceidratio, ratio: 0.5 }, { type: ratelimiting, tracesPerSecond: 5 }, { type: biased, ratio: 0.1 }]\n  processor: [simple, batch]\n  exporter: [none, console, otlp-http-protobuf, otlp-http-json, zipkin]\n  propagator: [tracecontext, b3]\n',
        ),
      ),
      buildPlan(config('attribution: { exporters: [otlp-http-protobuf, zipkin] }\n')),
    ];
    const names = new Set(plans.flatMap((p) => p.cells.flatMap((c) => Object.keys(c.env))));
    assert.ok(names.size >= 8, [...names].join(', '));
    for (const name of names) assert.ok(reservedEnv(name), `${name} is set by a cell but not reserved`);
  });

  it('PORT and TRACEBENCH_BURN_ITERATIONS_PER_US are refused in service.env, per-service env and variant env, saying what to do', () => {
    const issues = issuesOf(
      [
        'service:',
        '  env: { PORT: 8080, TRACEBENCH_BURN_ITERATIONS_PER_US: 5 }',
        '  perService: { front: { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://x" } } }',
        'variants:',
        '  - { name: a, env: { OTEL_BSP_SCHEDULE_DELAY: 1, TRACEBENCH_PROBE_PARTS: gc } }',
        '  - { name: b }',
      ].join('\n'),
    );
    assertIssue(
      issues,
      'service.env.PORT',
      'reserved: the harness sets it for every service process, and a value here would change what is measured; remove it (the harness gives each service process its port)',
    );
    assertIssue(
      issues,
      'service.env.TRACEBENCH_BURN_ITERATIONS_PER_US',
      'remove it (the run calibrates it once so every cell does the same simulated work)',
    );
    assertIssue(
      issues,
      'service.perService.front.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'use matrix.exporter instead',
    );
    assertIssue(issues, 'variants[0].env.OTEL_BSP_SCHEDULE_DELAY', 'use matrix.processor');
    assertIssue(issues, 'variants[0].env.TRACEBENCH_PROBE_PARTS', 'remove it');
    assert.equal(issues.length, 5, issues.join('\n'));
  });

  it("OTEL_* names the harness does not control stay the user's", () => {
    const env = parse(
      'service: { env: { OTEL_RESOURCE_ATTRIBUTES: "team=a", OTEL_NODE_RESOURCE_DETECTORS: "env,host", OTEL_SERVICE_NAME: x, OTEL_LOG_LEVEL: debug, TRACEBENCH_TEST_CRASH_WHEN: "A=B" } }',
    ).service.env;
    assert.equal(Object.keys(env).length, 5);
  });

  it('the table has no duplicate entries and every entry says what to do', () => {
    const names = RESERVED_ENV.map((r) => `${r.name}${r.prefix ? '*' : ''}`);
    assert.equal(new Set(names).size, names.length);
    for (const r of RESERVED_ENV) assert.ok(r.use || r.why, r.name);
  });
});
