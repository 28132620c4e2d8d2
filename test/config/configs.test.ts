import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfigFile, packageRoot } from '../../harness/config/load.js';
import { buildPlan } from '../../harness/plan/plan.js';
import type { WindowsMethodConfig } from '../../harness/config/types.js';
import { EXPORTERS } from '../../harness/config/vocabulary.js';
import { windowsLimits, windowsPairings } from '../../harness/plan/windows-pairings.js';

const configPath = (name: string) => join(packageRoot(), 'configs', name);

describe('shipped configs', () => {
  for (const name of ['default.yaml', 'matrix.yaml', 'full.yaml', 'backends.yaml']) {
    it(`${name} loads, expands and points editors at the schema`, async () => {
      const config = await loadConfigFile(configPath(name), {}, () => 1);
      const plan = buildPlan(config);
      assert.ok(plan.cells.length > 1);
      if (config.method?.type !== 'windows') assert.equal(plan.trials.length, plan.cells.length * config.rounds);
      assert.equal(
        readFileSync(configPath(name), 'utf8').split('\n')[0],
        '# yaml-language-server: $schema=../schema/tracebench.config.schema.json',
      );
    });
  }

  it('default.yaml judges every traced cell on a CPU budget by the windows method, stopping once decided, in at most 8 minutes', async () => {
    const config = await loadConfigFile(configPath('default.yaml'), {}, () => 1);
    assert.equal(config.method?.type, 'windows');
    const method = config.method as WindowsMethodConfig;
    assert.ok(method.untilDecided && method.processes >= 3, JSON.stringify(method));
    const pairings = windowsPairings(buildPlan(config).cells, 0);
    assert.ok(pairings.length >= 4, `${pairings.length} comparisons`);
    const limits = windowsLimits(pairings, config.budgets ?? [], method.limitPct);
    assert.ok(
      limits.every((l) => l.budgets.length > 0),
      'every comparison has a cpuUsPerRequest budget',
    );
    assert.ok(pairings.length * method.maxMinutes <= 8, `up to ${pairings.length * method.maxMinutes} min`);
  });

  it('matrix.yaml is quick but meaningful: at least 6 cells besides the baseline, at most 3 minutes', async () => {
    const plan = buildPlan(await loadConfigFile(configPath('matrix.yaml'), {}, () => 1));
    assert.ok(plan.cells.length - 1 >= 6, `${plan.cells.length - 1} non-baseline cells`);
    assert.ok(plan.estimatedSeconds <= 180, `estimated ${plan.estimatedSeconds} s`);
  });

  it('full.yaml covers every sampler and exporter', async () => {
    const config = await loadConfigFile(configPath('full.yaml'), {}, () => 1);
    assert.equal(new Set(config.matrix.sampler.map((s) => s.type)).size, 6);
    assert.deepEqual([...config.matrix.exporter].sort(), [...EXPORTERS].sort());
    assert.equal(config.rounds, 5);
  });

  it('backends.yaml measures every OTLP exporter plain and with gzip, on user-api', async () => {
    const plan = buildPlan(await loadConfigFile(configPath('backends.yaml'), {}, () => 1));
    assert.deepEqual(
      plan.cells.map((c) => c.id),
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
  });
});
