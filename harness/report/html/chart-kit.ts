import type { Model } from './model.js';

/** Vega-lite specs kept as plain JSON: the page hands them to vega-embed as they are. */
export type VlSpec = Record<string, unknown>;

export type Section =
  | 'windows'
  | 'cpu'
  | 'attribution'
  | 'services'
  | 'latency'
  | 'runtime'
  | 'spans'
  | 'series'
  | 'ab'
  | 'micro';

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
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
    titleColor: '#374151',
    labelColor: '#374151',
    gridColor: '#e5e7eb',
    labelLimit: 380,
  },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 380, orient: 'top' },
  header: { labelFontSize: 12, titleFontSize: 12, labelFontWeight: 600 },
  title: { fontSize: 15, anchor: 'start', offset: 12, subtitleFontSize: 12, subtitleColor: '#4b5563' },
};
export const COLORS = { baseline: '#9aa0a6', traced: '#4c78a8', rule: '#374151', budget: '#c62828' };
export const VERDICT_COLORS = {
  domain: ['error', 'fail', 'inconclusive', 'pass', 'no budget'],
  range: ['#6a1b9a', '#c62828', '#e08a00', '#2e7d32', '#4c78a8'],
};
export function top(title: string, alt: string, body: VlSpec): VlSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: alt,
    title: { text: title },
    config: CONFIG,
    ...body,
  };
}

/** One panel per `metric` row, each with its own y scale: the per-second series charts. */
export function metricRows(order: readonly string[]): VlSpec {
  return {
    facet: {
      row: {
        field: 'metric',
        type: 'nominal',
        title: null,
        sort: order,
        header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelAnchor: 'start' },
      },
    },
    resolve: { scale: { y: 'independent' } },
    spacing: 14,
  };
}

export const bandStep = (n: number) => ({ step: n > 40 ? 14 : 20 });

export function cellAxis(domain: string[], labels = true): VlSpec {
  return { field: 'cell', type: 'nominal', title: null, scale: { domain }, axis: labels ? { labelLimit: 380 } : null };
}

export function budgetTicks(values: VlSpec[], y: VlSpec): VlSpec {
  return {
    data: { values },
    mark: { type: 'tick', color: COLORS.budget, thickness: 3 },
    encoding: {
      y,
      x: { field: 'limit', type: 'quantitative' },
      tooltip: [{ field: 'cell' }, { field: 'text', title: 'budget' }, { field: 'verdict' }],
    },
  };
}

export const RANK = { error: 0, fail: 1, inconclusive: 2, pass: 3 } as const;

export const measuredViews = (model: Model) => model.cells.filter((v) => v.ok.length > 0);

/** CPU µs per request per cell: the primary overhead metric. */
