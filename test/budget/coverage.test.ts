import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCoverageBudgets } from '../../harness/budget/coverage.js';
import { budgetsSchema } from '../../harness/budget/schema.js';
import { studyResults } from '../report/fixtures/sampling-fixtures.js';

const budgets = (yamlLimits: Record<string, string>, where?: Record<string, unknown>) =>
  budgetsSchema.parse([{ ...(where ? { where } : {}), limits: yamlLimits }]);

describe('coverage budgets', () => {
  const results = studyResults({ rounds: 3 });

  it('fail where the whole pooled interval lies below the bound, pass where it lies above', () => {
    const v = evaluateCoverageBudgets(results, budgets({ 'coverage.errors': '>= 50%' }));
    const byCell = new Map(v.checks.map((c) => [c.cellId, c]));
    assert.equal(byCell.get('always_on')!.verdict, 'pass', byCell.get('always_on')!.message);
    assert.equal(byCell.get('traceidratio-0.1')!.verdict, 'fail', byCell.get('traceidratio-0.1')!.message);
    assert.ok(!byCell.has('baseline'), 'the baseline measures no coverage');
    const check = byCell.get('traceidratio-0.1')!;
    assert.ok(check.measured.high < 50 && check.measured.low <= check.measured.estimate);
    assert.match(check.message, /kept \d+ of \d+/);
  });

  it('inconclusive when the interval straddles the bound: a 100% of few cannot prove 99.9%', () => {
    const v = evaluateCoverageBudgets(results, budgets({ 'coverage.errors': '>= 99.9%' }, { cell: 'always_on' }));
    assert.equal(v.checks.length, 1);
    assert.equal(v.checks[0].verdict, 'inconclusive');
  });

  it('a traced cell that measured no coverage (not the reference service) is inconclusive, never left out', () => {
    const stripped = studyResults({ rounds: 3 });
    const cell = stripped.cells.find((c) => c.id === 'always_on')!;
    delete cell.summary!.coverage;
    const v = evaluateCoverageBudgets(stripped, budgets({ 'coverage.errors': '>= 50%' }, { cell: 'always_on' }));
    assert.equal(v.checks.length, 1);
    assert.equal(v.checks[0].verdict, 'inconclusive');
    assert.match(v.checks[0].message, /coverage\.errors was not measured in this cell: coverage needs ground truth/);
  });

  it('notes a budget that matches no cell with coverage', () => {
    const v = evaluateCoverageBudgets(results, budgets({ 'coverage.errors': '>= 50%' }, { cell: 'nothing-*' }));
    assert.equal(v.checks.length, 0);
    assert.match(v.notes.join(' '), /no matching cell measured it/);
  });
});
