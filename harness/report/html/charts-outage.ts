import type { ProbeSecond } from '../../probe/protocol.js';
import { metricRows, top, type Chart, type VlSpec } from './chart-kit.js';
import { MIB } from './format.js';
import { worstTrial, type Model } from './model.js';

const PANELS: { key: string; pick: (s: ProbeSecond) => number | undefined }[] = [
  { key: 'RSS (MiB)', pick: (s) => s.rssBytes / MIB },
  { key: 'heap used (MiB)', pick: (s) => s.heapUsedBytes / MIB },
  { key: 'batch queue depth (spans)', pick: (s) => s.queueDepth },
  { key: 'spans in export calls (in flight)', pick: (s) => s.inFlightSpans },
];

const MAX_CELLS = 5;

/**
 * Memory, queue and in-flight spans over the window of each cell's worst trial, with the backend outage shaded: what
 * the SDK holds while the backend is gone, and whether it lets go once it is back.
 */
export function outageChart(model: Model): Chart | null {
  const views = model.cells.filter((v) => worstTrial(v)?.metrics.outage !== undefined).slice(0, MAX_CELLS);
  if (views.length === 0) return null;
  const outage = worstTrial(views[0])!.metrics.outage!;
  const labels: string[] = [];
  const rows: VlSpec[] = [];
  for (const v of views) {
    const t = worstTrial(v)!;
    const label = `${v.label} (round ${t.round + 1})`;
    labels.push(label);
    for (const s of t.metrics.series)
      for (const p of PANELS) {
        const value = p.pick(s);
        if (value !== undefined && Number.isFinite(value))
          rows.push({ kind: 'point', trial: label, metric: p.key, seconds: s.tMs / 1000, value });
      }
  }
  // One shaded interval per panel: a facet's layers share its data, so the outage rides along as rows of its own.
  for (const p of PANELS) rows.push({ kind: 'outage', metric: p.key, from: outage.fromSeconds, to: outage.toSeconds });
  const windowSeconds = Math.max(...views.map((v) => worstTrial(v)!.metrics.windowMs / 1000));
  const alt = `Line charts over the measured window, one line per trial, for ${labels.join('; ')}: RSS and used heap in MiB, batch queue depth and spans inside export calls, one point per second; the backend was ${outage.mode} from ${outage.fromSeconds} s to ${outage.toSeconds} s (shaded).`;
  return {
    id: 'outage-chart',
    section: 'series',
    title: 'Through the backend outage',
    caption: `Shaded: the backend outage (${outage.mode}). A bounded processor’s queue fills to maxQueueSize and stays flat; memory that keeps climbing through the shaded interval is spans kept without bound.`,
    alt,
    spec: top('Memory and queue through the backend outage', alt, {
      data: { values: rows },
      ...metricRows(PANELS.map((p) => p.key)),
      spec: {
        width: 620,
        height: 110,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'outage'" }],
            mark: { type: 'rect', color: '#c62828', opacity: 0.12 },
            encoding: {
              x: { field: 'from', type: 'quantitative', scale: { domain: [0, windowSeconds] } },
              x2: { field: 'to' },
            },
          },
          {
            transform: [{ filter: "datum.kind === 'point'" }],
            mark: { type: 'line', point: true, strokeWidth: 1.8 },
            encoding: {
              x: {
                field: 'seconds',
                type: 'quantitative',
                title: 'seconds into the measured window',
                scale: { domain: [0, windowSeconds] },
              },
              y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
              color: {
                field: 'trial',
                type: 'nominal',
                title: 'trial',
                sort: labels,
                scale: { scheme: 'tableau10' },
                legend: { orient: 'top', columns: 1 },
              },
              tooltip: [
                { field: 'trial' },
                { field: 'metric' },
                { field: 'seconds', format: '.1f' },
                { field: 'value', format: ',.1f' },
              ],
            },
          },
        ],
      },
    }),
  };
}
