import type { OutageMetrics, Results, TrialMetrics } from '../results/types.js';

/** One cell's outage figures: medians over its measured trials; null where no trial knew the figure. */
export interface OutageRow {
  cellId: string;
  variant?: string;
  trials: number;
  dropped: number | null;
  failed: number | null;
  rssGrowthBytesPerMinute: number | null;
  heapGrowthBytesPerMinute: number | null;
  p99BeforeUs: number | null;
  p99DuringUs: number | null;
  /** Trials that recovered, and the median recovery of those. */
  recovered: number;
  recoverySeconds: number | null;
}

export interface OutageView {
  mode: OutageMetrics['mode'];
  fromSeconds: number;
  toSeconds: number;
  rows: OutageRow[];
}

function median(values: (number | null | undefined)[]): number | null {
  // Unknown in any trial makes the figure unknown: the known trials cannot vouch for it.
  if (values.length === 0 || values.some((v) => v === null || v === undefined)) return null;
  const sorted = (values as number[]).slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The outage study of a run whose sink had an outage schedule; null otherwise. */
export function outageView(results: Results): OutageView | null {
  let first: OutageMetrics | undefined;
  const rows: OutageRow[] = [];
  for (const cell of results.cells) {
    const measured: (TrialMetrics & { outage: OutageMetrics })[] = [];
    for (const t of cell.trials)
      if (t.status !== 'failed' && t.metrics.outage)
        measured.push(t.metrics as TrialMetrics & { outage: OutageMetrics });
    if (measured.length === 0) continue;
    first ??= measured[0].outage;
    const recovered = measured.flatMap((m) => (m.outage.recoverySeconds === null ? [] : [m.outage.recoverySeconds]));
    rows.push({
      cellId: cell.id,
      ...(cell.variant !== undefined ? { variant: cell.variant } : {}),
      trials: measured.length,
      dropped: median(measured.map((m) => m.spans.dropped)),
      failed: median(measured.map((m) => m.spans.failed)),
      rssGrowthBytesPerMinute: median(measured.map((m) => m.rssGrowthBytesPerMinute)),
      heapGrowthBytesPerMinute: median(measured.map((m) => m.heapGrowthBytesPerMinute)),
      p99BeforeUs: median(measured.map((m) => m.outage.latencyP99Us.before)),
      p99DuringUs: median(measured.map((m) => m.outage.latencyP99Us.during)),
      recovered: recovered.length,
      recoverySeconds: median(recovered),
    });
  }
  if (!first) return null;
  return { mode: first.mode, fromSeconds: first.fromSeconds, toSeconds: first.toSeconds, rows };
}

const MIB = 1024 * 1024;
const dash = '–';
const mib = (bytes: number | null) => (bytes === null ? dash : `${(bytes / MIB).toFixed(1)} MiB`);
const ms = (us: number | null) => (us === null ? dash : `${(us / 1000).toFixed(1)} ms`);
const count = (n: number | null) => (n === null ? dash : n.toLocaleString('en-US'));

/** The outage as one line and a table: cells as rows, figures in words with units; unknown is "–". */
export function outageTable(view: OutageView): { title: string; header: string[]; rows: string[][] } {
  const what = view.mode === 'down' ? 'connections reset' : view.mode === 'error' ? 'exports rejected' : 'no answers';
  return {
    title: `Backend outage: ${view.mode} (${what}) from ${view.fromSeconds} s to ${view.toSeconds} s of the window`,
    header: ['cell', 'dropped', 'failed', 'RSS growth/min', 'heap growth/min', 'p99 before', 'p99 during', 'recovery'],
    rows: view.rows.map((r) => [
      r.variant !== undefined ? `${r.cellId}@${r.variant}` : r.cellId,
      count(r.dropped),
      count(r.failed),
      mib(r.rssGrowthBytesPerMinute),
      mib(r.heapGrowthBytesPerMinute),
      ms(r.p99BeforeUs),
      ms(r.p99DuringUs),
      r.recoverySeconds === null
        ? r.recovered === 0
          ? 'none in the window'
          : dash
        : `${r.recoverySeconds.toFixed(1)} s${r.recovered < r.trials ? ` (${r.recovered}/${r.trials} trials)` : ''}`,
    ]),
  };
}
