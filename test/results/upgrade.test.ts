import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { judgeRun } from '../../harness/budget/judge-run.js';
import { budgetsSchema } from '../../harness/budget/schema.js';
import { readResults } from '../../harness/cli/read-results.js';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/types.js';
import { PREVIOUS_RESULTS_SCHEMA_VERSION, upgradeResults } from '../../harness/results/upgrade.js';
import { METRIC_NAMES } from '../../harness/stats/types.js';
import { tempDir } from '../helpers/cli.js';

/** results.json of schemaVersion 1, as a real `tracebench run` wrote it before the fields were renamed. */
const OLD = fileURLToPath(new URL('../../../test/data/results/real-run.results.json', import.meta.url));
const old = () => JSON.parse(readFileSync(OLD, 'utf8'));

describe('results of the previous schemaVersion', () => {
  it('the fixture is of the previous version and uses the old names', () => {
    const data = old();
    assert.equal(data.schemaVersion, PREVIOUS_RESULTS_SCHEMA_VERSION);
    assert.equal(RESULTS_SCHEMA_VERSION, PREVIOUS_RESULTS_SCHEMA_VERSION + 1);
    assert.ok('gcPauseMs' in data.cells[1].trials[0].metrics && 'heapUsedBytes' in data.cells[1].summary);
  });

  it('are read with every figure kept under its new name', () => {
    const data = old();
    const file = join(tempDir(), 'results.json');
    copyFileSync(OLD, file);
    const results = readResults(file);
    assert.equal(results.schemaVersion, RESULTS_SCHEMA_VERSION);
    for (const [c, cell] of results.cells.entries())
      for (const [t, trial] of cell.trials.entries()) {
        if (trial.status === 'failed') continue;
        const was = data.cells[c].trials[t].metrics;
        const m = trial.metrics as unknown as Record<string, unknown>;
        assert.equal(trial.metrics.heapUsedPeakBytes, was.heapUsedBytes);
        assert.deepEqual(trial.metrics.gc, {
          pauseCount: was.gcPauseMs.count,
          pauseTotalMs: was.gcPauseMs.total,
          pauseMaxMs: was.gcPauseMs.max,
        });
        assert.ok(!('gcPauseMs' in m) && !('heapUsedBytes' in m));
        for (const [name, s] of Object.entries(trial.metrics.services ?? {}))
          assert.equal(s.gc.pauseTotalMs, was.services[name].gcPauseMs.total);
      }
    assert.equal(results.cells[1].summary?.heapUsedPeakBytes, data.cells[1].summary.heapUsedBytes);
    assert.equal(results.cells[1].summary?.gc.pauseTotalMs, data.cells[1].summary.gcPauseMs.total);
  });

  it('judge the same as before: the judged GC metric reads the same figure under its new name', () => {
    const results = upgradeResults(old()) as Parameters<typeof judgeRun>[0];
    const judged = judgeRun(results, { threshold: 0.05 });
    const gc = judged.analysis.cells[1].metrics['gc.pauseTotalMs'];
    assert.ok(gc, 'the traced cell has the GC metric');
    const totals = old()
      .cells[1].trials.filter((t: { status: string }) => t.status === 'ok')
      .map((t: { metrics: { gcPauseMs: { total: number } } }) => t.metrics.gcPauseMs.total);
    assert.ok(totals.length > 0);
    assert.ok(gc.median >= Math.min(...totals) && gc.median <= Math.max(...totals), String(gc.median));
    assert.equal(gc.values.length, totals.length);
  });

  it('leaves a document of another version untouched, for the reader to refuse', () => {
    const data = { ...old(), schemaVersion: 7 };
    assert.equal(upgradeResults(data), data);
    const current = { schemaVersion: RESULTS_SCHEMA_VERSION, cells: [] };
    assert.equal(upgradeResults(current), current);
  });
});

describe('budget metric names written before the rename', () => {
  it('gcPauseMs is read as gc.pauseTotalMs, remembered as written, and the verdicts ask for the rename', () => {
    const [budget] = budgetsSchema.parse([{ limits: { gcPauseMs: '< 5ms' } }]);
    assert.deepEqual(Object.keys(budget.limits), ['gc.pauseTotalMs']);
    assert.equal(budget.limits['gc.pauseTotalMs']?.writtenAs, 'gcPauseMs');
    assert.equal(budget.limits['gc.pauseTotalMs']?.value, 5);
    const results = upgradeResults(old()) as Parameters<typeof judgeRun>[0];
    results.config.budgets = [budget];
    const { verdicts } = judgeRun(results, { threshold: 0.05 });
    assert.ok(verdicts.checks.some((c) => c.metric === 'gc.pauseTotalMs'));
    assert.ok(
      verdicts.notes.includes('budget metric gcPauseMs is now called gc.pauseTotalMs: rename it in the budget'),
    );
  });

  it('the old and the new name together are refused', () => {
    const parsed = budgetsSchema.safeParse([{ limits: { gcPauseMs: '< 5ms', 'gc.pauseTotalMs': '< 6ms' } }]);
    assert.equal(parsed.success, false);
    assert.match(JSON.stringify(parsed.error?.issues), /gcPauseMs is the old name of gc\.pauseTotalMs: give only/);
  });

  it('the judged metric names are the new ones', () => {
    assert.ok(METRIC_NAMES.includes('gc.pauseTotalMs'));
    assert.ok(!(METRIC_NAMES as string[]).includes('gcPauseMs'));
  });
});
