import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile } from 'vega-lite';
import type { Results } from '../../harness/results/types.js';
import { allCharts } from '../../harness/report/html/charts.js';
import { buildModel } from '../../harness/report/html/model.js';
import { renderHtmlReport } from '../../harness/report/html/render.js';
import { outageTable, outageView } from '../../harness/report/outage.js';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.js';
import { fixtureAnalysis, fixtureResults, fixtureVerdicts } from './fixtures/html-fixtures.js';

const MIB = 1024 * 1024;

/** The fixture run as if its sink had been down from 1 s to 2 s of each window. */
function withOutage(): Results {
  const results = fixtureResults();
  results.config.sink = { mode: 'ok', outage: { fromSeconds: 1, toSeconds: 2, mode: 'down' } };
  for (const cell of results.cells)
    for (const trial of cell.trials) {
      if (trial.status === 'failed') continue;
      const traced = cell.settings.tracing === 'sdk';
      trial.metrics.rssGrowthBytesPerMinute = traced ? 3 * MIB : 0;
      trial.metrics.heapGrowthBytesPerMinute = traced ? MIB : 0;
      trial.metrics.series = trial.metrics.series.map((p) => ({ ...p, inFlightSpans: traced ? 512 : 0 }));
      trial.metrics.outage = {
        mode: 'down',
        fromSeconds: 1,
        toSeconds: 2,
        latencyP99Us: { before: 2000, during: traced ? 9000 : 2100, after: 2200 },
        latencyP99IncreaseUs: traced ? 7000 : 100,
        recoverySeconds: traced ? 0.5 : null,
        sink: { rejectedRequests: 0, hungRequests: 0, resetRequests: 1, resetConnections: 3, spansUnanswered: 512 },
      };
    }
  return results;
}

describe('the outage in the report', () => {
  it('the HTML report draws memory, queue and in-flight series with the outage shaded, and the spec compiles', () => {
    const results = withOutage();
    const charts = allCharts(buildModel({ results, analysis: fixtureAnalysis(results) }));
    const chart = charts.find((c) => c.id === 'outage-chart');
    assert.ok(chart, 'an outage chart');
    const rows = (chart.spec.data as { values: { kind: string; metric: string; from?: number; to?: number }[] }).values;
    const shaded = rows.filter((r) => r.kind === 'outage');
    assert.deepEqual(
      shaded.map((r) => r.metric),
      ['RSS (MiB)', 'heap used (MiB)', 'batch queue depth (spans)', 'spans in export calls (in flight)'],
    );
    assert.ok(shaded.every((r) => r.from === 1 && r.to === 2));
    assert.ok(rows.some((r) => r.kind === 'point' && r.metric === 'spans in export calls (in flight)'));
    const warnings: string[] = [];
    const logger = {
      level: () => logger,
      error: (...m: unknown[]) => warnings.push(m.join(' ')),
      warn: (...m: unknown[]) => warnings.push(m.join(' ')),
      info: () => logger,
      debug: () => logger,
    };
    compile(chart.spec as never, { logger: logger as never });
    assert.deepEqual(warnings, []);
    assert.match(renderHtmlReport({ results }), /data-chart="outage-chart"/);
  });

  it('a run without an outage has no outage chart and no outage section', () => {
    const results = fixtureResults();
    const analysis = fixtureAnalysis(results);
    assert.ok(!allCharts(buildModel({ results, analysis })).some((c) => c.id === 'outage-chart'));
    assert.equal(outageView(results), null);
    assert.doesNotMatch(renderSummaryMarkdown(results, fixtureVerdicts(analysis), analysis), /Backend outage/);
  });

  it('summary.md lists the outage figures per cell; what no trial knew is "–"', () => {
    const results = withOutage();
    const analysis = fixtureAnalysis(results);
    const md = renderSummaryMarkdown(results, fixtureVerdicts(analysis), analysis);
    assert.match(md, /### Backend outage: down \(connections reset\) from 1 s to 2 s of the window/);
    const table = outageTable(outageView(results)!);
    assert.deepEqual(table.header, [
      'cell',
      'dropped',
      'failed',
      'RSS growth/min',
      'heap growth/min',
      'p99 before',
      'p99 during',
      'recovery',
    ]);
    const baseline = table.rows.find((r) => r[0] === 'baseline')!;
    assert.deepEqual(baseline.slice(3), ['0.0 MiB', '0.0 MiB', '2.0 ms', '2.1 ms', 'none in the window']);
    const traced = table.rows.find((r) => r[0] !== 'baseline')!;
    assert.deepEqual(traced.slice(3), ['3.0 MiB', '1.0 MiB', '2.0 ms', '9.0 ms', '0.5 s']);
    assert.ok(md.includes('| 3.0 MiB | 1.0 MiB | 2.0 ms | 9.0 ms | 0.5 s |'));
  });
});
