import type { Results } from '../results/types.js';
import { analyse } from '../stats/analyse.js';
import { METRICS } from '../stats/metrics.js';
import type { MetricName } from '../stats/types.js';

/** The metrics exported to benchmark-history tools: what the gates judge, with a slug per tool. */
const EXPORTED: readonly { metric: MetricName; slug: string }[] = [
  { metric: 'cpuUsPerRequest', slug: 'cpu-us-per-request' },
  { metric: 'latencyUs.p99', slug: 'latency-p99-us' },
  { metric: 'rssPeakBytes', slug: 'rss-peak-bytes' },
];

const benchmarkName = (cellId: string, variant?: string) => (variant === undefined ? cellId : `${cellId} [${variant}]`);

interface Row {
  benchmark: string;
  metric: MetricName;
  slug: string;
  median: number;
  low?: number;
  high?: number;
  rounds: number;
  overheadPercent?: { estimate: number; low: number; high: number };
}

/** Per cell and exported metric: the median over rounds and its CI; a metric no round measured is left out (unknown, not 0). */
function rows(results: Results): Row[] {
  const analysis = analyse(results, { seed: results.seed });
  const out: Row[] = [];
  for (const cell of analysis.cells)
    for (const { metric, slug } of EXPORTED) {
      const m = cell.metrics[metric];
      if (!m || !Number.isFinite(m.median)) continue;
      const relative = m.overhead?.relative;
      out.push({
        benchmark: benchmarkName(cell.cellId, cell.variant),
        metric,
        slug,
        median: m.median,
        ...(m.level ? { low: m.level.ci.low, high: m.level.ci.high } : {}),
        rounds: m.values.length,
        ...(relative
          ? {
              overheadPercent: {
                estimate: relative.estimate * 100,
                low: relative.ci.low * 100,
                high: relative.ci.high * 100,
              },
            }
          : {}),
      });
    }
  return out;
}

/** A Bencher Metric Format measure: the value and, when it has one, its interval. */
export interface BencherMetric {
  value: number;
  lower_value?: number;
  upper_value?: number;
}

/**
 * Bencher Metric Format (https://bencher.dev/docs/reference/bencher-metric-format): benchmark → measure slug → metric.
 * Each cell is a benchmark; its median with the CI of its level, and the CPU overhead over the baseline in percent.
 */
export function toBencher(results: Results): Record<string, Record<string, BencherMetric>> {
  const out: Record<string, Record<string, BencherMetric>> = {};
  for (const row of rows(results)) {
    out[row.benchmark] ??= {};
    const bench = out[row.benchmark];
    bench[row.slug] = {
      value: row.median,
      ...(row.low !== undefined && row.high !== undefined ? { lower_value: row.low, upper_value: row.high } : {}),
    };
    if (row.metric === 'cpuUsPerRequest' && row.overheadPercent)
      bench['cpu-overhead-percent'] = {
        value: row.overheadPercent.estimate,
        lower_value: row.overheadPercent.low,
        upper_value: row.overheadPercent.high,
      };
  }
  return out;
}

/** One entry of github-action-benchmark's `customSmallerIsBetter` input (its `BenchmarkResult`). */
export interface GabEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

/** github-action-benchmark `customSmallerIsBetter` JSON: one entry per cell and metric; every exported metric is lower-is-better. */
export function toGab(results: Results): GabEntry[] {
  return rows(results).map((row) => ({
    name: `${row.benchmark} - ${METRICS[row.metric].label}`,
    unit: METRICS[row.metric].unit,
    value: row.median,
    ...(row.low !== undefined && row.high !== undefined
      ? { range: `± ${((row.high - row.low) / 2).toPrecision(3)}` }
      : {}),
    extra: [
      `median of ${row.rounds} round${row.rounds === 1 ? '' : 's'}`,
      ...(row.overheadPercent
        ? [
            `overhead over baseline ${row.overheadPercent.estimate.toFixed(1)}% (CI ${row.overheadPercent.low.toFixed(1)}% to ${row.overheadPercent.high.toFixed(1)}%)`,
          ]
        : []),
      `run ${results.runId}`,
    ].join('\n'),
  }));
}
