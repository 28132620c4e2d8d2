import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile } from 'vega-lite';
import { loadAssets } from '../../harness/report/html/assets.js';
import { allCharts } from '../../harness/report/html/charts.js';
import { escapeHtml, html, jsonForScript, trusted } from '../../harness/report/html/escape.js';
import { buildModel, type HtmlReportInput } from '../../harness/report/html/model.js';
import { renderHtmlReport } from '../../harness/report/html/render.js';
import { cellWarnings } from '../../harness/report/html/warnings.js';
import { fixtureAnalysis, fixtureResults, fixtureVerdicts, PAYLOAD } from './fixtures/html-fixtures.js';

function judged(): HtmlReportInput {
  const results = fixtureResults();
  const analysis = fixtureAnalysis(results);
  return { results, analysis, verdicts: fixtureVerdicts(analysis) };
}

/** The page up to the first inlined library: all markup and the embedded JSON. */
function ownPart(page: string): string {
  return page.slice(0, page.indexOf('<script>'));
}

function jsonBlock(page: string, id: string): unknown {
  const open = `<script type="application/json" id="${id}">`;
  const start = page.indexOf(open) + open.length;
  return JSON.parse(page.slice(start, page.indexOf('</script>', start)));
}

describe('escaping helpers', () => {
  it('jsonForScript hides <, >, & and line separators, and parses back to the same value', () => {
    const value = { s: `${PAYLOAD} & <!-- \u2028\u2029` };
    const text = jsonForScript(value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), value);
  });

  it('html escapes every interpolated value and passes trusted markup through', () => {
    assert.equal(escapeHtml(`"'<>&`), '&quot;&#39;&lt;&gt;&amp;');
    assert.equal(
      html`<p title="${PAYLOAD}">${[PAYLOAD, trusted('<b>ok</b>'), null, undefined, false, 3]}</p>`.value,
      `<p title="${escapeHtml(PAYLOAD)}">${escapeHtml(PAYLOAD)}<b>ok</b>3</p>`,
    );
  });
});

describe('renderHtmlReport', () => {
  it('puts the verdict first with the counts it was given, failing checks before the rest', () => {
    const input = judged();
    const page = renderHtmlReport(input);
    const { counts } = input.verdicts!;
    assert.ok(counts.fail > 0 && counts.pass > 0 && counts.inconclusive > 0, 'the fixture has every verdict');
    assert.match(
      page,
      new RegExp(`data-pass="${counts.pass}" data-fail="${counts.fail}" data-inconclusive="${counts.inconclusive}"`),
    );
    assert.match(
      page,
      new RegExp(
        `${counts.fail} fail</span> <span class="count inconclusive">${counts.inconclusive} inconclusive</span> <span class="count pass">${counts.pass} pass`,
      ),
    );
    const banner = page.indexOf('id="verdict-heading"');
    assert.ok(banner > 0 && banner < page.indexOf('data-chart='), 'the banner comes before the charts');
    const verdictOrder = [...page.matchAll(/<li class="check (pass|fail|inconclusive)">/g)].map((m) => m[1]);
    assert.deepEqual(
      verdictOrder,
      [...verdictOrder].sort(
        (a, b) => ['fail', 'inconclusive', 'pass'].indexOf(a) - ['fail', 'inconclusive', 'pass'].indexOf(b),
      ),
    );
    const failing = input.verdicts!.checks.find((c) => c.verdict === 'fail')!;
    assert.ok(page.includes(`limit ${failing.limit.text}`), 'a failing check shows its limit');
    assert.match(page, /measured \+\d+\.\d%, interval \[\+\d+\.\d%, \+\d+\.\d%\]/);
  });

  it('says no budgets were checked when there are no verdicts, and shows no counts', () => {
    const results = fixtureResults();
    const page = renderHtmlReport({ results, analysis: fixtureAnalysis(results) });
    assert.match(page, /No budgets were checked/);
    assert.doesNotMatch(page, /class="count /);
  });

  it('has a title, one h1 and headings that never skip a level', () => {
    const page = renderHtmlReport(judged());
    assert.match(page, /<title>tracebench: fixture, run fixture-run<\/title>/);
    const levels = [...ownPart(page).matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
    assert.equal(levels.filter((l) => l === 1).length, 1);
    assert.equal(levels[0], 1);
    for (let i = 1; i < levels.length; i++) {
      assert.ok(levels[i] <= levels[i - 1] + 1, `h${levels[i - 1]} is followed by h${levels[i]}`);
    }
  });

  it('gives every chart a caption and a text alternative, in the figure and in the spec', () => {
    const page = renderHtmlReport(judged());
    const figures = [
      ...page.matchAll(
        /<figure data-chart="([^"]+)"[^>]*>\n<div class="chart" role="img" aria-label="([^"]+)"><\/div>\n<figcaption>([^<]+)/g,
      ),
    ];
    const specs = jsonBlock(page, 'tb-specs') as Record<string, { description: string; title: { text: string } }>;
    assert.deepEqual(figures.map((f) => f[1]).sort(), Object.keys(specs).sort());
    assert.ok(figures.length >= 8, `${figures.length} charts`);
    for (const [, id, alt, caption] of figures) {
      assert.ok(alt.length > 40 && caption.length > 40, `${id} has a text alternative and a caption`);
      assert.ok(
        specs[id].description.length > 40 && specs[id].title.text.length > 0,
        `${id} spec has a description and a title`,
      );
    }
  });

  it('produces vega-lite specs that compile without a warning, for a plain run and for an A/B run', () => {
    const ab = fixtureResults({ variants: ['main', 'head'] });
    for (const input of [judged(), { results: fixtureResults() }, { results: ab, analysis: fixtureAnalysis(ab) }]) {
      const charts = allCharts(buildModel(input));
      const ids = charts.map((c) => c.id);
      for (const id of ['cpu', 'overhead', 'latency', 'memory', 'runtime', 'span-fate', 'drops', 'series'])
        assert.ok(ids.includes(id), `${id} chart`);
      assert.equal(ids.includes('ab'), input.results === ab, 'the A/B chart only for a run with variants');
      for (const chart of charts) {
        const warnings: string[] = [];
        const logger = {
          level: () => logger,
          error: (...m: unknown[]) => warnings.push(`error ${m.join(' ')}`),
          warn: (...m: unknown[]) => warnings.push(m.join(' ')),
          info: () => logger,
          debug: () => logger,
        };
        compile(chart.spec as never, { logger: logger as never });
        assert.deepEqual(warnings, [], `${chart.id}: ${warnings.join('; ')}`);
      }
    }
  });

  it('draws the CPU budget on the overhead chart and colours bars by verdict', () => {
    const input = judged();
    const overhead = allCharts(buildModel(input)).find((c) => c.id === 'overhead')!;
    const text = JSON.stringify(overhead.spec);
    assert.match(text, /"mark":\{"type":"tick","color":"#c62828"/);
    assert.match(text, /"verdict":"fail"/);
    assert.match(overhead.caption, /red tick is the budget/);
  });

  it("shows send lag beside latency on the same scale, with each cell's bound, and names a cell over it", () => {
    const results = fixtureResults();
    results.config.load.maxSendLagP99Us = 2000;
    const late = results.cells.find((c) => c.settings.tracing !== 'off' && c.summary !== null)!;
    for (const t of late.trials) if (t.status === 'ok') t.metrics.sendLagUs = { ...t.metrics.sendLagUs, p99: 45_000 };
    const latency = allCharts(buildModel({ results })).find((c) => c.id === 'latency')!;
    const spec = latency.spec as { data: { values: Record<string, unknown>[] }; facet: { column: { sort: string[] } } };
    assert.equal(spec.facet.column.sort.length, 3, 'corrected, uncorrected and send lag side by side');
    const lag = spec.data.values.filter((r) => r.kind === spec.facet.column.sort[2]);
    const lateRows = lag.filter((r) => r.cell === late.id);
    assert.deepEqual(
      lateRows.filter((r) => r.percentile === 'p99').map((r) => r.us),
      [45_000],
      "the late cell's p99 send lag",
    );
    assert.deepEqual(
      lateRows.filter((r) => r.bound !== undefined).map((r) => r.bound),
      [2000],
      'its bound, load.maxSendLagP99Us',
    );
    assert.match(latency.caption, new RegExp(`${late.id}: send lag p99 over the bound`));
    assert.match(latency.alt, /1 cell over the bound/);
    const quiet = allCharts(buildModel({ results: fixtureResults() })).find((c) => c.id === 'latency')!;
    assert.doesNotMatch(quiet.caption, /over the bound/);
    assert.match(quiet.alt, /every cell is within its bound/);
  });

  it('falls back to ranges over rounds without an analysis, and survives an analysis without a relative overhead', () => {
    const results = fixtureResults();
    const bare = allCharts(buildModel({ results }));
    assert.match(bare.find((c) => c.id === 'cpu')!.caption, /the range over rounds/);
    const analysis = fixtureAnalysis(results);
    for (const cell of analysis.cells)
      if (cell.metrics.cpuUsPerRequest?.overhead) cell.metrics.cpuUsPerRequest.overhead.relative = null;
    const page = renderHtmlReport({ results, analysis });
    assert.match(page, /95% confidence interval of each cell’s value/);
  });

  it('teaches with warnings next to the cell: invalid and failed trials, drops with the queue size, high variance', () => {
    const page = renderHtmlReport(judged());
    const model = buildModel({ results: fixtureResults() });
    const text = (id: string) =>
      cellWarnings(model.cells.find((c) => c.cell.id === id)!)
        .map((w) => w.text)
        .join('\n');
    assert.match(
      text('always_on~batch~otlp-http-protobuf'),
      /round 3 was measured but not counted: the generator was busy 96\.0%/,
    );
    assert.match(text('always_off'), /round 2 failed: the service exited with code 1/);
    assert.match(
      text('always_on~batch-q64~otlp-http-protobuf'),
      /dropped because the batch queue of 64 was full.*raise maxQueueSize/,
    );
    assert.doesNotMatch(
      text('always_on~batch-q64~otlp-http-protobuf'),
      /^rounds? [\d, ]+: \d+ spans dropped/m,
      'per-round drop warnings fold into one',
    );
    assert.match(text('always_on~simple~none'), /CPU per request moved \d+% between rounds/);
    assert.doesNotMatch(text('baseline'), /moved/);
    assert.match(
      page,
      /<details><summary>stderr tail \(2 lines\)<\/summary><pre>Error: listen EADDRINUSE\n {4}at Server.listen/,
    );
    const row = page.indexOf('<tr id="cell-2"');
    const warning = page.indexOf('<tr class="warnings">', row);
    assert.ok(
      row > 0 && warning > row && warning < page.indexOf('<tr id="cell-3"'),
      'the warning row follows its cell',
    );
  });

  it('escapes hostile strings in markup and in the embedded data', () => {
    const results = fixtureResults({ payload: PAYLOAD });
    const analysis = fixtureAnalysis(results);
    const page = renderHtmlReport({ results, analysis, verdicts: fixtureVerdicts(analysis, 45, PAYLOAD) });
    const own = ownPart(page);
    assert.doesNotMatch(own, /<img/i);
    assert.ok(!own.includes(PAYLOAD), 'the raw string never appears');
    assert.ok(own.includes(escapeHtml(PAYLOAD)), 'it appears escaped');
    assert.ok(own.includes('\\u003c/script\\u003e\\u003cimg'), 'and JSON-escaped in the data');
    const data = jsonBlock(page, 'tb-data') as { results: { config: { name: string } } };
    assert.equal(data.results.config.name, `fixture ${PAYLOAD}`);
    assert.ok(JSON.stringify(jsonBlock(page, 'tb-specs')).includes(PAYLOAD));
  });

  it('renders a run where every trial failed: no charts, the status, and the reasons under each cell', () => {
    const results = fixtureResults({ rounds: 1 });
    results.status = 'failed';
    results.cells = results.cells.map((cell) => {
      const trials = cell.trials.map((t) => ({
        runId: t.runId,
        cellId: t.cellId,
        round: t.round,
        order: t.order,
        startedAt: t.startedAt,
        wallMs: 10,
        warnings: [],
        status: 'failed' as const,
        error: 'the service could not start',
        stderrTail: [],
      }));
      return { ...cell, trials, summary: null };
    });
    const page = renderHtmlReport({ results });
    assert.doesNotMatch(page, /data-chart=/);
    assert.match(page, /This run is <strong>failed<\/strong>/);
    assert.match(page, /no trial of this cell counted/);
    assert.match(page, /round 1 failed: the service could not start/);
  });

  it('is the same page for the same input, and embeds the results without the histograms', () => {
    const input = judged();
    const page = renderHtmlReport(input);
    assert.equal(renderHtmlReport(input), page);
    assert.ok(!page.includes('HISTFAKE'));
    const data = jsonBlock(page, 'tb-data') as HtmlReportInput;
    assert.equal(data.results.cells.length, input.results.cells.length);
    assert.deepEqual(data.verdicts, input.verdicts);
  });

  it('inlines vega, vega-lite and vega-embed without source-map comments', () => {
    const assets = loadAssets();
    for (const [name, source] of Object.entries(assets)) {
      assert.ok(source.length > 50_000, `${name} is there`);
      assert.doesNotMatch(source, /sourceMappingURL/, name);
      assert.doesNotMatch(source, /<\/script/i, name);
    }
  });
});
