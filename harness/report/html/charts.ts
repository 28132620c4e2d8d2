import type { TrialMetrics } from '../../measure/types.js';
import {
  budgetTicks,
  bandStep,
  cellAxis,
  COLORS,
  measuredViews,
  RANK,
  top,
  VERDICT_COLORS,
  type Chart,
  type VlSpec,
} from './chart-kit.js';
import { claimsChart, waterfallChart } from './charts-micro.js';
import { abChart, dropsChart, seriesChart, spanFateChart } from './charts-spans.js';
import { outageChart } from './charts-outage.js';
import { auto, MIB, num, pct } from './format.js';
import type { CellView, Model } from './model.js';
import { median } from '../../stats/interval.js';
import { cpuBudgetChecks, cpuOverhead, cpuSpread, labelOf, roundValues } from './model.js';

export type { Chart, Section, VlSpec } from './chart-kit.js';

/** Cells per chart before the latency and series views pick a readable subset. */
export const MAX_LINES = 10;

export function cpuChart(model: Model): Chart | null {
  const rows = model.cells.flatMap((v) => {
    const s = cpuSpread(model, v);
    return s
      ? [
          {
            cell: v.label,
            role: v.baseline ? 'baseline' : 'with tracing',
            median: s.median,
            low: s.low,
            high: s.high,
            whiskers: s.kind === 'ci' ? 'confidence interval' : 'range over rounds',
            rounds: s.rounds,
          },
        ]
      : [];
  });
  if (rows.length === 0) return null;
  const domain = rows.map((r) => r.cell);
  const points = model.cells.flatMap((v) =>
    roundValues(v, (m) => m.cpuUsPerRequest).map((r) => ({ cell: v.label, round: r.round + 1, value: r.value })),
  );
  const base = rows.find((r) => r.role === 'baseline');
  const traced = rows.filter((r) => r.role !== 'baseline').sort((a, b) => b.median - a.median);
  const anyCi = rows.some((r) => r.whiskers === 'confidence interval');
  const level = Math.round((model.input.analysis?.level ?? 0.95) * 100);
  const alt = [
    `Horizontal bar chart of CPU µs per request, the median over rounds, for ${rows.length} cells.`,
    base ? `Baseline without tracing: ${auto(base.median)} µs.` : 'The run has no baseline cell.',
    traced.length > 0
      ? `Highest: ${traced[0].cell} at ${auto(traced[0].median)} µs; lowest with tracing: ${traced[traced.length - 1].cell} at ${auto(traced[traced.length - 1].median)} µs.`
      : '',
  ].join(' ');
  const y = cellAxis(domain);
  const layers: VlSpec[] = [
    {
      data: { values: rows },
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y,
        x: { field: 'median', type: 'quantitative', title: 'CPU µs per request (median over rounds)' },
        color: {
          field: 'role',
          type: 'nominal',
          title: null,
          scale: { domain: ['baseline', 'with tracing'], range: [COLORS.baseline, COLORS.traced] },
        },
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
    {
      data: { values: rows },
      mark: { type: 'rule', color: COLORS.rule, strokeWidth: 1.5 },
      encoding: { y, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
    },
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 14, color: '#111827', opacity: 0.55 },
      encoding: {
        y,
        x: { field: 'value', type: 'quantitative' },
        tooltip: [{ field: 'cell' }, { field: 'round' }, { field: 'value', title: 'CPU µs/request', format: ',.1f' }],
      },
    },
  ];
  if (base)
    layers.push({
      data: { values: [{ baseline: base.median }] },
      mark: { type: 'rule', strokeDash: [5, 4], color: COLORS.rule },
      encoding: { x: { field: 'baseline', type: 'quantitative' } },
    });
  const budgets = cpuBudgetChecks(model, 'value')
    .map((c) => ({
      cell: labelOf(c.cellId, c.variant),
      limit: c.limit.value,
      text: c.limit.text,
      verdict: c.verdict,
      unit: c.measured.unit,
    }))
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
    const check = checks
      .filter((c) => labelOf(c.cellId, c.variant) === v.label)
      .sort((a, b) => RANK[a.verdict] - RANK[b.verdict])[0];
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
  const budgets = checks
    .map((c) => ({
      cell: labelOf(c.cellId, c.variant),
      limit: c.limit.value,
      unit: c.measured.unit,
      text: c.limit.text,
      verdict: c.verdict,
    }))
    .filter((b) => domain.includes(b.cell));
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
          color:
            checks.length > 0
              ? { field: 'verdict', type: 'nominal', title: 'budget verdict', scale: VERDICT_COLORS }
              : { value: COLORS.traced },
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
      {
        mark: { type: 'rule', color: COLORS.rule, strokeWidth: 1.5 },
        encoding: { y, x: { field: lo, type: 'quantitative' }, x2: { field: hi } },
      },
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', color: '#6b7280' },
        encoding: { x: { field: 'zero', type: 'quantitative' } },
      },
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
      ci
        ? `the ${level}% confidence interval from the analysis`
        : `the range of the per-round paired overheads (${model.input.analysis ? 'the analysis gave no interval against the baseline' : 'no analysis given'})`
    }; ${
      budgets.length > 0
        ? 'a red tick is the budget: a whisker crossing it means the verdict is not settled.'
        : 'no budget was checked for CPU per request.'
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
const PERCENTILE_LABELS =
  "datum.value == 2 ? 'p50' : datum.value == 10 ? 'p90' : datum.value == 100 ? 'p99' : datum.value == 1000 ? 'p99.9' : datum.value == 10000 ? 'max' : ''";

/** Up to MAX_LINES cells: the baseline, then those with the highest corrected p99 (the tail is where tracing shows). */
function latencyCells(model: Model): CellView[] {
  const views = model.cells.filter((v) => v.cell.summary !== null);
  if (views.length <= MAX_LINES) return views;
  const rest = views
    .filter((v) => !v.baseline)
    .sort((a, b) => b.cell.summary!.latencyUs.corrected.p99 - a.cell.summary!.latencyUs.corrected.p99);
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
    sides.flatMap(({ side, label }) =>
      PERCENTILES.map((p) => ({
        cell: v.label,
        kind: label,
        percentile: p.key === 'p999' ? 'p99.9' : p.key,
        x: p.x,
        us: Math.max(1, v.cell.summary!.latencyUs[side][p.key]),
      })),
    ),
  );
  const total = model.cells.filter((v) => v.cell.summary !== null).length;
  const order = views.map((v) => v.label);
  const p99 = views
    .map((v) => ({
      id: v.label,
      c: v.cell.summary!.latencyUs.corrected.p99,
      u: v.cell.summary!.latencyUs.uncorrected.p99,
    }))
    .sort((a, b) => b.c - a.c);
  const alt = `Line charts of latency percentiles p50, p90, p99, p99.9 and max in µs on log scales for ${views.length} cells, corrected and uncorrected. Highest corrected p99: ${p99[0].id} at ${auto(p99[0].c)} µs (uncorrected ${auto(p99[0].u)} µs).`;
  const subset =
    views.length < total
      ? ` Showing ${views.length} of ${total} cells: the baseline and the highest corrected p99; the table below has them all.`
      : '';
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
          x: {
            field: 'x',
            type: 'quantitative',
            title: 'percentile',
            scale: { type: 'log', domain: [2, 10000] },
            axis: { values: [2, 10, 100, 1000, 10000], labelExpr: PERCENTILE_LABELS, grid: true },
          },
          y: { field: 'us', type: 'quantitative', title: 'latency (µs, log)', scale: { type: 'log' } },
          color: {
            field: 'cell',
            type: 'nominal',
            title: 'cell',
            sort: order,
            scale: { scheme: 'tableau10' },
            legend: { orient: 'bottom', columns: 2, symbolType: 'stroke' },
          },
          opacity: { condition: { param: 'pick', value: 1 }, value: 0.12 },
          tooltip: [
            { field: 'cell' },
            { field: 'kind' },
            { field: 'percentile' },
            { field: 'us', title: 'µs', format: ',.0f' },
          ],
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
            color: {
              field: 'role',
              type: 'nominal',
              title: null,
              scale: { domain: ['baseline', 'with tracing'], range: [COLORS.baseline, COLORS.traced] },
            },
            tooltip: [{ field: 'cell' }, { field: p.field, title: p.title, format: ',.1f' }],
          },
        },
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 12, color: '#111827', opacity: 0.5 },
          encoding: { y, x: { field: p.field, type: 'quantitative' } },
        },
      ],
    };
  });
  return { rows, domain, hconcat };
}

function extremes(rows: VlSpec[], field: string, unit: string): string {
  const sorted = [...rows]
    .filter((r) => Number.isFinite(r[field] as number))
    .sort((a, b) => (b[field] as number) - (a[field] as number));
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
    caption:
      'Bars above the baseline’s are memory that tracing holds: span buffers, queued spans and exporter state. Dots: single rounds.',
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
    caption:
      'More GC time means tracing allocates per span; a higher event-loop delay p99 means synchronous work (serialising, exporting) blocks requests. Dots: single rounds.',
    alt,
    spec: top('GC pauses and event-loop delay per cell', alt, { hconcat, spacing: 24 }),
  };
}

/** What happened to every span a cell started: stacked counts (medians over rounds). */
export function allCharts(model: Model): Chart[] {
  return [
    cpuChart,
    overheadChart,
    waterfallChart,
    latencyChart,
    memoryChart,
    runtimeChart,
    spanFateChart,
    dropsChart,
    seriesChart,
    outageChart,
    abChart,
    claimsChart,
  ].flatMap((f) => f(model) ?? []);
}
