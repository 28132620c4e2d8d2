import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellErrorChecks } from '../../harness/budget/cell-errors.js';
import { compareResults } from '../../harness/budget/compare.js';
import { evaluateBudgets } from '../../harness/budget/evaluate.js';
import { gateErrors, gateFails } from '../../harness/budget/judge.js';
import { parseBudgets } from '../../harness/budget/load.js';
import { noValidTrialReason } from '../../harness/results/summary.js';
import { summariseCell } from '../../harness/results/summary.js';
import type { Results, TrialRecord } from '../../harness/results/types.js';
import { judgeRun } from '../../harness/report/views.js';
import { analyse } from '../../harness/stats/analyse.js';
import { fixtureResults } from '../report/fixtures/html-fixtures.js';

const TRACED = 'always_on~batch~otlp-http-protobuf';

/** Every trial of the cell timed out: measured, but invalid, as checkTrial marks a service that never answers. */
function neverAnswered(results: Results, cellId: string): Results {
  for (const cell of results.cells.filter((c) => c.id === cellId)) {
    cell.trials = cell.trials.map((t): TrialRecord => {
      if (t.status === 'failed') return t;
      const metrics = structuredClone(t.metrics);
      metrics.load = { ...metrics.load, sent: 500, ok: 0, timeouts: 500 };
      metrics.requests = 0;
      metrics.cpuUsPerRequest = Number.NaN;
      return {
        ...t,
        status: 'invalid',
        metrics,
        warnings: [
          'the service served no request in the measured window: check service.requestPath answers 200',
          '500 of 500 requests failed (0 HTTP errors, 0 socket errors, 500 timeouts)',
        ],
      };
    });
    cell.summary = summariseCell(cell.trials);
  }
  return results;
}

function crashed(results: Results, cellId: string): Results {
  for (const cell of results.cells.filter((c) => c.id === cellId)) {
    cell.trials = cell.trials.map(
      (t): TrialRecord => ({
        runId: t.runId,
        cellId: t.cellId,
        round: t.round,
        order: t.order,
        startedAt: t.startedAt,
        wallMs: t.wallMs,
        warnings: [],
        status: 'failed',
        error: 'the service exited with code 70 during the window',
        stderrTail: ['boom'],
      }),
    );
    cell.summary = summariseCell(cell.trials);
  }
  return results;
}

const budgets = (limits: Record<string, string>) => parseBudgets({ budgets: [{ limits }] }, 'test');

describe('a cell with no valid trial', () => {
  it('says why: how many trials were invalid, the failed requests, the first reason; or that they crashed', () => {
    const results = neverAnswered(fixtureResults(), TRACED);
    const reason = noValidTrialReason(results.cells.find((c) => c.id === TRACED)!.trials)!;
    assert.match(
      reason,
      /^no valid trial: 3 of 3 trials invalid \(timeouts: 1500 of 1500 requests; the service served no request/,
    );
    const down = crashed(fixtureResults(), TRACED);
    assert.match(
      noValidTrialReason(down.cells.find((c) => c.id === TRACED)!.trials)!,
      /^no valid trial: 3 of 3 trials crashed: the service exited with code 70/,
    );
    assert.equal(
      noValidTrialReason(fixtureResults().cells.find((c) => c.id === TRACED)!.trials),
      undefined,
      'one invalid trial of three leaves two valid',
    );
    assert.equal(noValidTrialReason([]), undefined, 'a cell that has not run yet is not an error');
  });

  it('whatever made the trials invalid: a saturated rate, or every request failing with HTTP errors', () => {
    const saturated = fixtureResults();
    const cell = saturated.cells.find((c) => c.id === TRACED)!;
    cell.trials = cell.trials.map(
      (t): TrialRecord =>
        t.status === 'failed'
          ? t
          : {
              ...t,
              status: 'invalid',
              warnings: [
                'achieved 412 of 500 req/s (82.4%): the service is saturated at this rate, so overhead shows as lost throughput; lower load.rateRps',
              ],
            },
    );
    const budgetsAtMax = budgets({ cpuUsPerRequest: '+50%' });
    const check = evaluateBudgets(analyse(saturated, { seed: 1 }), saturated, budgetsAtMax).checks.find(
      (c) => c.cellId === TRACED,
    )!;
    assert.equal(check.verdict, 'error');
    assert.match(check.message, /no valid trial: 3 of 3 trials invalid \(achieved 412 of 500 req\/s/);
    const failing = fixtureResults();
    const other = failing.cells.find((c) => c.id === TRACED)!;
    other.trials = other.trials.map(
      (t): TrialRecord =>
        t.status === 'failed'
          ? t
          : {
              ...t,
              status: 'invalid',
              metrics: { ...t.metrics, load: { ...t.metrics.load, sent: 1500, ok: 0, httpErrors: 1500 } },
              warnings: ['1500 of 1500 requests failed (1500 HTTP errors, 0 socket errors, 0 timeouts)'],
            },
    );
    assert.match(
      noValidTrialReason(other.trials)!,
      /^no valid trial: 3 of 3 trials invalid \(HTTP errors: 4500 of 4500 requests; 1500 of 1500 requests failed/,
    );
    assert.equal(gateErrors(judgeRun(failing, { threshold: 0.05 }).verdicts), true);
  });

  it('an absolute budget on it is an error, not inconclusive, and the gate reports an error', () => {
    const results = neverAnswered(fixtureResults(), TRACED);
    const verdicts = evaluateBudgets(analyse(results, { seed: 1 }), results, budgets({ 'latencyUs.p99': '< 5ms' }));
    const check = verdicts.checks.find((c) => c.cellId === TRACED)!;
    assert.equal(check.verdict, 'error');
    assert.match(check.message, /no valid trial: 3 of 3 trials invalid \(timeouts/);
    assert.equal(verdicts.counts.error, 1);
    assert.equal(gateErrors(verdicts), true);
  });

  it('every budget on every cell is an error when the baseline has no valid trial (relative limits compare against it)', () => {
    const results = neverAnswered(fixtureResults(), 'baseline');
    const verdicts = evaluateBudgets(analyse(results, { seed: 1 }), results, budgets({ cpuUsPerRequest: '+50%' }));
    const traced = verdicts.checks.filter((c) => c.cellId !== 'baseline');
    assert.ok(traced.length >= 4);
    for (const c of traced) {
      assert.equal(c.verdict, 'error', c.message);
      assert.match(c.message, /its reference baseline has no valid trial: 3 of 3 trials invalid/);
    }
  });

  it('every traced trial crashed: judgeRun lists a cell error naming the crash, and it sorts first', () => {
    const results = crashed(fixtureResults(), TRACED);
    const { verdicts } = judgeRun(results, { threshold: 0.05 });
    const errors = verdicts.checks.filter((c) => c.verdict === 'error');
    assert.deepEqual(
      errors.map((c) => c.kind),
      ['cell'],
    );
    assert.match(errors[0].message, /crashed: the service exited with code 70/);
    assert.equal(gateErrors(verdicts), true);
    assert.equal(gateFails(verdicts), false, 'an error is not a budget failure: exit 3, not 1');
  });

  it('with no budgets at all, a cell with no valid trial is still an error (a run never passes on nothing)', () => {
    const results = neverAnswered(neverAnswered(fixtureResults(), TRACED), 'baseline');
    results.config.budgets = [];
    const { verdicts } = judgeRun(results, { threshold: 0.05 });
    assert.deepEqual(
      verdicts.checks
        .filter((c) => c.verdict === 'error')
        .map((c) => c.cellId)
        .sort(),
      ['baseline', TRACED].sort(),
    );
    assert.equal(
      cellErrorChecks(fixtureResults()).checks.length,
      0,
      'the fixture as built has a valid trial in every cell',
    );
  });

  it('same-run A/B: a head variant with no valid trial is an error', () => {
    const results = fixtureResults({ variants: ['base', 'head'] });
    for (const cell of results.cells.filter((c) => c.id === TRACED && c.variant === 'head')) {
      cell.trials = cell.trials.map(
        (t): TrialRecord => ({
          runId: t.runId,
          cellId: t.cellId,
          variant: 'head',
          round: t.round,
          order: t.order,
          startedAt: t.startedAt,
          wallMs: t.wallMs,
          warnings: [],
          status: 'failed',
          error: 'crashed on start',
          stderrTail: [],
        }),
      );
    }
    results.config.variants = [
      { name: 'base', env: {}, extraCpuUsPerRequest: 0, extraCpuUsPerSpan: 0 },
      { name: 'head', env: {}, extraCpuUsPerRequest: 0, extraCpuUsPerSpan: 0 },
    ];
    const { verdicts } = judgeRun(results, { threshold: 0.05 });
    const ab = verdicts.checks.filter((c) => c.kind === 'ab' && c.cellId === TRACED);
    assert.ok(ab.length > 0);
    for (const c of ab) assert.equal(c.verdict, 'error', c.message);
    assert.match(ab[0].message, /head has no valid trial: 3 of 3 trials crashed: crashed on start/);
  });

  it('compare: a cell of HEAD with no valid trial is an error, not inconclusive', () => {
    const base = fixtureResults();
    const head = neverAnswered(fixtureResults({ seed: 9 }), TRACED);
    const verdicts = compareResults(base, head, { threshold: 0.05 });
    const traced = verdicts.checks.filter((c) => c.cellId === TRACED);
    assert.ok(traced.length > 0);
    for (const c of traced) assert.equal(c.verdict, 'error');
    assert.match(traced[0].message, /head has no valid trial/);
    assert.ok(
      verdicts.checks.some((c) => c.cellId !== TRACED && c.verdict !== 'error'),
      'other cells are judged as before',
    );
  });
});
