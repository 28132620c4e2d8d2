import { bandStep, cellAxis, COLORS, measuredViews, metricRows, top, type Chart } from './chart-kit.js';
import { MIB, num, pct } from './format.js';
import type { CellView, Model } from './model.js';
import { hasUnknownCount } from '../../results/span-counts.js';
import type { SpanFate } from '../../results/types.js';
import { cpuSpread, hasDrops, metricAnalysis, worstTrial } from './model.js';

const FATES = [
  { key: 'exported', color: '#3d8b4f' },
  { key: 'dropped (queue full)', color: '#d62728' },
  { key: 'failed to export', color: '#7f2704' },
  { key: 'still queued', color: '#f0b400' },
  { key: 'unsampled', color: '#cfd4da' },
];

/** Cells per chart before the latency and series views pick a readable subset. */
export function spanFateChart(model: Model): Chart | null {
  // A cell with an unknown counter has no whole bar to draw: it is left out, and the caption says so.
  const all = measuredViews(model).filter((v) => v.cell.settings.tracing === 'sdk' && v.cell.summary);
  const views = all.filter((v) => !hasUnknownCount(v.cell.summary!.spans));
  const unknown = all.length - views.length;
  if (views.length === 0) return null;
  const domain = views.map((v) => v.label);
  const rows = views.flatMap((v) => {
    const s = v.cell.summary!.spans as { [K in keyof SpanFate]: number };
    const counts = [s.exported, s.dropped, s.failed, s.queuedAtEnd, Math.max(0, s.started - s.sampled)];
    return FATES.map((f, i) => ({ cell: v.label, fate: f.key, order: i, spans: counts[i] }));
  });
  const lost = views
    .map((v) => ({
      id: v.label,
      lost: v.cell.summary!.spans.dropped! + v.cell.summary!.spans.failed! + v.cell.summary!.spans.queuedAtEnd!,
    }))
    .sort((a, b) => b.lost - a.lost);
  const alt = `Stacked bar chart of span fate for ${views.length} traced cells: exported, dropped because the queue was full, failed to export, still queued at the end, and unsampled. ${
    lost[0].lost > 0
      ? `Most spans lost: ${lost[0].id}, ${num(lost[0].lost)} per trial.`
      : 'No cell lost a sampled span.'
  }`;
  return {
    id: 'span-fate',
    section: 'spans',
    title: 'Span fate',
    caption: `Every started span ends in one colour; any red, brown or yellow is spans the backend never saw. Grey is spans the sampler skipped on purpose.${
      unknown > 0
        ? ` ${unknown} traced cell${unknown === 1 ? ' is' : 's are'} left out: some of ${unknown === 1 ? 'its' : 'their'} counters are unknown (the service's SDK was not built by tracebench), not 0.`
        : ''
    }`,
    alt,
    spec: top('Span fate per cell (median spans per trial)', alt, {
      data: { values: rows },
      width: 520,
      height: bandStep(views.length),
      mark: { type: 'bar', height: { band: 0.7 } },
      encoding: {
        y: cellAxis(domain),
        x: { field: 'spans', type: 'quantitative', stack: 'zero', title: 'spans per trial' },
        color: {
          field: 'fate',
          type: 'nominal',
          title: null,
          scale: { domain: FATES.map((f) => f.key), range: FATES.map((f) => f.color) },
        },
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
    const dropped = v.cell.summary?.spans.dropped;
    if (dropped === null || dropped === undefined) return [];
    return [
      {
        cell: v.label,
        queue: s.processor.maxQueueSize,
        dropped,
        exporter: s.exporter ?? 'none',
        sampler: 'ratio' in s.sampler ? `${s.sampler.type} ${s.sampler.ratio}` : s.sampler.type,
      },
    ];
  });
  if (rows.length === 0) return null;
  const worst = [...rows].sort((a, b) => b.dropped - a.dropped)[0];
  const alt = `Scatter plot of dropped spans per trial against the batch queue size for ${rows.length} batch cells. Most drops: ${worst.cell}, ${num(worst.dropped)} spans with a queue of ${num(worst.queue)}.`;
  return {
    id: 'drops',
    section: 'spans',
    title: 'Dropped spans against queue size',
    caption:
      'Drops that fall to zero as the queue grows mean the queue was too small for the burst; drops at every size mean the exporter is too slow for the span rate.',
    alt,
    spec: top('Dropped spans against batch queue size', alt, {
      data: { values: rows },
      width: 440,
      height: 260,
      layer: [
        {
          mark: { type: 'line', opacity: 0.6 },
          encoding: {
            x: { field: 'queue', type: 'quantitative' },
            y: { field: 'dropped', type: 'quantitative' },
            color: { field: 'exporter', type: 'nominal' },
            detail: { field: 'sampler' },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 60 },
          encoding: {
            x: {
              field: 'queue',
              type: 'quantitative',
              title: 'batch processor maxQueueSize (spans, log₂)',
              scale: { type: 'log', base: 2 },
            },
            y: { field: 'dropped', type: 'quantitative', title: 'dropped spans per trial (median)' },
            color: {
              field: 'exporter',
              type: 'nominal',
              title: 'exporter',
              scale: { scheme: 'tableau10' },
              legend: { orient: 'right' },
            },
            tooltip: [
              { field: 'cell' },
              { field: 'sampler' },
              { field: 'queue', title: 'maxQueueSize' },
              { field: 'dropped', format: ',.0f' },
            ],
          },
        },
      ],
    }),
  };
}

const SERIES = [
  {
    key: 'CPU µs per request',
    pick: (s: { cpuUs: number; requests: number }) => (s.requests > 0 ? s.cpuUs / s.requests : Number.NaN),
  },
  { key: 'RSS (MiB)', pick: (s: { rssBytes: number }) => s.rssBytes / MIB },
  { key: 'event-loop lag, max (ms)', pick: (s: { loopLagMaxUs: number }) => s.loopLagMaxUs / 1000 },
  { key: 'batch queue depth (spans)', pick: (s: { queueDepth: number }) => s.queueDepth },
];

/** Cells whose inside is worth seeing: the baseline for reference, then the most drops, then the highest CPU. */
function seriesCells(model: Model): CellView[] {
  const views = model.cells.filter((v) => worstTrial(v) !== undefined);
  const traced = views
    .filter((v) => !v.baseline)
    .sort(
      (a, b) =>
        (worstTrial(b)!.metrics.spans.dropped ?? -1) - (worstTrial(a)!.metrics.spans.dropped ?? -1) ||
        (b.cell.summary?.cpuUsPerRequest ?? 0) - (a.cell.summary?.cpuUsPerRequest ?? 0),
    );
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
    return t.metrics.series.flatMap((s) =>
      SERIES.map((m) => ({ trial: label, metric: m.key, seconds: s.tMs / 1000, value: m.pick(s) })).filter((r) =>
        Number.isFinite(r.value),
      ),
    );
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
      ...metricRows(SERIES.map((s) => s.key)),
      spec: {
        width: 620,
        height: 110,
        mark: { type: 'line', point: true, strokeWidth: 1.8 },
        encoding: {
          x: {
            field: 'seconds',
            type: 'quantitative',
            title: 'seconds into the measured window',
            scale: { zero: true },
            axis: { format: '.1f', tickMinStep: 0.5 },
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
    const change =
      v.variant === reference
        ? undefined
        : metricAnalysis(model, v.cell.id, 'cpuUsPerRequest', v.variant)?.overhead?.relative;
    return [
      {
        cell: v.cell.id,
        variant: v.variant,
        median: s.median,
        low: s.low,
        high: s.high,
        whiskers: s.kind === 'ci' ? 'confidence interval' : 'range over rounds',
        change: change
          ? `${pct(change.estimate)} [${pct(change.ci.low)}, ${pct(change.ci.high)}] vs ${reference}`
          : v.variant === reference
            ? 'reference'
            : 'not analysed',
      },
    ];
  });
  if (rows.length === 0) return null;
  const domain = [...new Set(rows.map((r) => r.cell))];
  const y = cellAxis(domain);
  const offset = { field: 'variant', type: 'nominal', sort: model.variants, scale: { paddingInner: 0.1 } };
  const changed = rows.filter((r) => r.change.includes('['));
  const alt = `Grouped bar chart of CPU µs per request for ${domain.length} cells, one bar per variant (${model.variants.join(', ')}), with whiskers.${
    changed.length > 0
      ? ` Changes against ${reference}: ${changed.map((r) => `${r.cell} ${r.variant} ${r.change.replace(` vs ${reference}`, '')}`).join('; ')}.`
      : ''
  }`;
  return {
    id: 'ab',
    section: 'ab',
    title: 'A/B: variants side by side',
    caption: `Within each cell, compare the variants’ bars against ${reference}, the reference; whiskers that do not overlap mean a real difference. Whiskers: ${
      rows.some((r) => r.whiskers === 'confidence interval')
        ? 'the confidence interval of each variant’s value, from the analysis'
        : 'the range over rounds'
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
            color: {
              field: 'variant',
              type: 'nominal',
              title: 'variant',
              sort: model.variants,
              scale: { scheme: 'tableau10' },
            },
            tooltip: [
              { field: 'cell' },
              { field: 'variant' },
              { field: 'median', format: ',.1f' },
              { field: 'low', format: ',.1f' },
              { field: 'high', format: ',.1f' },
              { field: 'whiskers' },
              { field: 'change' },
            ],
          },
        },
        {
          mark: { type: 'rule', color: COLORS.rule, strokeWidth: 1.5 },
          encoding: { y, yOffset: offset, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
        },
      ],
    }),
  };
}

/** Every chart the run has data for, in page order. */
