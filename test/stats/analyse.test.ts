import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse } from '../../harness/stats/analyse.js';
import type { CellAnalysis } from '../../harness/stats/types.js';
import { BASELINE, sdk, syntheticResults } from './synthetic.js';

const cellOf = (cells: CellAnalysis[], id: string, variant?: string) => {
  const cell = cells.find((c) => c.cellId === id && c.variant === variant);
  assert.ok(cell, `no cell ${id}${variant ? `@${variant}` : ''}`);
  return cell;
};

describe('analyse', () => {
  const results = syntheticResults({
    rounds: 5,
    cells: [
      { id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 },
      { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), cpuUsPerRequest: 520 },
      { id: 'always_on~batch~none', settings: sdk('always_on', 'batch', 'none'), cpuUsPerRequest: 500 },
    ],
    noise: 0.01,
  });

  it('measures overhead against the baseline cell, near the true +30%', () => {
    const cpu = cellOf(analyse(results).cells, 'always_on~batch~otlp-http-protobuf').metrics.cpuUsPerRequest!;
    assert.ok(Math.abs(cpu.overhead!.relative!.estimate - 0.3) < 0.03, String(cpu.overhead!.relative!.estimate));
    assert.ok(cpu.overhead!.relative!.ci.low < 0.3 && cpu.overhead!.relative!.ci.high > 0.3);
  });

  it('gives the absolute overhead in the metric unit (µs of CPU per request)', () => {
    const cpu = cellOf(analyse(results).cells, 'always_on~batch~otlp-http-protobuf').metrics.cpuUsPerRequest!;
    assert.equal(cpu.unit, 'µs');
    assert.ok(Math.abs(cpu.overhead!.absolute.estimate - 120) < 15, String(cpu.overhead!.absolute.estimate));
  });

  it('the baseline has no overhead: it is the reference', () => {
    const base = cellOf(analyse(results).cells, 'baseline');
    assert.equal(base.metrics.cpuUsPerRequest!.overhead, null);
    assert.equal(base.referenceCellId, 'baseline');
  });

  it('gives the median and every round value of each metric', () => {
    const cpu = cellOf(analyse(results).cells, 'baseline').metrics.cpuUsPerRequest!;
    assert.deepEqual(
      cpu.values.map((v) => v.round),
      [0, 1, 2, 3, 4],
    );
    const sorted = cpu.values.map((v) => v.value).sort((a, b) => a - b);
    assert.equal(cpu.median, sorted[2]);
  });

  it('the same results give the same analysis', () => {
    assert.deepEqual(analyse(results, { seed: 3 }), analyse(results, { seed: 3 }));
  });

  it('pairs by round: only rounds where both cells have an ok trial count', () => {
    const r = syntheticResults({
      rounds: 5,
      cells: [
        { id: 'baseline', settings: BASELINE, failedRounds: [1] },
        { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), failedRounds: [3] },
      ],
    });
    const cell = cellOf(analyse(r).cells, 'always_on~batch~otlp-http-protobuf');
    assert.equal(cell.metrics.cpuUsPerRequest!.overhead!.pairedRounds, 3);
    assert.equal(cell.rounds, 4);
  });

  it('drift shared by a round cancels in the paired overhead', () => {
    const r = syntheticResults({
      rounds: 6,
      drift: 0.3,
      noise: 0.001,
      cells: [
        { id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 },
        { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), cpuUsPerRequest: 440 },
      ],
    });
    const rel = cellOf(analyse(r).cells, 'always_on~batch~otlp-http-protobuf').metrics.cpuUsPerRequest!.overhead!
      .relative!;
    assert.ok(rel.ci.high - rel.ci.low < 0.01, `${rel.ci.low}..${rel.ci.high}`);
  });

  it('spans lost in transit apply only to cells that export to the sink', () => {
    const cells = analyse(results).cells;
    assert.ok(cellOf(cells, 'always_on~batch~otlp-http-protobuf').metrics['spans.lostInTransit']);
    assert.equal(cellOf(cells, 'always_on~batch~none').metrics['spans.lostInTransit'], undefined);
  });

  it('has no relative overhead for a count whose reference is 0 (spans.dropped against the baseline)', () => {
    const r = syntheticResults({
      rounds: 3,
      cells: [
        { id: 'baseline', settings: BASELINE },
        { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), dropped: () => 10 },
      ],
    });
    const dropped = cellOf(analyse(r).cells, 'always_on~batch~otlp-http-protobuf').metrics['spans.dropped']!;
    assert.equal(dropped.overhead!.relative, null);
    assert.equal(dropped.overhead!.absolute.estimate, 10);
  });

  it('with variants, each cell is measured against the same cell of the base variant', () => {
    const r = syntheticResults({
      rounds: 4,
      noise: 0.01,
      cells: [
        { id: 'always_on~batch~otlp-http-protobuf', variant: 'base', cpuUsPerRequest: 500 },
        { id: 'always_on~batch~otlp-http-protobuf', variant: 'head', cpuUsPerRequest: 600 },
      ],
    });
    const a = analyse(r);
    assert.equal(a.referenceVariant, 'base');
    const head = cellOf(a.cells, 'always_on~batch~otlp-http-protobuf', 'head');
    assert.equal(head.referenceVariant, 'base');
    assert.ok(Math.abs(head.metrics.cpuUsPerRequest!.overhead!.relative!.estimate - 0.2) < 0.03);
    assert.equal(cellOf(a.cells, 'always_on~batch~otlp-http-protobuf', 'base').metrics.cpuUsPerRequest!.overhead, null);
  });

  it('the reference option picks another base variant', () => {
    const r = syntheticResults({
      rounds: 3,
      cells: [
        { id: 'always_on~batch~otlp-http-protobuf', variant: 'a' },
        { id: 'always_on~batch~otlp-http-protobuf', variant: 'b' },
      ],
    });
    assert.equal(analyse(r, { reference: { variant: 'b' } }).referenceVariant, 'b');
  });

  it('the base variant defaults to the first variant in the config', () => {
    const r = syntheticResults({
      rounds: 3,
      cells: [
        { id: 'always_on~batch~otlp-http-protobuf', variant: 'a' },
        { id: 'always_on~batch~otlp-http-protobuf', variant: 'b' },
      ],
    });
    (r.config as { variants?: { name: string }[] }).variants = [{ name: 'b' }, { name: 'a' }];
    assert.equal(analyse(r).referenceVariant, 'b');
  });

  it('takes the variant from the cell entry when trials do not carry one (one entry per cell and variant)', () => {
    const r = syntheticResults({
      rounds: 3,
      noise: 0.01,
      cells: [
        { id: 'always_on~batch~otlp-http-protobuf', variant: 'base', cpuUsPerRequest: 500 },
        { id: 'always_on~batch~otlp-http-protobuf', variant: 'head', cpuUsPerRequest: 550 },
      ],
    });
    const [cell] = r.cells;
    r.cells = (['base', 'head'] as const).map((variant) => ({
      ...cell,
      variant,
      trials: cell.trials.filter((t) => t.variant === variant).map(({ variant: _, ...t }) => t),
    }));
    const head = cellOf(analyse(r).cells, 'always_on~batch~otlp-http-protobuf', 'head');
    assert.ok(Math.abs(head.metrics.cpuUsPerRequest!.overhead!.relative!.estimate - 0.1) < 0.03);
  });
});
