import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calibrationConfig } from '../../harness/cli/commands/calibrate.js';
import { defaultConfigPath, loadConfigFile, parseConfig } from '../../harness/config/load.js';
import { configSchema } from '../../harness/config/schema.js';
import { BASELINE_ID } from '../../harness/plan/cells.js';
import { buildPlan } from '../../harness/plan/plan.js';

describe('calibrate plans only the cells it needs', () => {
  it('an A/A calibration of one cell runs no baseline: half the trials and half the time of one that does', async () => {
    const loaded = await loadConfigFile(defaultConfigPath());
    const lean = buildPlan(calibrationConfig(loaded, undefined, 10).config);
    const full = buildPlan(calibrationConfig(loaded, undefined, 10, { withBaseline: true }).config);
    assert.equal(lean.trials.length, 20, '10 rounds × one cell × the A/A pair');
    assert.equal(full.trials.length, 40);
    assert.ok(lean.trials.every((t) => t.cellId !== BASELINE_ID));
    assert.deepEqual(new Set(lean.trials.map((t) => t.variant)), new Set(['a', 'a-again']));
    assert.equal(new Set(lean.trials.map((t) => t.cellId)).size, 1, 'one traced cell, not the whole matrix');
    assert.ok(full.trials.some((t) => t.cellId === BASELINE_ID));
    assert.equal(lean.estimatedSeconds * 2, full.estimatedSeconds);
  });

  it('measures the trials method even when the config runs windows (the default config does)', async () => {
    const loaded = await loadConfigFile(defaultConfigPath());
    assert.equal(loaded.method?.type, 'windows');
    assert.deepEqual(calibrationConfig(loaded, undefined, 3).config.method, { type: 'trials' });
  });

  it('a config with variants is calibrated on its first: both A/A sides are copies of it, entry and env included', () => {
    const config = parseConfig(
      `matrix: { instrumentation: [manual, zero-code], sampler: [always_on], processor: [batch], exporter: [otlp-http-protobuf] }
variants:
  - { name: base, entry: base/main.js, env: { FEATURE: "off" }, instrumentation: [zero-code] }
  - { name: head, entry: head/main.js }
`,
      'ab.yaml',
    );
    const { config: aa, cellId } = calibrationConfig(config, undefined, 3);
    // base lists only zero-code: the manual cell (the matrix's first) is not one it measures.
    assert.match(cellId, /zero-code/);
    assert.deepEqual(
      aa.variants?.map((v) => [v.name, v.entry, v.env]),
      [
        ['a', 'base/main.js', { FEATURE: 'off' }],
        ['a-again', 'base/main.js', { FEATURE: 'off' }],
      ],
    );
    const trials = buildPlan(aa).trials;
    assert.ok(trials.length === 6 && trials.every((t) => t.cellId === cellId));
    assert.throws(
      () => calibrationConfig(config, cellId.replace('zero-code', 'manual'), 3),
      /no such traced cell measured by variants\[0\] 'base'/,
    );
    // Without variants: service.entry's, as before.
    assert.deepEqual(
      calibrationConfig(parseConfig('{}', 'plain.yaml'), undefined, 3).config.variants?.map((v) => v.entry),
      [undefined, undefined],
    );
  });

  it('a config without the baseline needs variants to compare', () => {
    const parsed = configSchema.safeParse({ matrix: { baseline: false } });
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /without the baseline a run needs variants/);
    const withVariants = configSchema.safeParse({
      matrix: { baseline: false },
      variants: [{ name: 'a' }, { name: 'b' }],
    });
    assert.equal(withVariants.success, true);
  });
});
