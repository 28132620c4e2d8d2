import type { Proportion } from '../../stats/binomial.js';
import { COST_AXES, costOf, cpuMethodLine, type CostAxis, type SamplingStudy, type StudyRow } from '../sampling.js';
import { COLORS, top, type Chart } from './chart-kit.js';
import { html, jsonForScript, trusted, type SafeHtml } from './escape.js';
import { mib, num, pct } from './format.js';

/** A chart of this section: drawn by the section's own script, so it needs no entry in the page's spec map. */
export type SamplingChart = Omit<Chart, 'section'>;

const KIB = 1024;
const KINDS = { domain: ['head sampling', 'tail sampling'], range: [COLORS.traced, '#e45756'] };

interface AxisView {
  id: string;
  /** What the axis measures, in words: `bytes kept per second`. */
  name: string;
  short: string;
  title: string;
  xTitle: string;
  /** The row's cost in the chart's unit. */
  value: (row: StudyRow) => number;
  text: (row: StudyRow) => string;
  caption: string;
}

const kib = (bytes: number) => bytes / KIB;

const AXES: Record<CostAxis, AxisView> = {
  cpuOverhead: {
    id: 'sampling-cpu',
    name: 'service CPU overhead',
    short: 'CPU',
    title: 'Error traces kept against service CPU overhead',
    xTitle: 'service CPU per request over the baseline (%)',
    value: (row) => (row.cpu ? row.cpu.overhead * 100 : Number.NaN),
    text: (row) => (row.cpu ? `CPU overhead ${pct(row.cpu.overhead)}` : 'CPU overhead not measured'),
    caption:
      'Up and to the left is better. The line joins the Pareto frontier (ringed): the configurations no other beats on both CPU and error traces kept. A tail-sampled cell pays its head sampler’s CPU (every span is still recorded and exported), so on this axis tail sampling can at best tie always_on.',
  },
  exportedBytesPerSecond: {
    id: 'sampling-exported',
    name: 'bytes exported per second',
    short: 'exported',
    title: 'Error traces kept against bytes exported',
    xTitle: 'bytes the services export per second (KiB/s)',
    value: (row) => kib(row.exportedBytesPerSecond),
    text: (row) => `${num(kib(row.exportedBytesPerSecond), 1)} KiB/s exported`,
    caption:
      'What the pipeline must ingest. Tail sampling needs every span its head sampler keeps sent to the sink and held for decision_wait before it decides: its price is on this axis and in the table’s buffer column, not in the service.',
  },
  keptBytesPerSecond: {
    id: 'sampling-kept',
    name: 'bytes kept per second',
    short: 'kept',
    title: 'Error traces kept against bytes the backend keeps',
    xTitle: 'bytes kept per second (KiB/s, estimated from span content)',
    value: (row) => kib(row.keptBytesPerSecond),
    text: (row) => `${num(kib(row.keptBytesPerSecond), 1)} KiB/s kept`,
    caption:
      'What the backend stores: the axis where tail sampling can keep every error trace for a fraction of always_on’s storage.',
  },
};

/** `12.3%`, unsigned: a share kept, not a change. */
export function share(fraction: number): string {
  return Number.isFinite(fraction) ? `${num(fraction * 100, 1)}%` : '–';
}

function keptText(p: Proportion, level: number): string {
  if (p.of === 0) return 'none drawn';
  return `${share(p.fraction)} (${num(p.kept)} of ${num(p.of)}, ${Math.round(level * 100)}% interval ${share(p.low)}–${share(p.high)})`;
}

function altText(study: SamplingStudy, axis: CostAxis, placed: StudyRow[]): string {
  const view = AXES[axis];
  const frontier = study.frontiers[axis];
  const label = (key: string) => study.rows.find((r) => r.key === key)?.label ?? key;
  const sentences = placed.map(
    (row) =>
      `${row.label}: ${keptText(row.errors, study.level)} of error traces kept, ${view.text(row)}${row.onFrontier[axis] ? ', on the frontier' : ''}.`,
  );
  const unplaced =
    frontier.unplaced.length > 0
      ? ` Not placed: ${frontier.unplaced.map((u) => `${label(u.key)} (${u.why})`).join('; ')}.`
      : '';
  return `Scatter plot of the share of error traces kept against ${view.xTitle} for ${placed.length} sampling configurations, with ${Math.round(study.level * 100)}% Wilson intervals. Pareto frontier, cheapest first: ${
    frontier.keys.map(label).join(', ') || 'none'
  }. ${sentences.join(' ')}${unplaced}`;
}

interface LabelPoint {
  label: string;
  cost: number;
  errors: number;
}

/**
 * One text block per group of points that would print their labels over each other (within 4% of the cost range and
 * 6 points of coverage): the block lists them top to bottom at the highest point, so every point stays named and legible.
 */
export function labelBlocks(points: readonly LabelPoint[]): { cost: number; errors: number; lines: string[] }[] {
  const costs = points.map((p) => p.cost);
  const span = Math.max(...costs) - Math.min(...costs) || 1;
  const groups: LabelPoint[][] = [];
  for (const point of [...points].sort((a, b) => b.errors - a.errors || a.cost - b.cost)) {
    const near = groups.find(
      (g) => Math.abs(g[0].cost - point.cost) <= 0.04 * span && Math.abs(g[0].errors - point.errors) <= 0.06,
    );
    if (near) near.push(point);
    else groups.push([point]);
  }
  return groups.map((g) => ({ cost: g[0].cost, errors: g[0].errors, lines: g.map((p) => p.label) }));
}

/** Error-trace coverage (y, Wilson interval bars) against one cost axis (x), every point labelled, the frontier drawn as a line and ringed. */
export function coverageCostChart(study: SamplingStudy, axis: CostAxis): SamplingChart | null {
  const view = AXES[axis];
  const placed = study.rows.filter((row) => row.errors.of > 0 && Number.isFinite(costOf(row, axis)));
  if (placed.length === 0) return null;
  const points = placed.map((row) => {
    const interval = axis === 'cpuOverhead' ? row.cpu?.interval : null;
    return {
      label: row.label,
      cell: row.key,
      kind: row.kind === 'tail' ? 'tail sampling' : 'head sampling',
      cost: view.value(row),
      ...(interval ? { costLow: interval.low * 100, costHigh: interval.high * 100 } : {}),
      errors: row.errors.fraction,
      low: row.errors.low,
      high: row.errors.high,
      kept: `${row.errors.kept} of ${row.errors.of}`,
      frontier: row.onFrontier[axis],
    };
  });
  const alt = altText(study, axis, placed);
  // The domain follows the estimates, not their intervals: with few rounds a CPU interval can span thousands of
  // percent and would squeeze every point into one column; bars running off the plot are clipped.
  const lo = Math.min(...points.map((p) => p.cost));
  const hi = Math.max(...points.map((p) => p.cost));
  const pad = (hi - lo) * 0.25 || Math.abs(hi) * 0.25 || 1;
  const domain = [axis === 'cpuOverhead' ? lo - pad : Math.min(0, lo), hi + pad];
  const x = { field: 'cost', type: 'quantitative', title: view.xTitle, scale: { domain, nice: true } };
  const frontierOnly = { filter: 'datum.frontier' };
  return {
    id: view.id,
    title: view.title,
    caption: `${view.caption} Vertical bars: ${Math.round(study.level * 100)}% Wilson intervals of the share kept${axis === 'cpuOverhead' ? '; horizontal bars: the CPU overhead’s confidence interval, where the analysis paired rounds' : ''}. Points whose bars overlap are not told apart by this run.`,
    alt,
    spec: top(view.title, alt, {
      data: { values: points },
      width: 560,
      height: 320,
      encoding: {
        x,
        y: {
          field: 'errors',
          type: 'quantitative',
          title: 'error traces kept',
          scale: { domain: [0, 1] },
          axis: { format: '.0%' },
        },
      },
      layer: [
        {
          mark: { type: 'rule', color: COLORS.baseline, strokeWidth: 1.5 },
          encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
        },
        {
          transform: [{ filter: 'isValid(datum.costLow)' }],
          mark: { type: 'rule', color: COLORS.baseline, strokeWidth: 1.5, clip: true },
          encoding: { x: { field: 'costLow', type: 'quantitative' }, x2: { field: 'costHigh' } },
        },
        {
          transform: [frontierOnly],
          mark: { type: 'line', color: COLORS.rule, strokeWidth: 1.5 },
          encoding: { order: { field: 'cost', type: 'quantitative' } },
        },
        {
          transform: [frontierOnly],
          mark: { type: 'point', filled: false, size: 300, strokeWidth: 2, color: COLORS.rule },
        },
        {
          mark: { type: 'point', filled: true, size: 70, opacity: 1 },
          encoding: {
            color: { field: 'kind', type: 'nominal', title: null, scale: KINDS },
            shape: {
              field: 'kind',
              type: 'nominal',
              title: null,
              scale: { domain: KINDS.domain, range: ['circle', 'diamond'] },
            },
            tooltip: [
              { field: 'label', title: 'configuration' },
              { field: 'cell' },
              { field: 'kept', title: 'error traces kept' },
              { field: 'errors', format: '.1%', title: 'share kept' },
              { field: 'low', format: '.1%', title: 'interval low' },
              { field: 'high', format: '.1%', title: 'interval high' },
              { field: 'cost', format: ',.1f', title: view.xTitle },
              { field: 'frontier', title: 'on the frontier' },
            ],
          },
        },
        {
          data: { values: labelBlocks(points) },
          mark: {
            type: 'text',
            align: 'left',
            baseline: 'top',
            dx: 12,
            dy: -6,
            fontSize: 11,
            lineHeight: 13,
            color: '#374151',
          },
          encoding: {
            x: { field: 'cost', type: 'quantitative' },
            y: { field: 'errors', type: 'quantitative' },
            text: { field: 'lines' },
          },
        },
      ],
    }),
  };
}

export function samplingCharts(study: SamplingStudy): SamplingChart[] {
  return COST_AXES.flatMap((axis) => coverageCostChart(study, axis) ?? []);
}

function fraction(p: Proportion): SafeHtml {
  if (p.of === 0) return html`<span class="muted">none drawn</span>`;
  return html`${share(p.fraction)}<span class="ci">[${share(p.low)}, ${share(p.high)}] · ${num(p.kept)} of ${num(p.of)}</span>`;
}

function ratios(byName: Record<string, Proportion>): SafeHtml | string {
  const entries = Object.entries(byName);
  if (entries.length === 0) return '–';
  return html`${entries.map(([name, p], i) => html`${i > 0 ? html`<br>` : ''}${name} ${share(p.fraction)}`)}`;
}

function tailCell(row: StudyRow): SafeHtml | string {
  if (!row.tail) return '–';
  const t = row.tail;
  return html`${num(t.peakBufferedSpans)} spans, ${mib(t.peakBufferedBytes)} MiB<span class="ci">decision p99 ${num(t.decisionDelayP99Ms)} ms · ${num(t.tracesEvicted)} evicted</span>`;
}

function cpuCell(row: StudyRow): SafeHtml | string {
  if (!row.cpu) return '–';
  const { interval, method } = row.cpu;
  const note = interval
    ? html`<span class="ci">[${pct(interval.low)}, ${pct(interval.high)}]</span>`
    : method === 'medians'
      ? html`<span class="ci">ratio of medians</span>`
      : '';
  return html`${pct(row.cpu.overhead)}${note}`;
}

const frontiers = (row: StudyRow) =>
  COST_AXES.filter((axis) => row.onFrontier[axis])
    .map((axis) => AXES[axis].short)
    .join(', ') || '–';

/** Every configuration of the study: what it keeps, with intervals, and what it costs. */
export function samplingTable(study: SamplingStudy): SafeHtml {
  const level = Math.round(study.level * 100);
  return html`<div class="table-wrap"><table class="metrics sampling">
<caption>What each sampling configuration keeps of the requests the generator sent (share, ${level}% Wilson interval, kept of drawn) and what it costs</caption>
<thead><tr><th scope="col">configuration</th><th scope="col">traces kept</th><th scope="col">error traces kept</th><th scope="col">slow traces kept</th><th scope="col">whole traces</th><th scope="col">ratio per service</th><th scope="col">ratio per route</th><th scope="col">exported spans/s</th><th scope="col">exported KiB/s</th><th scope="col">kept spans/s</th><th scope="col">kept KiB/s</th><th scope="col">tail buffer (peak)</th><th scope="col">CPU overhead</th><th scope="col">on frontier</th></tr></thead>
<tbody>${study.rows.map(
    (row) =>
      html`<tr><th scope="row">${row.label}<span class="ci">${row.key} · ${row.trials} ${row.trials === 1 ? 'trial' : 'trials'}</span></th><td>${fraction(row.traces)}</td><td>${fraction(row.errors)}</td><td>${fraction(row.slow)}</td><td>${fraction(row.whole)}</td><td>${ratios(row.byService)}</td><td>${ratios(row.byRoute)}</td><td>${num(row.exportedSpansPerSecond)}</td><td>${num(kib(row.exportedBytesPerSecond), 1)}</td><td>${num(row.keptSpansPerSecond)}</td><td>${num(kib(row.keptBytesPerSecond), 1)}</td><td>${tailCell(row)}</td><td>${cpuCell(row)}</td><td>${frontiers(row)}</td></tr>\n`,
  )}</tbody></table></div>`;
}

function frontierList(study: SamplingStudy): SafeHtml {
  const label = (key: string) => study.rows.find((r) => r.key === key)?.label ?? key;
  return html`<ul class="frontiers">${COST_AXES.map(
    (axis) =>
      html`<li>Frontier of error traces kept against ${AXES[axis].name}: ${study.frontiers[axis].keys.length > 0 ? study.frontiers[axis].keys.map(label).join(' → ') : 'none'}</li>`,
  )}</ul>`;
}

/** Draws this section's figures from its own spec element once the page's libraries have loaded; failures show as text. */
const DRAW = `(function () {
  'use strict';
  function draw() {
    var specs = JSON.parse(document.getElementById('tb-sampling-specs').textContent);
    var figures = Array.prototype.slice.call(document.querySelectorAll('figure[data-sampling-chart]'));
    var options = { renderer: 'svg', actions: false, tooltip: { theme: 'light' } };
    Promise.all(figures.map(function (figure) {
      var target = figure.querySelector('.chart');
      var failed = function (error) {
        target.textContent = 'This chart could not be drawn: ' + (error && error.message);
        figure.setAttribute('data-rendered', 'error');
        console.error(error);
      };
      if (typeof vegaEmbed !== 'function') return failed(new Error('vega-embed is not loaded'));
      return vegaEmbed(target, specs[figure.getAttribute('data-sampling-chart')], options).then(function () {
        figure.setAttribute('data-rendered', 'svg');
      }, failed);
    })).then(function () {
      document.documentElement.setAttribute('data-sampling-done', String(Math.round(performance.now())));
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw);
  else draw();
})();`;

function figure(chart: SamplingChart): SafeHtml {
  return html`<figure data-sampling-chart="${chart.id}" aria-label="${chart.title}">
<div class="chart" role="img" aria-label="${chart.alt}"></div>
<figcaption>${chart.caption}<span class="alt">${chart.alt}</span></figcaption>
</figure>`;
}

/**
 * The sampling study's section of the HTML report: the coverage-versus-cost charts with the Pareto frontier, the
 * frontiers by name and the table. Self-contained (its specs and drawing script travel with it), so the page adds it
 * with one line; empty when the run measured no coverage.
 */
export function samplingSection(study: SamplingStudy | null): SafeHtml | '' {
  if (!study) return '';
  const charts = samplingCharts(study);
  return html`<section aria-labelledby="section-sampling">
<h2 id="section-sampling">Sampling: what each configuration keeps and what it costs</h2>
<p>Coverage is measured against ground truth: of the requests the load generator sent (and drew to fail or to be slow), the share whose spans the backend kept. Each chart puts the share of error traces kept against one cost; the Pareto frontier joins the configurations that no other keeps more errors for less.</p>
${charts.map(figure)}
${frontierList(study)}
${samplingTable(study)}
<p class="table-note">${cpuMethodLine(study)} Kept bytes are estimated from span content (≈ OTLP protobuf size).</p>
<script type="application/json" id="tb-sampling-specs">${trusted(jsonForScript(Object.fromEntries(charts.map((c) => [c.id, c.spec]))))}</script>
<script>${trusted(DRAW)}</script>
</section>`;
}
