import { renameSync, writeFileSync } from 'node:fs';
import type { Results } from '../../results/types.js';
import { loadAssets } from './assets.js';
import { verdictBanner } from './banner.js';
import { allCharts, type Chart, type Section } from './charts.js';
import { html, type SafeHtml } from './escape.js';
import { buildModel, type HtmlReportInput, type Model } from './model.js';
import { page } from './page.js';
import { servicesTable } from './services-table.js';
import { samplingSection } from './charts-sampling.js';
import { attributionTable, claimsTable, microTasksTable } from './sections-micro.js';
import { profileSection } from './flame.js';
import { windowsTables } from './sections-windows.js';
import { environmentSection, metricsTable, microRunLine, settingsTable } from './tables.js';

export type { HtmlReportInput } from './model.js';

interface SectionSpec {
  id: Section;
  heading: string;
  intro: string;
  /** Tables that belong with the section's charts; the section shows when it has either. */
  tables?: (model: Model) => SafeHtml | null;
  /** Tables before the charts: where the table holds the verdicts the charts explain. */
  tablesFirst?: boolean;
}

const SECTIONS: SectionSpec[] = [
  {
    id: 'windows',
    heading: 'Same-run A/B: the windows method',
    intro:
      'Both sides’ services run as live process sets, warmed once until their CPU per request is steady, then measured in pairs of windows over the same seconds, so drift and bursts of machine noise hit both alike. The statistics treat windows as nested in process sets.',
    tables: (model) => {
      const windows = model.input.results.windows;
      return windows && windows.length > 0 ? windowsTables(windows) : null;
    },
    tablesFirst: true,
  },
  {
    id: 'cpu',
    heading: 'CPU overhead',
    intro:
      'Service CPU time per request is the primary cost of tracing: it is measured at a fixed offered rate, so it does not depend on how fast the load generator is.',
  },
  {
    id: 'attribution',
    heading: 'Attribution: where the CPU goes',
    intro:
      'Cells that add one layer of tracing at a time to the same service at the same rate: each layer’s increment is its cost, and the micro-benchmarks say how much of it the SDK’s primitives explain.',
    tables: (model) =>
      model.attribution
        ? html`${attributionTable(model.attribution.model)}${profileSection(model.attribution.model) ?? ''}`
        : null,
  },
  {
    id: 'services',
    heading: 'CPU by service',
    intro:
      'A multi-service workload runs one process per service, each measured by its own probe: where the overhead lands.',
    tables: (model) => servicesTable(model.input.results),
  },
  {
    id: 'latency',
    heading: 'Latency',
    intro:
      'Open-loop latency in µs, corrected for coordinated omission (from each request’s intended send time) and uncorrected (from when it was actually sent).',
  },
  {
    id: 'runtime',
    heading: 'Memory, GC and the event loop',
    intro: 'What tracing holds in memory and how much it makes the runtime pause.',
  },
  {
    id: 'spans',
    heading: 'Spans',
    intro: 'What happened to each span: a span the backend never received is data you paid for and lost.',
  },
  {
    id: 'series',
    heading: 'Inside the worst trials',
    intro:
      'One point per second of the measured window, for the trial with the most dropped spans (else the highest CPU per request) of a few cells.',
  },
  { id: 'ab', heading: 'A/B: variants', intro: 'The same cells measured under each variant of the system under test.' },
  {
    id: 'micro',
    heading: 'Micro-benchmarks',
    intro:
      'tinybench suites of the SDK’s primitives, each suite in a fresh worker thread per round, timer-corrected, in ns per operation; the published claims beside them.',
    tables: (model) => {
      const micro = model.input.results.micro;
      return micro
        ? html`<h3>Published claims</h3>
${claimsTable(micro)}
<h3>Every task</h3>
${microTasksTable(micro)}`
        : null;
    },
  },
];

function figure(chart: Chart): SafeHtml {
  return html`<figure data-chart="${chart.id}" aria-label="${chart.title}">
<div class="chart" role="img" aria-label="${chart.alt}"></div>
<figcaption>${chart.caption}<span class="alt">${chart.alt}</span></figcaption>
</figure>`;
}

/** Results without the encoded HDR histograms: they are for re-analysis from results.json, and would triple the page. */
function embeddedResults(results: Results): Results {
  return {
    ...results,
    cells: results.cells.map((cell) => ({
      ...cell,
      trials: cell.trials.map((t) =>
        t.status === 'failed' ? t : { ...t, metrics: { ...t.metrics, histograms: { corrected: '', uncorrected: '' } } },
      ),
    })),
  };
}

function runLine(model: Model): SafeHtml {
  const { results } = model.input;
  if (model.cells.length === 0 && results.micro)
    return html`<p class="sub">Run ${results.runId}, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC: ${microRunLine(results.micro)}, on ${results.environment.cpuModel} (${results.environment.cores} cores), Node.js ${results.environment.node}.</p>`;
  if (results.windows) {
    const n = results.windows.length;
    return html`<p class="sub">Run ${results.runId}, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC: ${n} ${n === 1 ? 'comparison' : 'comparisons'} by the windows method at ${results.config.load.rateRps} req/s, on ${results.environment.cpuModel} (${results.environment.cores} cores), Node.js ${results.environment.node}.</p>`;
  }
  const traced = model.cells.length - (model.baseline ? 1 : 0);
  const trials = model.cells.reduce((n, v) => n + v.cell.trials.length, 0);
  return html`<p class="sub">Run ${results.runId}, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC: ${model.cells.length} cells (${traced} with tracing${model.baseline ? ', 1 baseline' : ', no baseline'}) × ${results.config.rounds} ${
    results.config.rounds === 1 ? 'round' : 'rounds'
  } = ${trials} trials at ${results.config.load.rateRps} req/s, on ${results.environment.cpuModel} (${results.environment.cores} cores), Node.js ${results.environment.node}.</p>`;
}

function cellsSection(model: Model): SafeHtml | string {
  const { results } = model.input;
  // A windows run's cells hold no trials: its figures are in the windows section.
  if (model.cells.length === 0 || results.windows) return '';
  return html`<section aria-labelledby="section-cells">
<h2 id="section-cells">Cells</h2>
${results.notes.length > 0 ? html`<ul class="notes">${results.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
<h3>Figures and warnings</h3>
${metricsTable(model)}
<h3>Settings</h3>
${settingsTable(model)}
</section>`;
}

function body(model: Model, charts: Chart[]): SafeHtml {
  const { results } = model.input;
  const sampling = samplingSection(model.studies.sampling);
  const sections = SECTIONS.map((s) => ({
    ...s,
    charts: charts.filter((c) => c.section === s.id),
    extra: s.tables?.(model) ?? null,
  })).filter((s) => s.charts.length > 0 || s.extra !== null);
  const microOnly = model.cells.length === 0 && results.micro !== undefined;
  return html`<main>
<header>
<h1>tracebench: ${microOnly ? 'micro-benchmarks' : results.config.name}</h1>
${runLine(model)}
<nav aria-label="Contents"><ul><li><a href="#verdict-heading">Verdict</a></li>${sections.map((s) => html`<li><a href="#section-${s.id}">${s.heading}</a></li>`)}${
    sampling.toString() !== '' ? html`<li><a href="#section-sampling">Sampling</a></li>` : ''
  }${
    model.cells.length > 0 && !results.windows ? html`<li><a href="#section-cells">Cells</a></li>` : ''
  }<li><a href="#section-environment">Environment</a></li></ul></nav>
</header>
${verdictBanner(model)}
${microOnly && results.notes.length > 0 ? html`<ul class="notes">${results.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
${sections.map(
  (s) => html`<section aria-labelledby="section-${s.id}">
<h2 id="section-${s.id}">${s.heading}</h2>
<p>${s.intro}</p>
${s.tablesFirst ? (s.extra ?? '') : ''}
${s.charts.map(figure)}
${s.tablesFirst ? '' : (s.extra ?? '')}
</section>
`,
)}
${sampling}
${cellsSection(model)}
<section aria-labelledby="section-environment">
<h2 id="section-environment">Environment</h2>
${environmentSection(results)}
</section>
<section aria-labelledby="section-data">
<h2 id="section-data">Data</h2>
<p>This page is a view of <code>results.json</code> (schema version ${results.schemaVersion}), which stays the source: <code>tracebench report</code> rebuilds this page from it. The page embeds the results (without the encoded latency histograms)${
    model.input.analysis ? ', the analysis' : ''
  }${model.input.verdicts ? ' and the verdicts' : ''}. <button type="button" id="tb-download" data-file="${results.runId}-report-data.json">Save the embedded data as JSON</button></p>
</section>
</main>`;
}

/** The self-contained HTML report of a run: opens from disk, needs no network, and is the same for the same input. */
export function renderHtmlReport(input: HtmlReportInput): string {
  const model = buildModel(input);
  const charts = allCharts(model);
  const { results, analysis, verdicts } = input;
  return page({
    title: `tracebench: ${results.cells.length === 0 && results.micro ? 'micro-benchmarks' : results.config.name}, run ${results.runId}`,
    body: body(model, charts),
    specs: Object.fromEntries(charts.map((c) => [c.id, c.spec])),
    data: { results: embeddedResults(results), ...(analysis ? { analysis } : {}), ...(verdicts ? { verdicts } : {}) },
    assets: loadAssets(),
  });
}

/** Writes the report next to its results; written to a temporary name first so a reader never sees half a page. */
export function writeHtmlReport(file: string, input: HtmlReportInput): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, renderHtmlReport(input));
  renameSync(tmp, file);
}
