import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBudgets } from '../../harness/budget/load.js';
import { uninstrumentedWarning, summariseCell } from '../../harness/results/summary.js';
import type { Results, TrialRecord } from '../../harness/results/types.js';
import { renderHtmlReport } from '../../harness/report/html/render.js';
import { renderJUnit } from '../../harness/report/junit.js';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.js';
import { judgeRun } from '../../harness/report/views.js';
import { fixtureResults } from './fixtures/html-fixtures.js';
import { findAll, parseXml } from './xml.js';

const TRACED = 'always_on~batch~otlp-http-protobuf';

/** The fixture with every trial of one cell timed out, and a budget that fails on another cell. */
function errorRun(): Results {
  const results = fixtureResults();
  const cell = results.cells.find((c) => c.id === TRACED)!;
  cell.trials = cell.trials.map((t): TrialRecord => {
    if (t.status === 'failed') return t;
    const metrics = structuredClone(t.metrics);
    metrics.load = { ...metrics.load, sent: 300, ok: 0, timeouts: 300 };
    return {
      ...t,
      status: 'invalid',
      metrics,
      warnings: ['300 of 300 requests failed (0 HTTP errors, 0 socket errors, 300 timeouts): check the service'],
    };
  });
  cell.summary = summariseCell(cell.trials);
  results.config.budgets = parseBudgets({ budgets: [{ limits: { cpuUsPerRequest: '< 100us' } }] }, 'test');
  return results;
}

/** A traced cell of a service with no SDK: the probe saw no span start, the sink received none. */
function uninstrumentedRun(): Results {
  const results = fixtureResults();
  const cell = results.cells.find((c) => c.id === TRACED)!;
  for (const t of cell.trials)
    if (t.status !== 'failed')
      t.metrics.spans = {
        started: 0,
        sampled: 0,
        ended: 0,
        exported: 0,
        failed: 0,
        dropped: 0,
        queuedAtEnd: 0,
        received: 0,
      };
  cell.summary = summariseCell(cell.trials);
  return results;
}

describe('views of a run with nothing valid to judge', () => {
  it('summary.md: the headline says so, the reason comes next, errors before failures', () => {
    const results = errorRun();
    const judged = judgeRun(results, { threshold: 0.05 });
    assert.ok(judged.verdicts.counts.fail > 0 && judged.verdicts.counts.error > 0);
    const md = renderSummaryMarkdown(results, judged.verdicts, judged.analysis);
    const lines = md.split('\n');
    assert.match(lines[0], /^## 🛑 tracebench fixture: nothing valid to judge/);
    assert.doesNotMatch(lines[0], /no failures/);
    assert.match(
      lines[2],
      new RegExp(`^- 🛑 \`${TRACED}\`: no valid trial: 3 of 3 trials invalid \\(timeouts: 900 of 900 requests`),
    );
    assert.ok(md.indexOf('### 🛑 Error') < md.indexOf('### ❌ Failed'), 'errors are listed before failures');
  });

  it('junit.xml: cells with no valid trial come first, as <error>, and the counts carry them', () => {
    const results = errorRun();
    const judged = judgeRun(results, { threshold: 0.05 });
    const xml = renderJUnit(judged.verdicts);
    const doc = parseXml(xml);
    const suites = findAll(doc, 'testsuite');
    assert.equal(suites[0].attributes.name, 'tracebench cells');
    const errors = findAll(doc, 'error');
    assert.ok(errors.length >= 2, 'the cell and its budget check');
    assert.match(errors[0].attributes.message, /no valid trial: 3 of 3 trials invalid/);
    assert.equal(findAll(doc, 'testsuites')[0].attributes.errors, String(judged.verdicts.counts.error));
    const firstCase = findAll(findAll(doc, 'testsuite')[1], 'testcase')[0];
    assert.equal(findAll(firstCase, 'error').length, 1, 'within the budgets suite the error case comes first');
  });

  it('report.html: the banner is an error banner and lists the error check first', () => {
    const results = errorRun();
    const judged = judgeRun(results, { threshold: 0.05 });
    const html = renderHtmlReport({ results, analysis: judged.analysis, verdicts: judged.verdicts });
    assert.match(html, /<section class="banner error"/);
    const first = html.indexOf('<li class="check ');
    assert.match(html.slice(first, first + 40), /check error/);
    assert.match(html, /no valid trial: 3 of 3 trials invalid/);
  });
});

describe('a traced cell that received no span', () => {
  it('warns that the service may not be instrumented, in summary.md and report.html', () => {
    const results = uninstrumentedRun();
    const warning = uninstrumentedWarning(results.cells.find((c) => c.id === TRACED)!);
    assert.match(
      warning!,
      /^the service may not be instrumented: 0 spans reached the sink in 3 trials of a traced cell/,
    );
    const judged = judgeRun(results, { threshold: 0.05 });
    assert.match(
      renderSummaryMarkdown(results, judged.verdicts, judged.analysis),
      /the service may not be instrumented: 0 spans reached the sink in 3 trials/,
    );
    assert.match(
      renderHtmlReport({ results, analysis: judged.analysis, verdicts: judged.verdicts }),
      /the service may not be instrumented: 0 spans reached the sink in 3 trials/,
    );
  });

  it('stays quiet for instrumented cells, the baseline, and spans the probe could not count (null) that still reached the sink', () => {
    const results = fixtureResults();
    for (const cell of results.cells) assert.equal(uninstrumentedWarning(cell), undefined, cell.id);
    const cell = structuredClone(results.cells.find((c) => c.id === TRACED)!);
    for (const t of cell.trials)
      if (t.status !== 'failed') (t.metrics.spans as unknown as Record<string, number | null>).started = null;
    assert.equal(uninstrumentedWarning(cell), undefined);
  });
});

describe('an interrupted run', () => {
  it('says how far it got in the summary headline and the HTML banner', () => {
    const results = fixtureResults();
    results.status = 'interrupted';
    results.interrupted = { trialsFinished: 7, trialsPlanned: 18, rebuiltFrom: 'results.jsonl' };
    const judged = judgeRun(results, { threshold: 0.05 });
    assert.match(
      renderSummaryMarkdown(results, judged.verdicts, judged.analysis).split('\n')[0],
      /run interrupted after 7 of 18 trials, rebuilt from results\.jsonl/,
    );
    assert.match(
      renderHtmlReport({ results, analysis: judged.analysis, verdicts: judged.verdicts }),
      /interrupted after 7 of 18 trials<\/strong> \(rebuilt from results\.jsonl\)/,
    );
  });
});
