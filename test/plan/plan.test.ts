import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildPlan, formatDuration, formatPlan, mulberry32, shuffle } from '../../harness/plan/plan.js';
import { config } from './helpers.js';

const MATRIX =
  'matrix: { sampler: [always_on, { type: traceidratio, ratio: 0.1 }, always_off], processor: [batch, simple], exporter: [none, zipkin] }\n';

const orderOf = (seed: number) =>
  buildPlan(config(`${MATRIX}rounds: 4\nseed: ${seed}\n`)).trials.map((t) => `${t.round}:${t.cellId}`);

describe('the plan', () => {
  it('every round runs every cell exactly once, baseline included', () => {
    const plan = buildPlan(config(`${MATRIX}rounds: 5\nseed: 3\n`));
    const cellIds = plan.cells.map((c) => c.id).sort();
    assert.equal(plan.trials.length, 5 * plan.cells.length);
    for (let round = 0; round < 5; round++) {
      const inRound = plan.trials.filter((t) => t.round === round);
      assert.deepEqual(inRound.map((t) => t.cellId).sort(), cellIds);
      assert.ok(inRound.some((t) => t.cellId === 'baseline'));
      assert.deepEqual(
        inRound.map((t) => t.order),
        inRound.map((_, i) => i),
      );
    }
  });

  it('the same seed gives the same order', () => {
    assert.deepEqual(orderOf(12345), orderOf(12345));
  });

  it('a different seed gives a different order', () => {
    assert.notDeepEqual(orderOf(12345), orderOf(12346));
  });

  it('rounds are shuffled independently', () => {
    const plan = buildPlan(config(`${MATRIX}rounds: 3\nseed: 1\n`));
    const round = (r: number) => plan.trials.filter((t) => t.round === r).map((t) => t.cellId);
    assert.ok(round(0).join() !== round(1).join() || round(1).join() !== round(2).join());
  });

  it('records the seed and notes, and estimates the time', () => {
    const plan = buildPlan(
      config(
        `${MATRIX}rounds: 2\nseed: 5\nload: { warmupSeconds: 1, durationSeconds: 3, saturation: { durationSeconds: 2, connections: 8 } }\n`,
      ),
    );
    assert.equal(plan.seed, 5);
    assert.equal(plan.notes.length, 1);
    // 10 cells × 2 rounds × (0.6 startup + 1 + 3 + 0.5 drain + 2 saturation)
    assert.equal(plan.cells.length, 10);
    assert.ok(Math.abs(plan.estimatedSeconds - 20 * 7.1) < 1e-9, String(plan.estimatedSeconds));
  });

  it('formatPlan shows cells, notes, trials, load and the estimate', () => {
    const c = config(`${MATRIX}seed: 5\n`);
    const text = formatPlan(buildPlan(c), c);
    assert.match(text, /10 cells × 3 rounds = 30 trials/);
    assert.match(text, /seed 5\)/);
    assert.match(text, /500 req\/s open loop, 1 s warm-up \+ 3 s measured/);
    assert.match(text, /estimated time: ~2m 33s/);
    assert.match(text, /^ {2}baseline /m);
    assert.match(text, /^ {2}traceidratio-0\.1~simple~zipkin$/m);
    assert.match(text, /always_off: 4 processor × exporter combinations collapsed into 1/);
  });

  it('formatPlan of a windows run lists its comparisons (method.against: every other traced cell against that one), how each is measured and its longest time', () => {
    const c = config(`${MATRIX}method: { type: windows, against: always_on~batch~zipkin, maxMinutes: 2 }\n`);
    const text = formatPlan(buildPlan(c), c);
    assert.match(text, /^plan '.*': 8 comparisons by the windows method/m);
    assert.match(
      text,
      /4 live process set\(s\) per side, .* blocks of 4 × 2 s windows after a 2 s lead-in, .*CPU placement split/,
    );
    assert.match(text, /judged against \+3%$/m);
    assert.match(text, /estimated time: up to ~16m 0s \(2 min per comparison/);
    assert.match(text, /^ {2}traceidratio-0\.1~simple~zipkin +against always_on~batch~zipkin, limit \+3%$/m);
    assert.doesNotMatch(text, /^ {2}baseline/m);
    assert.doesNotMatch(text, /trials/);
  });

  it('formatPlan of a windows run against the baseline gives each comparison its cpuUsPerRequest budget, or limitPct', () => {
    const c = config(
      `${MATRIX}method: { type: windows, limitPct: 4 }\nbudgets: [{ where: { processor: [batch] }, limits: { cpuUsPerRequest: +60% } }]\n`,
    );
    const text = formatPlan(buildPlan(c), c);
    assert.match(text, /judged against the cpuUsPerRequest budgets that cover a comparison, else \+4%$/m);
    assert.match(text, /^ {2}always_on~batch~zipkin +against baseline, budget \+60% \(budgets\[0\]\)$/m);
    assert.match(text, /^ {2}always_on~simple~zipkin +against baseline, limit \+4%$/m);
  });

  it('formatPlan says how to repeat a clock-seeded run', () => {
    const c = config(MATRIX);
    assert.match(formatPlan(buildPlan(c), c), /from the clock: pass --seed 42 to repeat this order/);
  });
});

describe('plan helpers', () => {
  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });

  it('shuffle keeps every item and leaves the input alone', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffle(input, mulberry32(1));
    assert.deepEqual([...out].sort(), input);
    assert.deepEqual(input, [1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('formatDuration', () => {
    assert.equal(formatDuration(45.2), '~45s');
    assert.equal(formatDuration(130), '~2m 10s');
    assert.equal(formatDuration(3900), '~1h 5m');
  });
});
