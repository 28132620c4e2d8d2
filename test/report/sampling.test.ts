import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Results } from '../../harness/results/types.js';
import {
  coverageCostChart,
  labelBlocks,
  samplingSection,
  samplingTable,
} from '../../harness/report/html/charts-sampling.js';
import { headSamplerLabel, paretoFrontier, samplingStudy, type SamplingStudy } from '../../harness/report/sampling.js';
import { escapeMarkdown } from '../../harness/report/summary-md.js';
import { samplingMd } from '../../harness/report/summary-sampling.js';
import { proportion, wilsonInterval } from '../../harness/stats/binomial.js';
import { studyResults } from './fixtures/sampling-fixtures.js';

const HOSTILE = '</script><img src=x onerror=alert(1)>|*';

/** Overwrites each named cell's pooled error coverage and exported bytes, so the frontier is known in advance. */
function crafted(
  results: Results,
  rows: Record<string, { errors: [number, number]; exportedBytesPerSecond: number }>,
): Results {
  const copy = structuredClone(results);
  for (const cell of copy.cells) {
    const row = rows[cell.id];
    if (!row || !cell.summary?.coverage) continue;
    cell.summary.coverage.errors = proportion(...row.errors);
    cell.summary.coverage.exportedBytesPerSecond = row.exportedBytesPerSecond;
  }
  return copy;
}

function study(results: Results): SamplingStudy {
  const s = samplingStudy(results);
  assert.ok(s, 'the results have coverage');
  return s;
}

describe('paretoFrontier', () => {
  it('keeps the points no other beats on both cost and coverage, cheapest first', () => {
    const keys = paretoFrontier([
      { key: 'expensive-full', cost: 50, coverage: 1 },
      { key: 'cheap-low', cost: 5, coverage: 0.1 },
      { key: 'dominated', cost: 10, coverage: 0.09 },
      { key: 'middle', cost: 20, coverage: 0.5 },
      { key: 'worse-than-middle', cost: 30, coverage: 0.5 },
    ]);
    assert.deepEqual(keys, ['cheap-low', 'middle', 'expensive-full']);
  });

  it('keeps exact ties, drops a point that only ties on one axis, and ignores non-finite points', () => {
    const keys = paretoFrontier([
      { key: 'a', cost: 10, coverage: 1 },
      { key: 'b', cost: 10, coverage: 1 },
      { key: 'same-cost-less-coverage', cost: 10, coverage: 0.9 },
      { key: 'no-errors-drawn', cost: 1, coverage: Number.NaN },
      { key: 'no-cost', cost: Number.NaN, coverage: 1 },
    ]);
    assert.deepEqual(keys, ['a', 'b']);
  });

  it('puts a negative cost (an overhead below the noise) on the frontier like any other', () => {
    assert.deepEqual(
      paretoFrontier([
        { key: 'x', cost: -0.01, coverage: 0.2 },
        { key: 'y', cost: 0.3, coverage: 0.2 },
      ]),
      ['x'],
    );
  });
});

describe('samplingStudy', () => {
  it('is null when no cell measured coverage', () => {
    const results = studyResults();
    for (const cell of results.cells) if (cell.summary) delete cell.summary.coverage;
    assert.equal(samplingStudy(results), null);
    assert.equal(samplingStudy(studyResults({ only: (p) => p.id === 'baseline' })), null);
  });

  it('has one row per traced cell with coverage, labelled by head sampler and tail policy set', () => {
    const s = study(studyResults());
    assert.deepEqual(
      s.rows.map((r) => r.label),
      [
        'always_on',
        'traceidratio 0.1',
        'parentbased_traceidratio 0.1',
        'parentbased_ratelimiting 50/s',
        'biased 0.01 alwaysRoutes=browse',
        'parentbased_consistent_probability 0.1',
        'always_on + tail: errors-and-slow',
        'always_on + tail: probabilistic-10',
      ],
    );
    assert.deepEqual(
      s.rows.map((r) => r.kind),
      ['head', 'head', 'head', 'head', 'head', 'head', 'tail', 'tail'],
    );
    assert.equal(s.baseline, 'baseline');
  });

  it('labels extra sampler parameters and leaves empty lists out', () => {
    assert.equal(
      headSamplerLabel({ type: 'biased', ratio: 0.05, alwaysRoutes: [], alwaysAttributes: { 'user.tier': 'debug' } }),
      'biased 0.05 alwaysAttributes=user.tier:debug',
    );
    assert.equal(headSamplerLabel({ type: 'ratelimiting', tracesPerSecond: 100 }), 'ratelimiting 100/s');
  });

  it('adds the cell key when two rows would read the same', () => {
    const results = studyResults();
    const copy = structuredClone(results.cells.find((c) => c.id === 'always_on')!);
    results.cells.push({ ...copy, id: 'always_on~simple' });
    const labels = study(results)
      .rows.filter((r) => r.headSampler === 'always_on' && r.kind === 'head')
      .map((r) => r.label);
    assert.deepEqual(labels, ['always_on (always_on)', 'always_on (always_on~simple)']);
  });

  it('carries every fraction with its Wilson interval, pooled over the rounds', () => {
    const s = study(studyResults());
    for (const row of s.rows) {
      for (const [name, p] of Object.entries({
        traces: row.traces,
        errors: row.errors,
        slow: row.slow,
        whole: row.whole,
      })) {
        assert.ok(p.of > 0, `${row.key} ${name} has a denominator`);
        assert.deepEqual({ low: p.low, high: p.high }, wilsonInterval(p.kept, p.of, s.level), `${row.key} ${name}`);
        assert.ok(p.low <= p.fraction && p.fraction <= p.high, `${row.key} ${name}`);
      }
      assert.equal(row.errors.of, 90, 'three rounds of 30 drawn errors');
      assert.deepEqual(Object.keys(row.byService), ['checkout', 'inventory', 'payments']);
      assert.deepEqual(Object.keys(row.byRoute), ['browse', 'checkout']);
    }
    const always = s.rows.find((r) => r.key === 'always_on')!;
    assert.equal(always.errors.kept, 90);
    assert.equal(always.errors.high, 1);
    assert.ok(always.errors.low > 0.95 && always.errors.low < 1, `${always.errors.low}`);
  });

  it('reports the tail buffer only for tail-sampled rows', () => {
    const s = study(studyResults());
    for (const row of s.rows) assert.equal(row.tail !== null, row.kind === 'tail', row.key);
    const tail = s.rows.find((r) => r.kind === 'tail')!.tail!;
    assert.ok(tail.peakBufferedSpans > 0 && tail.peakBufferedBytes > 0 && tail.decisionDelayP99Ms >= 1000);
  });

  it('measures CPU overhead paired by round with an interval, or by the ratio of medians from one round', () => {
    const paired = study(studyResults()).rows.find((r) => r.key === 'always_on')!.cpu!;
    assert.equal(paired.method, 'paired');
    assert.ok(paired.interval && paired.interval.low < paired.overhead && paired.overhead < paired.interval.high);
    assert.ok(Math.abs(paired.overhead - 0.5) < 0.02, `${paired.overhead}: the fixture's 450 µs against 300 µs`);
    const single = study(studyResults({ rounds: 1 })).rows.find((r) => r.key === 'always_on')!.cpu!;
    assert.equal(single.method, 'medians');
    assert.equal(single.interval, null);
    const results = studyResults({ rounds: 1 });
    const base = results.cells.find((c) => c.id === 'baseline')!.summary!.cpuUsPerRequest;
    const cell = results.cells.find((c) => c.id === 'always_on')!.summary!.cpuUsPerRequest;
    assert.equal(single.overhead, cell / base - 1);
  });

  it('finds the frontier on crafted coverage and costs, per axis', () => {
    const results = crafted(studyResults(), {
      always_on: { errors: [90, 90], exportedBytesPerSecond: 800_000 },
      'traceidratio-0.1': { errors: [20, 90], exportedBytesPerSecond: 80_000 },
      'parentbased_traceidratio-0.1': { errors: [9, 90], exportedBytesPerSecond: 80_000 },
      'parentbased_ratelimiting-50': { errors: [30, 90], exportedBytesPerSecond: 90_000 },
      'biased-0.01': { errors: [1, 90], exportedBytesPerSecond: 240_000 },
      'parentbased_consistent_probability-0.1': { errors: [9, 90], exportedBytesPerSecond: 80_000 },
      'always_on~tail-errors-and-slow': { errors: [90, 90], exportedBytesPerSecond: 810_000 },
      'always_on~tail-probabilistic-10': { errors: [9, 90], exportedBytesPerSecond: 800_000 },
    });
    const s = study(results);
    assert.deepEqual(s.frontiers.exportedBytesPerSecond.keys, [
      'traceidratio-0.1',
      'parentbased_ratelimiting-50',
      'always_on',
    ]);
    // CPU (fixture): biased 327 < parentbased_traceidratio 330 < … < always_on 450 < tails; biased now keeps 1 error in 90.
    assert.deepEqual(s.frontiers.cpuOverhead.keys, [
      'biased-0.01',
      'parentbased_traceidratio-0.1',
      'parentbased_ratelimiting-50',
      'always_on',
    ]);
    const tail = s.rows.find((r) => r.key === 'always_on~tail-errors-and-slow')!;
    assert.deepEqual(tail.onFrontier, { cpuOverhead: false, exportedBytesPerSecond: false, keptBytesPerSecond: true });
  });

  it('leaves out of the frontier a row with no error drawn, and every row of the CPU frontier without a baseline', () => {
    const results = crafted(studyResults(), { 'biased-0.01': { errors: [0, 0], exportedBytesPerSecond: 1 } });
    const s = study(results);
    assert.ok(!s.frontiers.exportedBytesPerSecond.keys.includes('biased-0.01'));
    assert.deepEqual(s.frontiers.exportedBytesPerSecond.unplaced, [
      { key: 'biased-0.01', why: 'no error trace was drawn' },
    ]);
    const none = study(studyResults({ only: (p) => p.id !== 'baseline' }));
    assert.equal(none.baseline, null);
    assert.deepEqual(none.frontiers.cpuOverhead.keys, []);
    assert.equal(none.frontiers.cpuOverhead.unplaced.length, none.rows.length);
    assert.ok(none.frontiers.keptBytesPerSecond.keys.length > 0, 'the byte axes need no baseline');
  });
});

describe('the sampling views', () => {
  it('draws every placed row, the frontier as a line and rings, and says each row in the text alternative', () => {
    const s = study(studyResults());
    const chart = coverageCostChart(s, 'keptBytesPerSecond')!;
    const values = (chart.spec.data as { values: { label: string; frontier: boolean }[] }).values;
    assert.equal(values.length, s.rows.length);
    assert.deepEqual(
      values.filter((v) => v.frontier).map((v) => v.label),
      s.rows.filter((r) => r.onFrontier.keptBytesPerSecond).map((r) => r.label),
    );
    const layers = chart.spec.layer as { mark: { type: string }; transform?: unknown[] }[];
    assert.ok(
      layers.some((l) => l.mark.type === 'line' && JSON.stringify(l.transform).includes('datum.frontier')),
      'a frontier line',
    );
    assert.ok(
      layers.some((l) => l.mark.type === 'text'),
      'labels',
    );
    for (const row of s.rows) assert.ok(chart.alt.includes(`${row.label}: `), row.label);
    assert.ok(chart.alt.includes('Pareto frontier, cheapest first: traceidratio 0.1'), chart.alt);
  });

  it('stacks the labels of points that would print over each other into one block, highest first', () => {
    const blocks = labelBlocks([
      { label: 'low', cost: 100, errors: 0.1 },
      { label: 'lower', cost: 101, errors: 0.08 },
      { label: 'far', cost: 800, errors: 0.1 },
      { label: 'top', cost: 800, errors: 1 },
    ]);
    assert.deepEqual(blocks, [
      { cost: 800, errors: 1, lines: ['top'] },
      { cost: 100, errors: 0.1, lines: ['low', 'lower'] },
      { cost: 800, errors: 0.1, lines: ['far'] },
    ]);
  });

  it('escapes a hostile policy name in the table, the section and the markdown', () => {
    const s = study(studyResults({ tailName: HOSTILE }));
    const table = samplingTable(s).value;
    assert.ok(!table.includes('<img'), 'no markup from data');
    assert.ok(table.includes('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;'));
    const section = samplingSection(s);
    assert.ok(section !== '' && !section.value.includes('<img') && !/<\/script><img/.test(section.value));
    const md = samplingMd(s, escapeMarkdown);
    const row = md.rows.find((r) => r[0].includes('tail: &lt;/script&gt;'))!;
    assert.ok(row, md.rows.map((r) => r[0]).join('\n'));
    assert.ok(!row[0].includes('<') && row[0].includes('\\|\\*'), row[0]);
    assert.equal(samplingSection(null), '');
  });

  it('gives summary.md the same rows and names each frontier', () => {
    const s = study(studyResults());
    const md = samplingMd(s, escapeMarkdown);
    assert.equal(md.rows.length, s.rows.length);
    assert.ok(md.rows.every((r) => r.length === md.header.length));
    assert.ok(md.lines[0].startsWith('Frontier on service CPU overhead against error traces kept: '), md.lines[0]);
    assert.ok(md.lines[2].includes('always\\_on + tail: errors-and-slow'), md.lines[2]);
    assert.match(md.lines[3], /paired by round/);
  });
});
