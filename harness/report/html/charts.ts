import type { TrialMetrics } from '../../measure/types.js';
import { auto, MIB, num, pct } from './format.js';
import type { CellView, Model } from './model.js';
import { cpuBudgetChecks, cpuOverhead, cpuSpread, hasDrops, labelOf, median, metricAnalysis, roundValues, worstTrial } from './model.js';

/** A vega-lite spec, kept as plain JSON: the page hands it to vega-embed as is. */
export type VlSpec = Record<string, unknown>;

export type Section = 'cpu' | 'latency' | 'runtime' | 'spans' | 'series' | 'ab';

export interface Chart {
  /** Stable id: the figure's `data-chart` and the key of its spec in the page. */
  id: string;
  section: Section;
  title: string;
  /** One line: what to look for. */
  caption: string;
  /** The text alternative: what the chart shows, with its key numbers. */
  alt: string;
  spec: VlSpec;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const CONFIG = {
  font: FONT,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600, titleColor: '#374151', labelColor: '#374151', gridColor: '#e5e7eb', labelLimit: 380 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 380, orient: 'top' },
  header: { labelFontSize: 12, titleFontSize: 12, labelFontWeight: 600 },
  title: { fontSize: 15, anchor: 'start', offset: 12, subtitleFontSize: 12, subtitleColor: '#4b5563' },
};
const COLORS = { baseline: '#9aa0a6', traced: '#4c78a8', rule: '#374151', budget: '#c62828' };
const VERDICT_COLORS = { domain: ['fail', 'inconclusive', 'pass', 'no budget'], range: ['#c62828', '#e08a00', '#2e7d32', '#4c78a8'] };
const FATES = [
  { key: 'exported', color: '#3d8b4f' },
  { key: 'dropped (queue full)', color: '#d62728' },
  { key: 'failed to export', color: '#7f2704' },
  { key: 'still queued', color: '#f0b400' },
  { key: 'unsampled', color: '#cfd4da' },
];

/** Cells per chart before the latency and series views pick a readable subset. */
export const MAX_LINES = 10;

function top(title: string, alt: string, body: VlSpec): VlSpec {
  return { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', description: alt, title: { text: title }, config: CONFIG, ...body };
}

const bandStep = (n: number) => ({ step: n > 40 ? 14 : 20 });

function cellAxis(domain: string[], labels = true): VlSpec {
  return { field: 'cell', type: 'nominal', title: null, scale: { domain }, axis: labels ? { labelLimit: 380 } : null };
}

function budgetTicks(values: VlSpec[], y: VlSpec): VlSpec {
  return {
    data: { values },
    mark: { type: 'tick', color: COLORS.budget, thickness: 3 },
    encoding: { y, x: { field: 'limit', type: 'quantitative' }, tooltip: [{ field: 'cell' }, { field: 'text', title: 'budget' }, { field: 'verdict' }] },
  };
}

const RANK = { fail: 0, inconclusive: 1, pass: 2 } as const;

const measuredViews = (model: Model) => model.cells.filter((v) => v.ok.length > 0);

/** CPU µs per request per cell: the primary overhead metric. */
export function cpuChart(model: Model): Chart | null {
  const rows = model.cells.flatMap((v) => {
    const s = cpuSpread(model, v);
    return s ? [{ cell: v.label, role: v.baseline ? 'baseline' : 'with tracing', median: s.median, low: s.low, high: s.high, whiskers: s.kind === 'ci' ? 'confidence interval' : 'range over rounds', rounds: s.rounds }] : [];
  });
  if (rows.length === 0) return null;
  const domain = rows.map((r) => r.cell);
  const points = model.cells.flatMap((v) => roundValues(v, (m) => m.cpuUsPerRequest).map((r) => ({ cell: v.label, round: r.round + 1, value: r.value })));
  const base = rows.find((r) => r.role === 'baseline');
  const traced = rows.filter((r) => r.role !== 'baseline').sort((a, b) => b.median - a.median);
  const anyCi = rows.some((r) => r.whiskers === 'confidence interval');
  const level = Math.round((model.input.analysis?.level ?? 0.95) * 100);
  const alt = [
    `Horizontal bar chart of CPU µs per request, the median over rounds, for ${rows.length} cells.`,
    base ? `Baseline without tracing: ${auto(base.median)} µs.` : 'The run has no baseline cell.',
    traced.length > 0 ? `Highest: ${traced[0].cell} at ${auto(traced[0].median)} µs; lowest with tracing: ${traced[traced.length - 1].cell} at ${auto(traced[traced.length - 1].median)} µs.` : '',
  ].join(' ');
  const y = cellAxis(domain);
  const layers: VlSpec[] = [
    {
      data: { values: rows },
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y,
        x: { field: 'median', type: 'quantitative', title: 'CPU µs per request (median over rounds)' },
        color: { field: 'role', type: 'nominal', title: null, scale: { domain: ['baseline', 'with tracing'], range: [COLORS.baseline, COLORS.traced] } },
        tooltip: [
          { field: 'cell' },
          { field: 'median', title: 'CPU µs/request', format: ',.1f' },
          { field: 'low', title: 'whisker low', format: ',.1f' },
          { field: 'high', title: 'whisker high', format: ',.1f' },
          { field: 'whiskers' },
          { field: 'rounds' },
        ],
      },
    },
    { data: { values: rows }, mark: { type: 'rule', color: COLORS.rule, strokeWidth: 1.5 }, encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 14, color: '#111827', opacity: 0.55 },
      encoding: { y, x: { field: 'value', type: 'quantitative' }, tooltip: [{ field: 'cell' }, { field: 'round' }, { field: 'value', title: 'CPU µs/request', format: ',.1f' }] },
    },
  ];
  if (base) layers.push({ data: { values: [{ baseline: base.median }] }, mark: { type: 'rule', strokeDash: [5, 4], color: COLORS.rule }, encoding: { x: { field: 'baseline', type: 'quantitative' } } });
  const budgets = cpuBudgetChecks(model, 'value')
    .map((c) => ({ cell: labelOf(c.cellId, c.variant), limit: c.limit.value, text: c.limit.text, verdict: c.verdict, unit: c.measured.unit }))
    .filter((b) => domain.includes(b.cell) && b.unit === 'µs');
  if (budgets.length > 0) layers.push(budgetTicks(budgets, y));
  return {
    id: 'cpu',
    section: 'cpu',
    title: 'CPU per request',
    caption: `Longer bars cost the service more CPU per request; the dashed line is the baseline without tracing. Whiskers: ${
      anyCi ? `the ${level}% confidence interval of each cell’s value, from the analysis` : 'the range over rounds'
    }; dots: single rounds${budgets.length > 0 ? '; red ticks: the CPU budget' : ''}.`,
    alt,
    spec: top('CPU µs per request, per cell', alt, { width: 440, height: bandStep(rows.length), layer: layers }),
  };
}

/** Overhead over the baseline in % and µs, bars coloured by the budget verdict, with the budget as a red tick. */
export function overheadChart(model: Model): Chart | null {
  const checks = cpuBudgetChecks(model, 'change');
  const rows = model.cells.flatMap((v) => {
    const o = cpuOverhead(model, v);
    if (!o) return [];
    const check = checks.filter((c) => labelOf(c.cellId, c.variant) === v.label).sort((a, b) => RANK[a.verdict] - RANK[b.verdict])[0];
    return [
      {
        cell: v.label,
        relPct: o.relative.estimate * 100,
        relLow: o.relative.low * 100,
        relHigh: o.relative.high * 100,
        absUs: o.absoluteUs.estimate,
        absLow: o.absoluteUs.low,
        absHigh: o.absoluteUs.high,
        verdict: check?.verdict ?? 'no budget',
        pairs: o.pairs,
        kind: o.kind,
      },
    ];
  });
  if (rows.length === 0) return null;
  const domain = rows.map((r) => r.cell);
  const budgets = checks.map((c) => ({ cell: labelOf(c.cellId, c.variant), limit: c.limit.value, unit: c.measured.unit, text: c.limit.text, verdict: c.verdict })).filter((b) => domain.includes(b.cell));
  const ci = rows.some((r) => r.kind === 'ci');
  const level = Math.round((model.input.analysis?.level ?? 0.95) * 100);
  const panel = (field: 'rel' | 'abs', title: string, unit: string, labels: boolean): VlSpec => {
    const [est, lo, hi] = field === 'rel' ? ['relPct', 'relLow', 'relHigh'] : ['absUs', 'absLow', 'absHigh'];
    const y = cellAxis(domain, labels);
    const layers: VlSpec[] = [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y,
          x: { field: est, type: 'quantitative', title },
          color: checks.length > 0 ? { field: 'verdict', type: 'nominal', title: 'budget verdict', scale: VERDICT_COLORS } : { value: COLORS.traced },
          tooltip: [
            { field: 'cell' },
            { field: est, title, format: ',.1f' },
            { field: lo, title: 'low', format: ',.1f' },
            { field: hi, title: 'high', format: ',.1f' },
            { field: 'verdict' },
            { field: 'pairs', title: 'paired rounds' },
          ],
        },
      },
      { mark: { type: 'rule', color: COLORS.rule, strokeWidth: 1.5 }, encoding: { y, x: { field: lo, type: 'quantitative' }, x2: { field: hi } } },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#6b7280' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
    ];
    const mine = budgets.filter((b) => b.unit === unit);
    if (mine.length > 0) layers.push(budgetTicks(mine, y));
    return { width: 300, height: bandStep(rows.length), layer: layers };
  };
  const worst = [...rows].sort((a, b) => b.relPct - a.relPct)[0];
  const alt = `Two bar charts of CPU overhead over the baseline for ${rows.length} cells, in percent and in µs per request. Largest: ${worst.cell} at ${pct(worst.relPct / 100)} (${auto(worst.absUs)} µs). ${
    budgets.length > 0 ? `${budgets.length} cells have a CPU budget, marked in red.` : 'No CPU budget was checked.'
  }`;
  return {
    id: 'overhead',
    section: 'cpu',
    title: 'Overhead over the baseline',
    caption: `How much CPU tracing adds per request. Whiskers: ${
      ci ? `the ${level}% confidence interval from the analysis` : `the range of the per-round paired overheads (${model.input.analysis ? 'the analysis gave no interval against the baseline' : 'no analysis given'})`
    }; ${
      budgets.length > 0 ? 'a red tick is the budget: a whisker crossing it means the verdict is not settled.' : 'no budget was checked for CPU per request.'
    }`,
    alt,
    spec: top('CPU overhead over the baseline', alt, {
      data: { values: rows },
      hconcat: [panel('rel', 'overhead (%)', '%', true), panel('abs', 'overhead (µs per request)', 'µs', false)],
      spacing: 24,
    }),
  };
}

const PERCENTILES = [
  { key: 'p50', x: 2 },
  { key: 'p90', x: 10 },
  { key: 'p99', x: 100 },
  { key: 'p999', x: 1000 },
  { key: 'max', x: 10000 },
] as const;
const PERCENTILE_LABELS = "datum.value == 2 ? 'p50' : datum.value == 10 ? 'p90' : datum.value == 100 ? 'p99' : datum.value == 1000 ? 'p99.9' : datum.value == 10000 ? 'max' : ''";

/** Up to MAX_LINES cells: the baseline, then those with the highest corrected p99 (the tail is where tracing shows). */
function latencyCells(model: Model): CellView[] {
  const views = model.cells.filter((v) => v.cell.summary !== null);
  if (views.length <= MAX_LINES) return views;
  const rest = views.filter((v) => !v.baseline).sort((a, b) => b.cell.summary!.latencyUs.corrected.p99 - a.cell.summary!.latencyUs.corrected.p99);
  const picked = new Set([...views.filter((v) => v.baseline), ...rest].slice(0, MAX_LINES));
  return views.filter((v) => picked.has(v));
}

/** HDR-style percentile distribution: corrected (from the intended send time) beside uncorrected. */
export function latencyChart(model: Model): Chart | null {
  const views = latencyCells(model);
  if (views.length === 0) return null;
  const sides = [
    { side: 'corrected' as const, label: 'corrected: from the intended send time' },
    { side: 'uncorrected' as const, label: 'uncorrected: from the actual send' },
  ];
  const rows = views.flatMap((v) =>
    sides.flatMap(({ side, label }) => PERCENTILES.map((p) => ({ cell: v.label, kind: label, percentile: p.key === 'p999' ? 'p99.9' : p.key, x: p.x, us: Math.max(1, v.cell.summary!.latencyUs[side][p.key]) }))),
  );
  const total = model.cells.filter((v) => v.cell.summary !== null).length;
  const order = views.map((v) => v.label);
  const p99 = views.map((v) => ({ id: v.label, c: v.cell.summary!.latencyUs.corrected.p99, u: v.cell.summary!.latencyUs.uncorrected.p99 })).sort((a, b) => b.c - a.c);
  const alt = `Line charts of latency percentiles p50, p90, p99, p99.9 and max in µs on log scales for ${views.length} cells, corrected and uncorrected. Highest corrected p99: ${p99[0].id} at ${auto(p99[0].c)} µs (uncorrected ${auto(p99[0].u)} µs).`;
  const subset = views.length < total ? ` Showing ${views.length} of ${total} cells: the baseline and the highest corrected p99; the table below has them all.` : '';
  return {
    id: 'latency',
    section: 'latency',
    title: 'Latency percentiles',
    caption: `Lines that rise to the right have a long tail; a gap between corrected and uncorrected means requests waited for a connection (coordinated omission). Click a legend entry to pick out a cell.${subset}`,
    alt,
    spec: top('Latency percentile distribution (µs, log scales)', alt, {
      data: { values: rows },
      facet: { column: { field: 'kind', type: 'nominal', title: null, sort: sides.map((s) => s.label) } },
      spacing: 24,
      spec: {
        width: 340,
        height: 260,
        params: [{ name: 'pick', select: { type: 'point', fields: ['cell'] }, bind: 'legend' }],
        mark: { type: 'line', point: true, strokeWidth: 1.8 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: 'percentile', scale: { type: 'log', domain: [2, 10000] }, axis: { values: [2, 10, 100, 1000, 10000], labelExpr: PERCENTILE_LABELS, grid: true } },
          y: { field: 'us', type: 'quantitative', title: 'latency (µs, log)', scale: { type: 'log' } },
          color: { field: 'cell', type: 'nominal', title: 'cell', sort: order, scale: { scheme: 'tableau10' }, legend: { orient: 'bottom', columns: 2, symbolType: 'stroke' } },
          opacity: { condition: { param: 'pick', value: 1 }, value: 0.12 },
          tooltip: [{ field: 'cell' }, { field: 'kind' }, { field: 'percentile' }, { field: 'us', title: 'µs', format: ',.0f' }],
        },
      },
    }),
  };
}

interface Panel {
  field: string;
  title: string;
  pick: (m: TrialMetrics) => number;
}

/** Side-by-side per-cell bars (median over rounds) with a dot per round, sharing one cell axis. */
function perCellPanels(model: Model, panels: Panel[]): { rows: VlSpec[]; domain: string[]; hconcat: VlSpec[] } {
  const views = measuredViews(model);
  const domain = views.map((v) => v.label);
  const rows = views.map((v) => {
    const row: Record<string, unknown> = { cell: v.label, role: v.baseline ? 'baseline' : 'with tracing' };
    for (const p of panels) row[p.field] = median(roundValues(v, p.pick).map((r) => r.value));
    return row;
  });
  const points = views.flatMap((v) =>
    v.ok.map((t) => {
      const point: Record<string, unknown> = { cell: v.label, round: t.round + 1 };
      for (const p of panels) point[p.field] = p.pick(t.metrics);
      return point;
    }),
  );
  const hconcat = panels.map((p, i) => {
    const y = cellAxis(domain, i === 0);
    return {
      width: 260,
      height: bandStep(domain.length),
      layer: [
        {
          data: { values: rows },
          mark: { type: 'bar', height: { band: 0.7 } },
          encoding: {
            y,
            x: { field: p.field, type: 'quantitative', title: p.title },
            color: { field: 'role', type: 'nominal', title: null, scale: { domain: ['baseline', 'with tracing'], range: [COLORS.baseline, COLORS.traced] } },
            tooltip: [{ field: 'cell' }, { field: p.field, title: p.title, format: ',.1f' }],
          },
        },
        { data: { values: points }, mark: { type: 'point', filled: true, size: 12, color: '#111827', opacity: 0.5 }, encoding: { y, x: { field: p.field, type: 'quantitative' } } },
      ],
    };
  });
  return { rows, domain, hconcat };
}

function extremes(rows: VlSpec[], field: string, unit: string): string {
  const sorted = [...rows].filter((r) => Number.isFinite(r[field] as number)).sort((a, b) => (b[field] as number) - (a[field] as number));
  if (sorted.length === 0) return '';
  const base = rows.find((r) => r.role === 'baseline');
  return `highest ${sorted[0].cell as string} at ${num(sorted[0][field] as number, 1)} ${unit}${base ? `, baseline ${num(base[field] as number, 1)} ${unit}` : ''}`;
}

/** Memory: RSS peak and V8 heap used. */
export function memoryChart(model: Model): Chart | null {
  const { rows, domain, hconcat } = perCellPanels(model, [
    { field: 'rssMiB', title: 'RSS peak (MiB)', pick: (m) => m.rssPeakBytes / MIB },
    { field: 'heapMiB', title: 'heap used (MiB)', pick: (m) => m.heapUsedBytes / MIB },
  ]);
  if (domain.length === 0) return null;
  const alt = `Two bar charts for ${domain.length} cells: RSS peak in MiB (${extremes(rows, 'rssMiB', 'MiB')}) and V8 heap used in MiB (${extremes(rows, 'heapMiB', 'MiB')}).`;
  return {
    id: 'memory',
    section: 'runtime',
    title: 'Memory',
    caption: 'Bars above the baseline’s are memory that tracing holds: span buffers, queued spans and exporter state. Dots: single rounds.',
    alt,
    spec: top('Memory per cell', alt, { hconcat, spacing: 24 }),
  };
}

/** Runtime pressure: GC pause time and event-loop delay p99. */
export function runtimeChart(model: Model): Chart | null {
  const { rows, domain, hconcat } = perCellPanels(model, [
    { field: 'gcMs', title: 'GC pauses, total in the window (ms)', pick: (m) => m.gcPauseMs.total },
    { field: 'loopP99Ms', title: 'event-loop delay p99 (ms)', pick: (m) => m.eventLoopDelayUs.p99 / 1000 },
  ]);
  if (domain.length === 0) return null;
  const alt = `Two bar charts for ${domain.length} cells: total GC pause time in ms (${extremes(rows, 'gcMs', 'ms')}) and event-loop delay p99 in ms (${extremes(rows, 'loopP99Ms', 'ms')}).`;
  return {
    id: 'runtime',
    section: 'runtime',
    title: 'GC and event-loop delay',
    caption: 'More GC time means tracing allocates per span; a higher event-loop delay p99 means synchronous work (serialising, exporting) blocks requests. Dots: single rounds.',
    alt,
    spec: top('GC pauses and event-loop delay per cell', alt, { hconcat, spacing: 24 }),
  };
}

/** What happened to every span a cell started: stacked counts (medians over rounds). */
export function spanFateChart(model: Model): Chart | null {
  const views = measuredViews(model).filter((v) => v.cell.settings.tracing === 'sdk' && v.cell.summary);
  if (views.length === 0) return null;
  const domain = views.map((v) => v.label);
  const rows = views.flatMap((v) => {
    const s = v.cell.summary!.spans;
    const counts = [s.exported, s.dropped, s.failed, s.queuedAtEnd, Math.max(0, s.started - s.sampled)];
    return FATES.map((f, i) => ({ cell: v.label, fate: f.key, order: i, spans: counts[i] }));
  });
  const lost = views.map((v) => ({ id: v.label, lost: v.cell.summary!.spans.dropped + v.cell.summary!.spans.failed + v.cell.summary!.spans.queuedAtEnd })).sort((a, b) => b.lost - a.lost);
  const alt = `Stacked bar chart of span fate for ${views.length} traced cells: exported, dropped because the queue was full, failed to export, still queued at the end, and unsampled. ${
    lost[0].lost > 0 ? `Most spans lost: ${lost[0].id}, ${num(lost[0].lost)} per trial.` : 'No cell lost a sampled span.'
  }`;
  return {
    id: 'span-fate',
    section: 'spans',
    title: 'Span fate',
    caption: 'Every started span ends in one colour; any red, brown or yellow is spans the backend never saw. Grey is spans the sampler skipped on purpose.',
    alt,
    spec: top('Span fate per cell (median spans per trial)', alt, {
      data: { values: rows },
      width: 520,
      height: bandStep(views.length),
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y: cellAxis(domain),
        x: { field: 'spans', type: 'quantitative', stack: 'zero', title: 'spans per trial' },
        color: { field: 'fate', type: 'nominal', title: null, scale: { domain: FATES.map((f) => f.key), range: FATES.map((f) => f.color) } },
        order: { field: 'order', type: 'quantitative' },
        tooltip: [{ field: 'cell' }, { field: 'fate' }, { field: 'spans', format: ',.0f' }],
      },
    }),
  };
}

/** Dropped spans against the batch queue size, when any cell dropped: shows the queue that would have sufficed. */
export function dropsChart(model: Model): Chart | null {
  if (!model.cells.some(hasDrops)) return null;
  const rows = measuredViews(model).flatMap((v) => {
    const s = v.cell.settings;
    if (s.tracing !== 'sdk' || s.processor?.type !== 'batch') return [];
    return [{ cell: v.label, queue: s.processor.maxQueueSize, dropped: v.cell.summary?.spans.dropped ?? 0, exporter: s.exporter ?? 'none', sampler: 'ratio' in s.sampler ? `${s.sampler.type} ${s.sampler.ratio}` : s.sampler.type }];
  });
  if (rows.length === 0) return null;
  const worst = [...rows].sort((a, b) => b.dropped - a.dropped)[0];
  const alt = `Scatter plot of dropped spans per trial against the batch queue size for ${rows.length} batch cells. Most drops: ${worst.cell}, ${num(worst.dropped)} spans with a queue of ${num(worst.queue)}.`;
  return {
    id: 'drops',
    section: 'spans',
    title: 'Dropped spans against queue size',
    caption: 'Drops that fall to zero as the queue grows mean the queue was too small for the burst; drops at every size mean the exporter is too slow for the span rate.',
    alt,
    spec: top('Dropped spans against batch queue size', alt, {
      data: { values: rows },
      width: 440,
      height: 260,
      layer: [
        {
          mark: { type: 'line', opacity: 0.6 },
          encoding: { x: { field: 'queue', type: 'quantitative' }, y: { field: 'dropped', type: 'quantitative' }, color: { field: 'exporter', type: 'nominal' }, detail: { field: 'sampler' } },
        },
        {
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            x: { field: 'queue', type: 'quantitative', title: 'batch processor maxQueueSize (spans, log₂)', scale: { type: 'log', base: 2 } },
            y: { field: 'dropped', type: 'quantitative', title: 'dropped spans per trial (median)' },
            color: { field: 'exporter', type: 'nominal', title: 'exporter', scale: { scheme: 'tableau10' }, legend: { orient: 'right' } },
            tooltip: [{ field: 'cell' }, { field: 'sampler' }, { field: 'queue', title: 'maxQueueSize' }, { field: 'dropped', format: ',.0f' }],
          },
        },
      ],
    }),
  };
}

const SERIES = [
  { key: 'CPU µs per request', pick: (s: { cpuUs: number; requests: number }) => (s.requests > 0 ? s.cpuUs / s.requests : Number.NaN) },
  { key: 'RSS (MiB)', pick: (s: { rssBytes: number }) => s.rssBytes / MIB },
  { key: 'event-loop lag, max (ms)', pick: (s: { loopLagMaxUs: number }) => s.loopLagMaxUs / 1000 },
  { key: 'batch queue depth (spans)', pick: (s: { queueDepth: number }) => s.queueDepth },
];

/** Cells whose inside is worth seeing: the baseline for reference, then the most drops, then the highest CPU. */
function seriesCells(model: Model): CellView[] {
  const views = model.cells.filter((v) => worstTrial(v) !== undefined);
  const traced = views
    .filter((v) => !v.baseline)
    .sort((a, b) => worstTrial(b)!.metrics.spans.dropped - worstTrial(a)!.metrics.spans.dropped || (b.cell.summary?.cpuUsPerRequest ?? 0) - (a.cell.summary?.cpuUsPerRequest ?? 0));
  return [...views.filter((v) => v.baseline), ...traced].slice(0, 4);
}

/** Per-second series inside the worst trial of up to four cells. */
export function seriesChart(model: Model): Chart | null {
  const views = seriesCells(model);
  if (views.length === 0) return null;
  const labels: string[] = [];
  const rows = views.flatMap((v) => {
    const t = worstTrial(v)!;
    const label = `${v.label} (round ${t.round + 1})`;
    labels.push(label);
    return t.metrics.series.flatMap((s) => SERIES.map((m) => ({ trial: label, metric: m.key, seconds: s.tMs / 1000, value: m.pick(s) })).filter((r) => Number.isFinite(r.value)));
  });
  const alt = `Four line charts over the measured window, one line per trial, for ${labels.join('; ')}: CPU µs per request, RSS in MiB, event-loop lag in ms and batch queue depth in spans, one point per second.`;
  const points = Math.max(...views.map((v) => worstTrial(v)!.metrics.series.length));
  const short =
    points < 3
      ? ` This run’s measured window gives ${points === 1 ? 'one point' : `${points} points`} per trial: too few for a trend; lengthen load.durationSeconds to see one.`
      : '';
  return {
    id: 'series',
    section: 'series',
    title: 'Inside the worst trials',
    caption: `A climbing RSS or queue depth means spans pile up faster than they leave; CPU or lag spikes that line up with queue drops are export batches being serialised.${short}`,
    alt,
    spec: top('Per-second series of the worst trial per cell', alt, {
      data: { values: rows },
      facet: { row: { field: 'metric', type: 'nominal', title: null, sort: SERIES.map((s) => s.key), header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' } } },
      resolve: { scale: { y: 'independent' } },
      spacing: 14,
      spec: {
        width: 620,
        height: 110,
        mark: { type: 'line', point: true, strokeWidth: 1.8 },
        encoding: {
          x: { field: 'seconds', type: 'quantitative', title: 'seconds into the measured window', scale: { zero: true }, axis: { format: '.1f', tickMinStep: 0.5 } },
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          color: { field: 'trial', type: 'nominal', title: 'trial', sort: labels, scale: { scheme: 'tableau10' }, legend: { orient: 'top', columns: 1 } },
          tooltip: [{ field: 'trial' }, { field: 'metric' }, { field: 'seconds', format: '.1f' }, { field: 'value', format: ',.1f' }],
        },
      },
    }),
  };
}

/** A/B: each cell's CPU per request per variant, side by side, with the change against the reference variant. */
export function abChart(model: Model): Chart | null {
  if (model.variants.length < 2) return null;
  const reference = model.input.analysis?.referenceVariant ?? model.variants[0];
  const rows = model.cells.flatMap((v) => {
    const s = cpuSpread(model, v);
    if (!s || v.variant === undefined) return [];
    const change = v.variant === reference ? undefined : metricAnalysis(model, v.cell.id, 'cpuUsPerRequest', v.variant)?.overhead?.relative;
    return [
      {
        cell: v.cell.id,
        variant: v.variant,
        median: s.median,
        low: s.low,
        high: s.high,
        whiskers: s.kind === 'ci' ? 'confidence interval' : 'range over rounds',
        change: change ? `${pct(change.estimate)} [${pct(change.ci.low)}, ${pct(change.ci.high)}] vs ${reference}` : v.variant === reference ? 'reference' : 'not analysed',
      },
    ];
  });
  if (rows.length === 0) return null;
  const domain = [...new Set(rows.map((r) => r.cell))];
  const y = cellAxis(domain);
  const offset = { field: 'variant', type: 'nominal', sort: model.variants, scale: { paddingInner: 0.1 } };
  const changed = rows.filter((r) => r.change.includes('['));
  const alt = `Grouped bar chart of CPU µs per request for ${domain.length} cells, one bar per variant (${model.variants.join(', ')}), with whiskers.${
    changed.length > 0 ? ` Changes against ${reference}: ${changed.map((r) => `${r.cell} ${r.variant} ${r.change.replace(` vs ${reference}`, '')}`).join('; ')}.` : ''
  }`;
  return {
    id: 'ab',
    section: 'ab',
    title: 'A/B: variants side by side',
    caption: `Within each cell, compare the variants’ bars against ${reference}, the reference; whiskers that do not overlap mean a real difference. Whiskers: ${
      rows.some((r) => r.whiskers === 'confidence interval') ? 'the confidence interval of each variant’s value, from the analysis' : 'the range over rounds'
    }; hover a bar for the change and its interval.`,
    alt,
    spec: top('CPU µs per request by variant', alt, {
      data: { values: rows },
      width: 440,
      height: { step: Math.max(24, 12 * model.variants.length) },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y,
            yOffset: offset,
            x: { field: 'median', type: 'quantitative', title: 'CPU µs per request (median over rounds)' },
            color: { field: 'variant', type: 'nominal', title: 'variant', sort: model.variants, scale: { scheme: 'tableau10' } },
            tooltip: [{ field: 'cell' }, { field: 'variant' }, { field: 'median', format: ',.1f' }, { field: 'low', format: ',.1f' }, { field: 'high', format: ',.1f' }, { field: 'whiskers' }, { field: 'change' }],
          },
        },
        { mark: { type: 'rule', color: COLORS.rule, strokeWidth: 1.5 }, encoding: { y, yOffset: offset, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
      ],
    }),
  };
}

/** Every chart the run has data for, in page order. */
export function allCharts(model: Model): Chart[] {
  return [cpuChart, overheadChart, latencyChart, memoryChart, runtimeChart, spanFateChart, dropsChart, seriesChart, abChart].flatMap((f) => f(model) ?? []);
}
