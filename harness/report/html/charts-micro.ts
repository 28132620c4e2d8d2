import type { LayerStep } from '../attribution.js';
import { top, type Chart, type VlSpec } from './chart-kit.js';
import { auto, num } from './format.js';
import type { Model } from './model.js';

/** ns as a person reads it: `12.3 ns`, `2.21 µs`. */
export function nsText(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  return Math.abs(ns) >= 1000 ? `${num(ns / 1000, 2)} µs` : `${num(ns, 1)} ns`;
}

const signedUs = (us: number) => `${us >= 0 ? '+' : ''}${auto(us)} µs`;

/** Published figures against this machine's, per operation, on a log scale: the claims table drawn. */
export function claimsChart(model: Model): Chart | null {
  const claims = (model.input.results.micro?.claims ?? []).flatMap((c) => (c.status === 'measured' ? [c] : []));
  if (claims.length === 0) return null;
  const ranges = claims.map((c) => ({ operation: c.operation, low: c.claimedNs.low, high: c.claimedNs.high }));
  const points = claims.flatMap((c) => [
    { operation: c.operation, what: 'published (midpoint)', ns: (c.claimedNs.low + c.claimedNs.high) / 2, ratio: '' },
    {
      operation: c.operation,
      what: 'measured here',
      ns: Math.max(c.measuredNs, 0.1),
      ratio: `×${num(c.ratio, 2)} of the midpoint`,
    },
  ]);
  const domain = claims.map((c) => c.operation);
  const alt = `Dot plot on a log scale of ${claims.length} operations, published figure against the one measured here: ${claims
    .map(
      (c) =>
        `${c.operation} published ${nsText(c.claimedNs.low)}${c.claimedNs.high !== c.claimedNs.low ? `–${nsText(c.claimedNs.high)}` : ''}, measured ${nsText(c.measuredNs)} (×${num(c.ratio, 2)})`,
    )
    .join('; ')}.`;
  const y = { field: 'operation', type: 'nominal', title: null, scale: { domain }, axis: { labelLimit: 300 } };
  return {
    id: 'claims',
    section: 'micro',
    title: 'Published claims against this machine',
    caption:
      'The grey bar is the published range, the diamond its midpoint, the blue dot what this machine measured (median ns per operation): a dot left of the bar means the operation is cheaper here than the guidance says. Log scale.',
    alt,
    spec: top('Published figures vs measured here (ns per operation, log scale)', alt, {
      width: 460,
      height: { step: 28 },
      layer: [
        {
          data: { values: ranges },
          mark: { type: 'rule', strokeWidth: 6, color: '#cfd4da', strokeCap: 'round' },
          encoding: { y, x: { field: 'low', type: 'quantitative', scale: { type: 'log' } }, x2: { field: 'high' } },
        },
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 90 },
          encoding: {
            y,
            x: { field: 'ns', type: 'quantitative', title: 'ns per operation (log)', scale: { type: 'log' } },
            color: {
              field: 'what',
              type: 'nominal',
              title: null,
              scale: { domain: ['published (midpoint)', 'measured here'], range: ['#6b7280', '#4c78a8'] },
            },
            shape: {
              field: 'what',
              type: 'nominal',
              title: null,
              scale: { domain: ['published (midpoint)', 'measured here'], range: ['diamond', 'circle'] },
            },
            tooltip: [
              { field: 'operation' },
              { field: 'what' },
              { field: 'ns', title: 'ns/op', format: ',.1f' },
              { field: 'ratio' },
            ],
          },
        },
      ],
    }),
  };
}

interface Bar {
  label: string;
  order: number;
  kind: 'adds CPU' | 'saves CPU' | 'measured total';
  cell: string;
  adds: string;
  start: number;
  end: number;
  low: number | null;
  high: number | null;
  predicted: number | null;
  deltaText: string;
  predictedText: string;
}

const incrementOf = (s: LayerStep) => s.increment?.estimate ?? s.incrementMedianUs;

/** Where each step's bar starts: the sum of the increments beneath it on its own chain. */
function startsOf(steps: LayerStep[]): Map<string, number> {
  const byId = new Map(steps.map((s) => [s.cellId, s]));
  const starts = new Map<string, number>();
  const levelOf = (id: string | null): number => {
    if (id === null) return 0;
    const s = byId.get(id)!;
    return s.previousCellId === null ? 0 : starts.get(id)! + incrementOf(s);
  };
  for (const s of steps) starts.set(s.cellId, levelOf(s.previousCellId));
  return starts;
}

/** The attribution waterfall: CPU µs per request each layer adds over the layer beneath, then each path's measured total. */
export function waterfallChart(model: Model): Chart | null {
  const attribution = model.attribution?.model;
  const steps = attribution?.steps.filter((s) => s.previousCellId !== null && Number.isFinite(incrementOf(s))) ?? [];
  if (!attribution || steps.length === 0) return null;
  const starts = startsOf(attribution.steps);
  const names = new Map(attribution.steps.map((s) => [s.cellId, `${s.layer.index} ${s.layer.name}`]));
  const bars: Bar[] = steps.map((s, i) => {
    const start = starts.get(s.cellId)!;
    const inc = incrementOf(s);
    return {
      label: names.get(s.cellId)!,
      order: i,
      kind: inc >= 0 ? 'adds CPU' : 'saves CPU',
      cell: s.cellId,
      adds: s.layer.adds,
      start,
      end: start + inc,
      low: s.increment ? start + s.increment.ci.low : null,
      high: s.increment ? start + s.increment.ci.high : null,
      predicted: s.predicted ? start + s.predicted.us : null,
      deltaText: `${signedUs(inc)} over ${names.get(s.previousCellId!)}${s.increment ? ` (${auto(s.increment.ci.low)} to ${auto(s.increment.ci.high)})` : ` (median of ${s.pairedRounds} round${s.pairedRounds === 1 ? '' : 's'}, no interval)`}`,
      predictedText: s.predicted ? signedUs(s.predicted.us) : 'no prediction',
    };
  });
  const totals: Bar[] = attribution.paths.flatMap((p, i) => {
    if (!p.measured) return [];
    const last = p.cellIds[p.cellIds.length - 1];
    return [
      {
        label: `total → ${names.get(last)}`,
        order: bars.length + i,
        kind: 'measured total',
        cell: last,
        adds: `everything from ${names.get(p.cellIds[0])} to ${names.get(last)}`,
        start: 0,
        end: p.measured.estimate,
        low: p.measured.ci.low,
        high: p.measured.ci.high,
        predicted: p.predictedUs,
        deltaText: `${signedUs(p.measured.estimate)} (${auto(p.measured.ci.low)} to ${auto(p.measured.ci.high)})`,
        predictedText:
          p.predictedUs !== null
            ? `${signedUs(p.predictedUs)}; unexplained ${signedUs(p.unexplained!.estimate)}`
            : 'no prediction',
      },
    ];
  });
  const rows = [...bars, ...totals];
  const domain = rows.map((r) => r.label);
  const x = { field: 'label', type: 'nominal', title: null, sort: domain, axis: { labelAngle: -30, labelLimit: 220 } };
  const level = Math.round(attribution.level * 100);
  const main = attribution.paths[0];
  const alt = `Waterfall of the CPU µs per request each of ${bars.length} layers adds over the layer beneath it: ${bars.map((b) => `${b.label} ${b.deltaText}`).join('; ')}.${
    main?.measured
      ? ` Measured total to ${names.get(main.cellIds[main.cellIds.length - 1])}: ${signedUs(main.measured.estimate)}`
      : ''
  }${main?.predictedUs !== null && main?.predictedUs !== undefined ? `, predicted from micro-benchmarks ${signedUs(main.predictedUs)}, unexplained ${signedUs(main.unexplained!.estimate)}.` : '.'}`;
  const tooltip = [
    { field: 'label', title: 'layer' },
    { field: 'cell' },
    { field: 'adds' },
    { field: 'deltaText', title: 'measured' },
    { field: 'predictedText', title: 'predicted' },
  ];
  const layers: VlSpec[] = [
    {
      data: { values: rows },
      mark: { type: 'bar', width: { band: 0.7 } },
      encoding: {
        x,
        y: {
          field: 'start',
          type: 'quantitative',
          title: `CPU µs per request over ${names.get(attribution.steps[0].cellId)}`,
        },
        y2: { field: 'end' },
        color: {
          field: 'kind',
          type: 'nominal',
          title: null,
          scale: { domain: ['adds CPU', 'saves CPU', 'measured total'], range: ['#4c78a8', '#54a24b', '#6b7280'] },
        },
        tooltip,
      },
    },
    {
      data: { values: rows.filter((r) => r.low !== null) },
      mark: { type: 'rule', color: '#111827', strokeWidth: 1.5 },
      encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
    },
    {
      data: { values: [{ zero: 0 }] },
      mark: { type: 'rule', color: '#6b7280' },
      encoding: { y: { field: 'zero', type: 'quantitative' } },
    },
  ];
  if (rows.some((r) => r.predicted !== null)) {
    layers.push({
      data: { values: rows.filter((r) => r.predicted !== null) },
      mark: { type: 'tick', color: '#e08a00', thickness: 3, bandSize: 26 },
      encoding: { x, y: { field: 'predicted', type: 'quantitative' }, tooltip },
    });
  }
  return {
    id: 'waterfall',
    section: 'attribution',
    title: 'Where the CPU goes: one layer at a time',
    caption: `Each bar is what one layer adds over the layer beneath it, stacked from the service without an SDK; grey bars are the measured totals. Whiskers: the ${level}% interval of each increment, paired by round.${
      layers.length > 3
        ? ' Orange ticks: what the micro-benchmarks predict (operations per request × ns per operation); the gap between a bar’s top and its tick is CPU the micro-benchmarks do not explain.'
        : ' No micro-benchmarks in these results, so no prediction is drawn.'
    }`,
    alt,
    spec: top('CPU µs per request added by each layer', alt, { width: { step: 56 }, height: 280, layer: layers }),
  };
}
