import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../harness/config/load.js';
import { UsageError } from '../../harness/errors.js';
import { expandMatrix } from '../../harness/plan/cells.js';
import {
  type WindowsPairing,
  unjudgedByWindows,
  windowsLimits,
  windowsPairings,
} from '../../harness/plan/windows-pairings.js';

const cells = expandMatrix(
  parseConfig(
    `name: p
matrix: { sampler: [always_on], processor: [batch], exporter: [otlp-http-protobuf], compression: [none, gzip] }
`,
    'p.yaml',
  ),
).cells;
const PLAIN = 'always_on~batch~otlp-http-protobuf';
const GZIP = 'always_on~batch~otlp-http-protobuf~gzip';
const named = (pairings: WindowsPairing[]) =>
  pairings.map(
    (p) =>
      `${p.b.cell.id}${p.b.variant !== undefined ? `@${p.b.variant}` : ''} vs ${p.a.cell.id}${p.a.variant !== undefined ? `@${p.a.variant}` : ''}`,
  );

describe('which cells the windows method compares', () => {
  it('each traced cell against the baseline by default', () => {
    assert.deepEqual(named(windowsPairings(cells, 0)), [`${PLAIN} vs baseline`, `${GZIP} vs baseline`]);
  });

  it('with variants, each traced cell of every later variant against the first variant’s same cell', () => {
    assert.deepEqual(named(windowsPairings(cells, 3)), [
      `${PLAIN}@1 vs ${PLAIN}@0`,
      `${PLAIN}@2 vs ${PLAIN}@0`,
      `${GZIP}@1 vs ${GZIP}@0`,
      `${GZIP}@2 vs ${GZIP}@0`,
    ]);
  });

  it('with method.against, every other traced cell against that one: an A/B of two settings of the matrix', () => {
    assert.deepEqual(named(windowsPairings(cells, 0, PLAIN)), [`${GZIP} vs ${PLAIN}`]);
  });

  it('refuses an against that is no traced cell of the plan, naming the ones there are, and against with variants', () => {
    assert.throws(
      () => windowsPairings(cells, 0, 'baseline'),
      (e: Error) => e instanceof UsageError && /no traced cell 'baseline'.*otlp-http-protobuf~gzip/.test(e.message),
    );
    assert.throws(() => windowsPairings(cells, 2, PLAIN), /with variants.*remove one of them/);
  });
});

describe('what each windows comparison is judged against', () => {
  const budgets = parseConfig(
    `name: b
matrix: { sampler: [always_on], processor: [batch], exporter: [otlp-http-protobuf], compression: [none, gzip] }
budgets:
  - limits: { cpuUsPerRequest: +60%, latencyUs.p99: < 100ms }
  - where: { cell: ['*~gzip'] }
    limits: { cpuUsPerRequest: +45% }
  - where: { cell: ['*~gzip'] }
    limits: { cpuUsPerRequest: +80% }
  - where: { sampler: [always_off] }
    limits: { cpuUsPerRequest: +5% }
  - where: { processor: [batch] }
    limits: { cpuUsPerRequest: +50µs }
`,
    'b.yaml',
  ).budgets!;

  it('a cell against the baseline: the tightest cpuUsPerRequest +N% budget that matches it, else limitPct', () => {
    assert.deepEqual(windowsLimits(windowsPairings(cells, 0), budgets, 3), [
      { value: 0.6, budget: { index: 0, text: '+60%' } },
      { value: 0.45, budget: { index: 1, text: '+45%' } },
    ]);
    assert.deepEqual(windowsLimits(windowsPairings(cells, 0), [], 3), [{ value: 0.03 }, { value: 0.03 }]);
  });

  it('variants and method.against are judged on limitPct: a budget bounds the overhead over the baseline, not a change between two traced sides', () => {
    assert.deepEqual(windowsLimits(windowsPairings(cells, 2), budgets, 3), [{ value: 0.03 }, { value: 0.03 }]);
    assert.deepEqual(windowsLimits(windowsPairings(cells, 0, PLAIN), budgets, 5), [{ value: 0.05 }]);
  });

  it('names every limit a windows run cannot judge: other metrics, absolute and µs limits, and CPU budgets that match no cell compared with the baseline', () => {
    const againstBaseline = windowsPairings(cells, 0).map((p) => p.b.cell);
    assert.deepEqual(unjudgedByWindows(budgets, againstBaseline), [
      'budgets[0].latencyUs.p99',
      'budgets[3].cpuUsPerRequest',
      'budgets[4].cpuUsPerRequest',
    ]);
    assert.deepEqual(unjudgedByWindows(budgets.slice(0, 3), []), [
      'budgets[0].cpuUsPerRequest',
      'budgets[0].latencyUs.p99',
      'budgets[1].cpuUsPerRequest',
      'budgets[2].cpuUsPerRequest',
    ]);
  });
});
