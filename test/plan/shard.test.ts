import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveShard } from '../../harness/cli/shard-flags.js';
import { UsageError } from '../../harness/cli/errors.js';
import { buildPlan, trialSeconds } from '../../harness/plan/plan.js';
import { parseShard, planHash, shardPlan, splitCells } from '../../harness/plan/shard.js';
import { config } from './helpers.js';

const YAML =
  'rounds: 3\nseed: 9\nmatrix: { sampler: [always_on, { type: traceidratio, ratio: 0.1 }, always_off], processor: [batch, simple], exporter: [none, zipkin] }\n';
const key = (t: { round: number; cellId: string; variant?: string }) => `${t.round}|${t.cellId}|${t.variant ?? ''}`;

describe('shards of a plan', () => {
  const cfg = config(YAML);
  const plan = buildPlan(cfg);

  it('every cell but the baseline lands in exactly one shard, and every shard runs the baseline in every round', () => {
    for (const count of [1, 2, 3, 4, 9]) {
      const shards = Array.from({ length: count }, (_, i) => shardPlan(plan, cfg, { index: i + 1, count }));
      const measured = shards.flatMap((s) => s.cells.filter((c) => c.id !== 'baseline').map((c) => c.id)).sort();
      assert.deepEqual(
        measured,
        plan.cells
          .filter((c) => c.id !== 'baseline')
          .map((c) => c.id)
          .sort(),
        `${count}`,
      );
      for (const s of shards)
        for (let round = 0; round < 3; round++)
          assert.equal(s.trials.filter((t) => t.round === round && t.cellId === 'baseline').length, 1);
      // Together, the shards run the unsharded plan's trials (the baseline's once per shard), with the same round and order.
      const whole = new Map(plan.trials.map((t) => [key(t), t.order]));
      const union = new Map(shards.flatMap((s) => s.trials).map((t) => [key(t), t.order]));
      assert.deepEqual([...union.entries()].sort(), [...whole.entries()].sort());
      assert.equal(
        shards.reduce((n, s) => n + s.trials.length, 0),
        plan.trials.length + (count - 1) * 3,
      );
    }
  });

  it('balances the shards by estimated time: no two differ by more than one cell', () => {
    const split = splitCells(plan, cfg, 4);
    const oneCell = 3 * trialSeconds(cfg);
    assert.ok(Math.max(...split.estimatedSeconds) - Math.min(...split.estimatedSeconds) <= oneCell + 1e-9);
    assert.deepEqual(split.referenceCells, ['baseline']);
  });

  it('keeps a cell with all its variants in one shard (a variant is paired with its reference variant)', () => {
    const withVariants = config(`${YAML}variants: [{ name: base }, { name: head }]\n`);
    const p = buildPlan(withVariants);
    for (let i = 1; i <= 3; i++) {
      const s = shardPlan(p, withVariants, { index: i, count: 3 });
      for (const c of s.cells) {
        const variants = new Set(s.trials.filter((t) => t.cellId === c.id).map((t) => t.variant));
        assert.deepEqual([...variants].sort(), ['base', 'head']);
      }
    }
  });

  it('the split is the same on every machine for one config, whatever order its keys were written in', () => {
    const reordered = config(
      'seed: 9\nmatrix: { exporter: [none, zipkin], processor: [batch, simple], sampler: [always_on, { ratio: 0.1, type: traceidratio }, always_off] }\nrounds: 3\n',
    );
    assert.deepEqual(splitCells(buildPlan(reordered), reordered, 3), splitCells(plan, cfg, 3));
    assert.equal(planHash(buildPlan(reordered), reordered), planHash(plan, cfg));
  });

  it('the plan hash changes with the rounds, the seed or the load, not with budgets', () => {
    const hash = planHash(plan, cfg);
    for (const other of [YAML.replace('rounds: 3', 'rounds: 4'), YAML.replace('seed: 9', 'seed: 10')]) {
      const c = config(other);
      assert.notEqual(planHash(buildPlan(c), c), hash);
    }
    const load = config(`${YAML}load: { rateRps: 123 }\n`);
    assert.notEqual(planHash(buildPlan(load), load), hash);
    const budgets = config(`${YAML}budgets: [{ where: {}, limits: { cpuUsPerRequest: '+50%' } }]\n`);
    assert.equal(planHash(buildPlan(budgets), budgets), hash);
  });

  it('parses K/N and refuses anything else', () => {
    assert.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '2', '2/0', 'a/b', '-1/3', '1/4/2']) assert.equal(parseShard(bad), null, bad);
  });
});

describe('where the shard comes from', () => {
  it('--shard, then TRACEBENCH_SHARD, then JOB_COMPLETION_INDEX (0-based) with --shards or TRACEBENCH_SHARDS', () => {
    assert.deepEqual(resolveShard({ shard: '1/2' }, { TRACEBENCH_SHARD: '2/2' }), { index: 1, count: 2 });
    assert.deepEqual(resolveShard({}, { TRACEBENCH_SHARD: '2/2' }), { index: 2, count: 2 });
    assert.deepEqual(resolveShard({ shards: '4' }, { JOB_COMPLETION_INDEX: '0' }), { index: 1, count: 4 });
    assert.deepEqual(resolveShard({}, { TRACEBENCH_SHARDS: '4', JOB_COMPLETION_INDEX: '3' }), { index: 4, count: 4 });
    assert.equal(resolveShard({}, { JOB_COMPLETION_INDEX: '3' }), undefined);
  });

  it('a bad value is a usage error naming where it came from', () => {
    assert.throws(
      () => resolveShard({ shard: '4/3' }, {}),
      (e: unknown) => e instanceof UsageError && /--shard/.test(e.message),
    );
    assert.throws(() => resolveShard({}, { TRACEBENCH_SHARD: 'x' }), /TRACEBENCH_SHARD: expected K\/N/);
    assert.throws(() => resolveShard({ shards: '4' }, {}), /JOB_COMPLETION_INDEX .*is not set/);
    assert.throws(() => resolveShard({ shards: '4' }, { JOB_COMPLETION_INDEX: '4' }), /from 0 to 3/);
  });
});
