import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareResults } from '../../harness/budget/compare.js';
import { evaluateBudgets } from '../../harness/budget/evaluate.js';
import { parseBudgets } from '../../harness/budget/load.js';
import { parseConfig } from '../../harness/config/load.js';
import { medianCount, sumCounts, sumSpanCounts, UNKNOWN_SPANS_NOTE } from '../../harness/results/span-counts.js';
import { summariseCell } from '../../harness/results/summary.js';
import type { Results } from '../../harness/results/types.js';
import { checkTrial } from '../../harness/results/validity.js';
import type { Cell } from '../../harness/plan/types.js';
import { consoleTable } from '../../harness/report/console-table.js';
import { renderHtmlReport } from '../../harness/report/html/render.js';
import { renderJUnit } from '../../harness/report/junit.js';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.js';
import { analyse } from '../../harness/stats/analyse.js';
import type { ProbeSpanReport } from '../../harness/probe/protocol.js';
import { BASELINE, sdk, syntheticMetrics, syntheticResults } from '../stats/synthetic.js';

const TRACED_ID = 'always_on~batch~otlp-http-protobuf';
const UNKNOWN = { exported: null, failed: null, dropped: null, queuedAtEnd: null } as const;

/** A run like the issue's: the traced cell's service ran an SDK tracebench did not build; the sink received 3,584 spans. */
function foreignRun(): Results {
  const results = syntheticResults({
    rounds: 3,
    noise: 0.01,
    cells: [
      { id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 },
      { id: TRACED_ID, settings: sdk('always_on'), cpuUsPerRequest: 600 },
    ],
  });
  for (const cell of results.cells) {
    if (cell.id !== TRACED_ID) continue;
    for (const t of cell.trials)
      if (t.status === 'ok') t.metrics.spans = { ...t.metrics.spans, ...UNKNOWN, received: 3584 };
    cell.summary = summariseCell(cell.trials);
  }
  results.config = parseConfig('rounds: 3', 'unknown-spans.yaml');
  const base = results.cells.find((c) => c.id === 'baseline')!;
  base.summary = summariseCell(base.trials);
  return results;
}

describe('unknown span counters are null, never 0', () => {
  it('a sum or median with an unknown term is unknown', () => {
    assert.equal(sumCounts([1, 2, 3]), 6);
    assert.equal(sumCounts([1, null, 3]), null);
    assert.equal(medianCount([4, 6, 5]), 5);
    assert.equal(medianCount([4, null, 5]), null);
    const both = sumSpanCounts([
      { started: 5, sampled: 5, ended: 5, exported: 5, failed: 0, dropped: 0, queuedAtEnd: 0 },
      { started: 7, sampled: 7, ended: 7, ...UNKNOWN },
    ]);
    assert.deepEqual(both, { started: 12, sampled: 12, ended: 12, ...UNKNOWN });
  });

  it('the summary keeps unknown counters unknown and the sink count known', () => {
    const s = foreignRun().cells.find((c) => c.id === TRACED_ID)!.summary!;
    assert.equal(s.spans.exported, null);
    assert.equal(s.spans.dropped, null);
    assert.equal(s.spans.received, 3584);
    assert.equal(s.spans.started, 6000);
  });

  it('the accounting identities are checked only where every term is known', () => {
    const cell: Cell = { id: TRACED_ID, settings: sdk('always_on'), env: {}, collapsed: [] };
    const report: ProbeSpanReport = {
      tracing: true,
      source: 'probe',
      drained: true,
      failureReasons: {},
      started: 4000,
      sampled: 4000,
      ended: 4000,
      ...UNKNOWN,
    };
    const m = syntheticMetrics(400, 2000, 80e6, 0);
    m.spans = { ...m.spans, ...UNKNOWN, started: 4000, sampled: 4000, ended: 4000, received: 3584 };
    assert.deepEqual(checkTrial(m, report, cell).warnings, []);
    // Known terms that do not balance still warn, as before.
    m.spans = { ...m.spans, exported: 3000, failed: 0, dropped: 0, queuedAtEnd: 0 };
    const warnings = checkTrial(m, { ...report, exported: 3000, failed: 0, dropped: 0, queuedAtEnd: 0 }, cell).warnings;
    assert.ok(
      warnings.some((w) => /span accounting does not balance: ended 4000/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => /sink received 3584 spans but the exporter reported 3000/.test(w)),
      warnings.join('\n'),
    );
  });

  it('the console table shows – with the note, not 0', () => {
    const table = consoleTable(foreignRun());
    const row = table.split('\n').find((l) => l.startsWith(TRACED_ID))!;
    const cols = row.trim().split(/\s{2,}/);
    // cell, CPU, overhead, p50, p99, req/s, RSS, exported, dropped, trials
    assert.equal(cols[7], '–');
    assert.equal(cols[8], '–');
    assert.ok(table.includes(UNKNOWN_SPANS_NOTE));
  });

  it('a budget on spans.dropped is inconclusive (unknown), not pass; summary.md and JUnit say so', () => {
    const results = foreignRun();
    const analysis = analyse(results);
    const dropped = analysis.cells.find((c) => c.cellId === TRACED_ID)!.metrics['spans.dropped']!;
    assert.deepEqual(dropped.values, []);
    assert.equal(dropped.unknownRounds, 3);
    const verdicts = evaluateBudgets(
      analysis,
      results,
      parseBudgets(
        { budgets: [{ where: { cell: [TRACED_ID] }, limits: { 'spans.dropped': 0, 'spans.lostInTransit': 0 } }] },
        'test',
      ),
    );
    assert.equal(verdicts.checks.length, 2);
    for (const check of verdicts.checks) {
      assert.equal(check.verdict, 'inconclusive');
      assert.match(check.message, /unknown in 3 rounds: the service's SDK was not built by tracebench/);
    }
    const md = renderSummaryMarkdown(results, verdicts, analysis);
    const row = md.split('\n').find((l) => l.startsWith(`| \`${TRACED_ID}\``) || l.startsWith(`| ${TRACED_ID}`));
    assert.ok(row, md);
    assert.match(row!, /\| – \|$/);
    assert.ok(md.includes('unknown: the service'), md);
    const junit = renderJUnit(verdicts);
    assert.match(
      junit,
      /<skipped message="inconclusive: measured not measured, limit 0 \(spans dropped[^"]*unknown in 3 rounds/,
    );
    assert.doesNotMatch(junit, /<failure/);
  });

  it('one unknown round is enough: a budget on spans.dropped is not passed on the rounds that were known', () => {
    const results = foreignRun();
    const traced = results.cells.find((c) => c.id === TRACED_ID)!;
    // Rounds 1 and 2 known (0 dropped), round 3 unknown.
    traced.trials.forEach((t, i) => {
      if (t.status === 'ok' && i < 2)
        t.metrics.spans = { ...t.metrics.spans, exported: 3584, failed: 0, dropped: 0, queuedAtEnd: 0 };
    });
    traced.summary = summariseCell(traced.trials);
    const analysis = analyse(results);
    assert.equal(analysis.cells.find((c) => c.cellId === TRACED_ID)!.metrics['spans.dropped']!.unknownRounds, 1);
    const verdicts = evaluateBudgets(
      analysis,
      results,
      parseBudgets({ budgets: [{ where: { cell: [TRACED_ID] }, limits: { 'spans.dropped': 0 } }] }, 'test'),
    );
    assert.equal(verdicts.checks.length, 1);
    assert.equal(verdicts.checks[0].verdict, 'inconclusive');
    assert.match(verdicts.checks[0].message, /unknown in 1 round: /);
  });

  it('the HTML report shows – in the span columns with the note, and leaves the cell out of the fate chart', () => {
    const results = foreignRun();
    const analysis = analyse(results);
    const page = renderHtmlReport({ results, analysis });
    assert.ok(
      page.includes(UNKNOWN_SPANS_NOTE.replace(/'/g, '&#39;')) || page.includes(UNKNOWN_SPANS_NOTE),
      'note present',
    );
    const row = page.slice(page.indexOf(`<th scope="row">`, page.indexOf('class="cells metrics"')));
    const traced = row.slice(row.indexOf(TRACED_ID.slice(0, 9)));
    const cells = [...traced.slice(0, traced.indexOf('</tr>')).matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.deepEqual(cells.slice(-4), ['–', '–', '–', '–']);
    assert.doesNotMatch(page, /"fate":"exported","order":0,"spans":0/);
  });

  it('tracebench compare calls a span count it could not read unknown, not a pass', () => {
    const head = foreignRun();
    const base = foreignRun();
    const verdicts = compareResults(base, head, { threshold: 0.05, metrics: ['spans.dropped'] });
    const check = verdicts.checks.find((c) => c.cellId === TRACED_ID)!;
    assert.equal(check.verdict, 'inconclusive');
    assert.match(check.message, /unknown in 6 rounds/);
  });
});
