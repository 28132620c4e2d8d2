import { UNKNOWN_SPANS_NOTE } from '../results/span-counts.js';
import type { Results } from '../results/types.js';
import type { SpanCount } from '../probe/protocol.js';

const num = (x: number | undefined, digits = 0) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));
const mib = (bytes: number) => num(bytes / 1024 / 1024, 1);
/** A span counter: '–' where unknown (null), never 0. */
const count = (x: SpanCount) => (x === null ? '–' : num(x));

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '))
    .join('\n');
}

/**
 * The end-of-run table: per cell, CPU µs/request and its overhead over baseline, latency, RSS and span fate.
 * Overhead here is a ratio of medians; the verdict stage gives it a confidence interval.
 */
export function consoleTable(results: Results): string {
  const baselineOf = (variant?: string) =>
    results.cells.find((c) => c.settings.tracing === 'off' && c.variant === variant)?.summary;
  const header = [
    'cell',
    'CPU µs/req',
    'overhead',
    'p50 µs',
    'p99 µs',
    'req/s',
    'RSS MiB',
    'exported',
    'dropped',
    'B/span',
    'trials',
  ];
  const rows = results.cells.map((cell) => {
    const s = cell.summary;
    const baseline = baselineOf(cell.variant);
    const label = cell.variant ? `${cell.id} [${cell.variant}]` : cell.id;
    const counted = `${s?.trials ?? 0}/${cell.trials.length}`;
    if (!s) return [label, '-', '-', '-', '-', '-', '-', '-', '-', '-', counted];
    const overhead =
      baseline && cell.settings.tracing !== 'off'
        ? `${s.cpuUsPerRequest >= baseline.cpuUsPerRequest ? '+' : ''}${num(((s.cpuUsPerRequest - baseline.cpuUsPerRequest) / baseline.cpuUsPerRequest) * 100, 1)}%`
        : '';
    const traced = cell.settings.tracing !== 'off';
    return [
      label,
      num(s.cpuUsPerRequest, 1),
      overhead,
      num(s.latencyUs.corrected.p50),
      num(s.latencyUs.corrected.p99),
      num(s.achievedRps),
      mib(s.rssPeakBytes),
      traced ? count(s.spans.exported) : '',
      traced ? count(s.spans.dropped) : '',
      s.sink ? num(s.sink.wireBytesPerSpan) : '',
      counted,
    ];
  });
  const unknown = results.cells.some(
    (c) =>
      c.settings.tracing !== 'off' &&
      c.summary &&
      (c.summary.spans.exported === null || c.summary.spans.dropped === null),
  );
  return pad([header, ...rows]) + (unknown ? `\n${UNKNOWN_SPANS_NOTE}` : '');
}
