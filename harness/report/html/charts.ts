import type { TrialMetrics } from '../../results/types.js';
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
import { latencyChart } from './charts-latency.js';
import { claimsChart, waterfallChart } from './charts-micro.js';
import { abChart, dropsChart, seriesChart, spanFateChart } from './charts-spans.js';
import { outageChart } from './charts-outage.js';
import { windowsCharts } from './charts-windows.js';
import { auto, MIB, num, pct } from './format.js';
import type { Model } from './model.js';
import { median } from '../../stats/interval.js';
import { cpuBudgetChecks, cpuOverhead, cpuSpread, labelOf, roundValues } from './model.js';

export type { Chart, Section, VlSpec } from './chart-kit.js';

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
    { field: 'heapMiB', title: 'heap used, peak (MiB)', pick: (m) => m.heapUsedPeakBytes / MIB },
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
    { field: 'gcMs', title: 'GC pauses, total in the window (ms)', pick: (m) => m.gc.pauseTotalMs },
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
  ]
    .flatMap((f) => f(model) ?? [])
    .concat(windowsCharts(model.input.results.windows));
}
