import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../harness/cli/errors.js';
import { parseConfig } from '../../harness/config/load.js';
import { buildPlan, formatPlan } from '../../harness/plan/plan.js';

const WITH_VARIANTS = `name: ab
rounds: 3
seed: 5
matrix: { sampler: [always_on], processor: [batch], exporter: [none] }
variants:
  - name: base
  - name: head
    extraCpuUsPerSpan: 20
`;

describe('same-run A/B variants', () => {
  it('every round runs every cell once per variant, interleaved', () => {
    const config = parseConfig(WITH_VARIANTS, 'ab.yaml');
    assert.deepEqual(
      config.variants?.map((v) => [v.name, v.extraCpuUsPerSpan]),
      [
        ['base', 0],
        ['head', 20],
      ],
    );
    const plan = buildPlan(config);
    assert.equal(plan.trials.length, 2 * 2 * 3);
    for (let round = 0; round < 3; round++) {
      const units = plan.trials
        .filter((t) => t.round === round)
        .map((t) => `${t.cellId}/${t.variant}`)
        .sort();
      assert.deepEqual(units, [
        'always_on~batch~none/base',
        'always_on~batch~none/head',
        'baseline/base',
        'baseline/head',
      ]);
    }
    assert.match(
      formatPlan(plan, config),
      /2 cells × 2 variants \(base, head; base is the reference\) × 3 rounds = 12 trials/,
    );
  });

  it('rejects duplicate names and a single variant, naming the path', () => {
    assert.throws(
      () => parseConfig('variants:\n  - name: a\n  - name: a\n', 'dup.yaml'),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.issues.some((i) => /variants\[1\]\.name: 'a' is already the name of variants\[0\]/.test(i)),
    );
    assert.throws(
      () => parseConfig('variants:\n  - name: only\n', 'one.yaml'),
      (e: unknown) => e instanceof ConfigError && e.issues.some((i) => /^variants: list at least two variants/.test(i)),
    );
  });

  it('a run without variants plans no variant field', () => {
    const plan = buildPlan(parseConfig('rounds: 1\n', 'plain.yaml'));
    assert.ok(plan.trials.every((t) => !('variant' in t)));
  });
});
