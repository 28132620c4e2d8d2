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
variants: [{ name: base }, { name: head }]
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
  - where: { variant: [head] }
    limits: { cpuUsPerRequest: -2% }
`,
    'b.yaml',
  ).budgets!;
  const b = (index: number, text: string, limit: number) => ({ index, text, limit });

  it('a cell against the baseline: every cpuUsPerRequest +N% budget that covers it, the tightest its verdict; none: limitPct', () => {
    assert.deepEqual(windowsLimits(windowsPairings(cells, 0), budgets, 3), [
      { value: 0.6, budgets: [b(0, '+60%', 0.6)] },
      { value: 0.45, budgets: [b(0, '+60%', 0.6), b(1, '+45%', 0.45), b(2, '+80%', 0.8)] },
    ]);
    assert.deepEqual(windowsLimits(windowsPairings(cells, 0), [], 3), [
      { value: 0.03, budgets: [] },
      { value: 0.03, budgets: [] },
    ]);
  });

  it('a variant’s cell against the first variant’s: the budgets covering it with its variant, as the trials method judges them; a negative limit is kept', () => {
    assert.deepEqual(windowsLimits(windowsPairings(cells, 2), budgets, 3, ['base', 'head']), [
      { value: -0.02, budgets: [b(0, '+60%', 0.6), b(5, '-2%', -0.02)] },
      { value: -0.02, budgets: [b(0, '+60%', 0.6), b(1, '+45%', 0.45), b(2, '+80%', 0.8), b(5, '-2%', -0.02)] },
    ]);
  });

  it('method.against is judged on limitPct: a budget bounds the overhead over a reference, not a change between two settings', () => {
    assert.deepEqual(windowsLimits(windowsPairings(cells, 0, PLAIN), budgets, 5), [{ value: 0.05, budgets: [] }]);
  });

  it('names every limit a windows run cannot judge: other metrics, µs limits, and CPU budgets that cover no compared cell', () => {
    const covered = new Set(
      windowsLimits(windowsPairings(cells, 0), budgets, 3).flatMap((l) => l.budgets.map((b) => b.index)),
    );
    assert.deepEqual(unjudgedByWindows(budgets, covered), [
      'budgets[0].latencyUs.p99',
      'budgets[3].cpuUsPerRequest',
      'budgets[4].cpuUsPerRequest',
      'budgets[5].cpuUsPerRequest',
    ]);
    assert.deepEqual(unjudgedByWindows(budgets.slice(0, 3), new Set()), [
      'budgets[0].cpuUsPerRequest',
      'budgets[0].latencyUs.p99',
      'budgets[1].cpuUsPerRequest',
      'budgets[2].cpuUsPerRequest',
    ]);
  });
});
