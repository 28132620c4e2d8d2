import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../harness/config/load.js';
import { HARNESS_ENV, harnessEnv, RESERVED_ENV, reservedEnv } from '../../harness/config/reserved-env.js';
import { buildPlan } from '../../harness/plan/plan.js';
import { PROBE_TARGET_ENV } from '../../harness/probe/protocol.js';
import { config } from '../plan/helpers.js';
import { assertIssue, issuesOf, parse } from './helpers.js';

/** Test hooks a test sets through service.env or its own environment on purpose: the harness never sets them. */
const TEST_HOOKS = new Set([
  'TRACEBENCH_TEST_CRASH_WHEN',
  'TRACEBENCH_TEST_CRASH_AFTER_REQUESTS',
  'TRACEBENCH_TEST_SLOW_PRIMITIVE',
]);

/** Every TypeScript file of the harness and the reference service: where a service's environment is set and read. */
function envSources(): string[] {
  const root = packageRoot();
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );
  return [...walk(join(root, 'harness')), ...walk(join(root, 'workloads', 'service'))];
}

/** TRACEBENCH_* and OTEL_* names in the source that the table does not list, with the file naming them. */
function unlisted(files: string[]): string[] {
  const missing = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [name] of text.matchAll(/\b(?:TRACEBENCH|OTEL)_[A-Z0-9_]*[A-Z0-9]\b/g))
      if (!harnessEnv(name) && !TEST_HOOKS.has(name) && !USERS_OWN.has(name))
        missing.add(`${name} (${file.slice(packageRoot().length)})`);
  }
  return [...missing];
}

/**
 * Names the harness never sets, named in the source as the user's own: OTel settings, and the shard a CI engine gives
 * `tracebench run` (read by the CLI, never passed to a service).
 */
const USERS_OWN = new Set(['OTEL_SERVICE_NAME', 'OTEL_LOG_LEVEL', 'TRACEBENCH_SHARD', 'TRACEBENCH_SHARDS']);

describe('reserved environment variables: one table', () => {
  it('every TRACEBENCH_* and OTEL_* name in harness/ and the reference service is in the table (or a test hook)', () => {
    assert.deepEqual(
      unlisted(envSources()),
      [],
      'add these to HARNESS_ENV in harness/config/reserved-env.ts, or to TEST_HOOKS here if only tests set them',
    );
    assert.ok(reservedEnv('PORT'));
  });

  it('the source scan catches a name the table does not list', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'tb-env-'));
    try {
      const file = join(dir, 'launch.ts');
      writeFileSync(file, "const env = { TRACEBENCH_NEW_KNOB: '1', OTEL_TRACES_SAMPLER: 'always_on' };\n");
      assert.deepEqual(
        unlisted([file]).map((m) => m.split(' ')[0]),
        ['TRACEBENCH_NEW_KNOB'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the probe target marker, set through a constant, is reserved', () => {
    assert.equal(PROBE_TARGET_ENV, 'TRACEBENCH_PROBE_TARGET');
    assert.ok(reservedEnv(PROBE_TARGET_ENV));
  });

  it('names the harness shares with the user are in the table but not refused', () => {
    for (const name of ['OTEL_RESOURCE_ATTRIBUTES', 'OTEL_NODE_RESOURCE_DETECTORS', 'NODE_OPTIONS']) {
      assert.ok(harnessEnv(name), name);
      assert.equal(reservedEnv(name), undefined, name);
    }
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

  it('docs/layout.md lists exactly the names of the table, each with its kind', () => {
    const doc = readFileSync(join(packageRoot(), 'docs', 'layout.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([A-Z0-9_]+\*?)` \| (reserved|merged|default) \|/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    const table = HARNESS_ENV.map((e) => `${e.name}${e.prefix ? '*' : ''} ${e.shared ?? 'reserved'}`);
    assert.deepEqual(rows.sort(), table.sort(), 'regenerate the table at the end of docs/layout.md from HARNESS_ENV');
  });

  it('the table has no duplicate entries and every entry says what to do', () => {
    const names = HARNESS_ENV.map((r) => `${r.name}${r.prefix ? '*' : ''}`);
    assert.equal(new Set(names).size, names.length);
    for (const r of HARNESS_ENV) assert.ok(r.use || r.why, r.name);
    assert.ok(RESERVED_ENV.length < HARNESS_ENV.length && RESERVED_ENV.every((r) => r.shared === undefined));
  });
});
