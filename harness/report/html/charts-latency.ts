import { sendLagBoundUs } from '../../results/validity.js';
import { median } from '../../stats/interval.js';
import { top, type Chart } from './chart-kit.js';
import { auto } from './format.js';
import type { CellView, Model } from './model.js';

/** Cells per chart before the latency view picks a readable subset. */
export const MAX_LINES = 10;

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

const SEND_LAG_LABEL = 'send lag: how late each request left';

/** Send lag percentiles of a cell (medians over its counted rounds) and its bound at p99, as the trials were judged. */
function sendLag(
  model: Model,
  v: CellView,
): { us: Record<(typeof PERCENTILES)[number]['key'], number>; boundUs: number } | null {
  const trials = v.ok.map((t) => t.metrics).filter((m) => m.sendLagUs !== undefined);
  if (trials.length === 0) return null;
  const load = model.input.results.config.load;
  const ctx = { maxSendLagP99Us: load.maxSendLagP99Us, pacing: load.pacing };
  const us = Object.fromEntries(
    PERCENTILES.map((p) => [p.key, median(trials.map((m) => m.sendLagUs[p.key]))]),
  ) as Record<(typeof PERCENTILES)[number]['key'], number>;
  return { us, boundUs: median(trials.map((m) => sendLagBoundUs(m, ctx).boundUs)) };
}

/**
 * HDR-style percentile distribution: corrected (from the intended send time) beside uncorrected, and beside both the
 * generator's send lag on the same scale, with each cell's bound marked at p99.
 */
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
  const lags = views.flatMap((v) => {
    const lag = sendLag(model, v);
    return lag ? [{ cell: v.label, ...lag }] : [];
  });
  const lagRows = lags.flatMap((l) =>
    PERCENTILES.map((p) => ({
      cell: l.cell,
      kind: SEND_LAG_LABEL,
      percentile: p.key === 'p999' ? 'p99.9' : p.key,
      x: p.x,
      us: Math.max(1, l.us[p.key]),
    })),
  );
  // A short dashed tick at p99 per cell: the send lag line should pass under it.
  const boundRows = lags.map((l) => ({
    cell: l.cell,
    kind: SEND_LAG_LABEL,
    x: 60,
    x2: 170,
    bound: Math.max(1, l.boundUs),
  }));
  const total = model.cells.filter((v) => v.cell.summary !== null).length;
  const order = views.map((v) => v.label);
  const p99 = views
    .map((v) => ({
      id: v.label,
      c: v.cell.summary!.latencyUs.corrected.p99,
      u: v.cell.summary!.latencyUs.uncorrected.p99,
    }))
    .sort((a, b) => b.c - a.c);
  const over = lags.filter((l) => l.us.p99 > l.boundUs);
  const worstLag = [...lags].sort((a, b) => b.us.p99 - a.us.p99)[0];
  const lagAlt = worstLag
    ? ` Send lag: highest p99 ${worstLag.cell} at ${auto(worstLag.us.p99)} µs against its bound of ${auto(worstLag.boundUs)} µs; ${over.length === 0 ? 'every cell is within its bound' : `${over.length} cell${over.length === 1 ? '' : 's'} over the bound`}.`
    : '';
  const alt = `Line charts of latency percentiles p50, p90, p99, p99.9 and max in µs on log scales for ${views.length} cells, corrected and uncorrected, and of the generator's send lag. Highest corrected p99: ${p99[0].id} at ${auto(p99[0].c)} µs (uncorrected ${auto(p99[0].u)} µs).${lagAlt}`;
  const subset =
    views.length < total
      ? ` Showing ${views.length} of ${total} cells: the baseline and the highest corrected p99; the table below has them all.`
      : '';
  const lagCaption =
    over.length > 0
      ? ` ${over.map((l) => l.cell).join(', ')}: send lag p99 over the bound, so corrected latency includes the generator's own lateness; the cell's warnings say what to change.`
      : '';
  const kinds = [...sides.map((s) => s.label), SEND_LAG_LABEL];
  const x = {
    field: 'x',
    type: 'quantitative',
    title: 'percentile',
    scale: { type: 'log', domain: [2, 10000] },
    axis: { values: [2, 10, 100, 1000, 10000], labelExpr: PERCENTILE_LABELS, grid: true },
  };
  const color = {
    field: 'cell',
    type: 'nominal',
    title: 'cell',
    sort: order,
    scale: { scheme: 'tableau10' },
    legend: { orient: 'bottom', columns: 2, symbolType: 'stroke' },
  };
  const opacity = { condition: { param: 'pick', value: 1 }, value: 0.12 };
  return {
    id: 'latency',
    section: 'latency',
    title: 'Latency percentiles',
    caption: `Lines that rise to the right have a long tail; a gap between corrected and uncorrected means requests waited for a connection (coordinated omission). The third panel is the generator's send lag (intended send time to the moment it starts writing the request) on the same scale: it should sit well below the latency lines and under each cell's dashed bound at p99.${lagCaption} Click a legend entry to pick out a cell.${subset}`,
    alt,
    spec: top('Latency percentile distribution and send lag (µs, log scales)', alt, {
      data: { values: [...rows, ...lagRows, ...boundRows] },
      facet: { column: { field: 'kind', type: 'nominal', title: null, sort: kinds } },
      spacing: 24,
      spec: {
        width: 260,
        height: 260,
        layer: [
          {
            params: [{ name: 'pick', select: { type: 'point', fields: ['cell'] }, bind: 'legend' }],
            transform: [{ filter: 'isValid(datum.us)' }],
            mark: { type: 'line', point: true, strokeWidth: 1.8 },
            encoding: {
              x,
              y: { field: 'us', type: 'quantitative', title: 'µs (log)', scale: { type: 'log' } },
              color,
              opacity,
              tooltip: [
                { field: 'cell' },
                { field: 'kind' },
                { field: 'percentile' },
                { field: 'us', title: 'µs', format: ',.0f' },
              ],
            },
          },
          {
            transform: [{ filter: 'isValid(datum.bound)' }],
            mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 2 },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              x2: { field: 'x2' },
              y: { field: 'bound', type: 'quantitative' },
              color,
              opacity,
              tooltip: [{ field: 'cell' }, { field: 'bound', title: 'send lag p99 bound (µs)', format: ',.0f' }],
            },
          },
        ],
      },
    }),
  };
}
