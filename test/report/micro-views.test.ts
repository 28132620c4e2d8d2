import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile } from 'vega-lite';
import { captureEnvironment } from '../../harness/results/environment.js';
import { isMicroOnly, microResultsDocument } from '../../harness/micro/document.js';
import type { MicroResults } from '../../harness/micro/types.js';
import { allCharts } from '../../harness/report/html/charts.js';
import { buildModel } from '../../harness/report/html/model.js';
import { renderHtmlReport } from '../../harness/report/html/render.js';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.js';
import { judgeRun } from '../../harness/report/views.js';
import { parseBudgets } from '../../harness/budget/load.js';
import { analyse } from '../../harness/stats/analyse.js';
import { layeredResults } from './fixtures/attribution-fixtures.js';
import { microFixture } from './fixtures/micro-fixtures.js';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/types.js';

function microOnly(budgets: unknown[] = []) {
  const micro: MicroResults = { ...microFixture(), kind: 'micro', environment: captureEnvironment() };
  return microResultsDocument(micro, 'micro-run', parseBudgets({ budgets }, 'test'));
}

function compiles(spec: unknown): string[] {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => warnings.push(`error ${m.join(' ')}`),
    warn: (...m: unknown[]) => warnings.push(m.join(' ')),
    info: () => logger,
    debug: () => logger,
  };
  compile(spec as never, { logger: logger as never });
  return warnings;
}

describe('results.json of tracebench micro', () => {
  it('is a results document with a micro section, no cells, an empty matrix and the micro rounds', () => {
    const results = microOnly();
    assert.ok(isMicroOnly(results));
    assert.equal(results.schemaVersion, RESULTS_SCHEMA_VERSION);
    assert.deepEqual(results.cells, []);
    assert.ok(
      Object.values(results.config.matrix).every((dimension) => Array.isArray(dimension) && dimension.length === 0),
    );
    assert.equal(results.config.rounds, 3);
    assert.equal(results.configFile, '');
    assert.ok(
      !('environment' in results.micro!) && !('kind' in results.micro!),
      'the environment is the document’s own',
    );
    assert.ok(results.micro!.tasks.every((t) => t.roundsNsPerOp.length === 3 && t.workerThreadIds.length === 3));
  });

  it('is judged against its micro budgets', () => {
    const { verdicts } = judgeRun(microOnly([{ where: { task: 'span/bare' }, limits: { 'micro.nsPerOp': '< 1µs' } }]), {
      threshold: 0.05,
    });
    assert.deepEqual(verdicts.counts, { pass: 0, fail: 1, inconclusive: 0, error: 0 });
  });
});

describe('summary.md with micro-benchmarks and an attribution', () => {
  it('a micro run: the claims table with published, measured and ratio, the tasks folded, no cells table', () => {
    const results = microOnly();
    const md = renderSummaryMarkdown(results, judgeRun(results, { threshold: 0.05 }).verdicts, analyse(results));
    assert.match(md, /^micro run micro-run · 5 suites × 3 rounds \(quick profile\)/m);
    assert.match(md, /### Micro-benchmarks: published claims vs measured here/);
    assert.match(md, /\| span creation \(start \+ end\) \| 1\.00 µs–5\.00 µs \| 1\.15 µs \| ×0\.38 \|/);
    assert.match(md, /\| each attribute \| ≈ 500\.0 ns \| 80\.0 ns \| ×0\.16 \|/);
    assert.match(md, /<summary>Micro-benchmark tasks \(14\)/);
    assert.match(md, /\| `span\/bare` \| 1\.15 µs \|/);
    assert.doesNotMatch(md, /<summary>Cells/);
  });

  it('a layered run: one attribution row per layer, the profile by category, the totals and the profile check', () => {
    const results = layeredResults({ micro: microFixture(), profileShare: 0.9 });
    const md = renderSummaryMarkdown(results, judgeRun(results, { threshold: 0.05 }).verdicts, analyse(results));
    assert.match(md, /### Attribution: CPU per request each layer adds/);
    const rows = md.split('\n').filter((l) => /^\| \d [\w-]+ \| [a-z]/.test(l));
    assert.equal(rows.length, 8, rows.join('\n'));
    assert.match(
      md,
      /\| 2 sdk-always-off \| the SDK, sampling nothing, no context manager \| 1 api-noop \| [\d.]+ \| \+6\.\d \(\+[\d.]+ to \+[\d.]+\) \| \+5\.4 \| \+5\.4 \| \+[01]\.\d \| \+2\.3 \| sampler\/always-off, propagation\/w3c-baggage-extract \|/,
    );
    assert.match(
      md,
      /0 no-sdk → 6 simple-otlp-http-protobuf: measured \+11[45] µs\/request .*micro-benchmarks predict \+43\.4 µs, \+7\d\.\d µs .* beyond them/,
    );
    assert.match(
      md,
      /\| layer \| service's own work \| @opentelemetry\/api \| SDK span lifecycle \| context manager \|/,
    );
    assert.match(md, /\| 3 context-manager \| \+0\.0 \| \+0\.0 \| \+0\.0 \| \+2\.7 \|/);
    assert.match(
      md,
      /explained: layer-0-no-sdk → layer-6-simple-otlp: .*the profile places 10[34]\.\d, remainder 1\d\.\d \(10%\)/,
    );
    assert.match(md, /prediction built from the micro tasks /);
    assert.ok(md.indexOf('### Attribution') < md.indexOf('### Micro-benchmarks'));
  });
});

describe('report.html with micro-benchmarks and an attribution', () => {
  it('a micro run: its own header, the claims chart and table, the tasks, the micro run in the environment', () => {
    const results = microOnly();
    const page = renderHtmlReport({ results, ...judgeRun(results, { threshold: 0.05 }) });
    assert.match(page, /<title>tracebench: micro-benchmarks, run micro-run<\/title>/);
    assert.match(page, /5 micro-benchmark suites × 3 rounds \(quick profile\)/);
    assert.match(page, /<figure data-chart="claims"/);
    assert.match(page, /<table class="cells metrics claims">/);
    assert.match(
      page,
      /<th scope="row">span creation \(start \+ end\)<\/th><td>1\.00 µs–5\.00 µs<\/td><td>1\.15 µs<\/td><td>×0\.38<\/td>/,
    );
    assert.match(page, /<table class="cells metrics micro">/);
    assert.match(page, /<code>tracebench micro --rounds 3 --quick<\/code>/);
    assert.doesNotMatch(page, /id="section-cells"/);
    assert.match(page, /micro\.nsPerOp/, 'the banner says how to judge micro results');
  });

  it('a layered run: the waterfall chart with a caption, a text alternative, prediction ticks, and the attribution table', () => {
    const results = layeredResults({ micro: microFixture(), profileShare: 0.5 });
    const model = buildModel({ results, analysis: analyse(results) });
    const chart = allCharts(model).find((c) => c.id === 'waterfall');
    assert.ok(chart, 'no waterfall chart');
    assert.equal(chart.section, 'attribution');
    assert.match(chart.alt, /^Waterfall of the CPU µs per request each of 7 layers adds/);
    assert.match(chart.alt, /predicted from micro-benchmarks \+43\.4 µs, unexplained \+7\d\.\d µs/);
    assert.match(chart.caption, /Orange ticks: what the micro-benchmarks predict/);
    const text = JSON.stringify(chart.spec);
    assert.match(text, /"mark":\{"type":"tick","color":"#e08a00"/);
    assert.deepEqual(compiles(chart.spec), []);
    const page = renderHtmlReport({ results, analysis: analyse(results) });
    assert.match(page, /<h2 id="section-attribution">Attribution: where the CPU goes<\/h2>/);
    assert.match(page, /<table class="cells metrics attribution">/);
    assert.match(page, /<li class="profile-check unexplained">unexplained: /);
    assert.match(page, /<table class="cells metrics profile-categories">/);
    assert.equal((page.match(/<div class="flame" /g) ?? []).length, 8, 'a flame view per profiled layer');
  });

  it('without micro-benchmarks the waterfall draws no prediction and says so', () => {
    const results = layeredResults();
    const chart = allCharts(buildModel({ results })).find((c) => c.id === 'waterfall')!;
    assert.doesNotMatch(JSON.stringify(chart.spec), /"type":"tick"/);
    assert.match(chart.caption, /No micro-benchmarks in these results/);
    assert.deepEqual(compiles(chart.spec), []);
  });

  it('the claims chart compiles without a warning and puts every measured claim in its text alternative', () => {
    const chart = allCharts(buildModel({ results: microOnly() })).find((c) => c.id === 'claims')!;
    assert.deepEqual(compiles(chart.spec), []);
    for (const op of ['span creation', 'each attribute', 'context propagation', 'batched export'])
      assert.ok(chart.alt.includes(op), op);
  });
});
