import type { Results } from '../results/types.js';

const num = (x: number | undefined, digits = 0) => (x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(digits));

/**
 * For multi-service workloads: each service's CPU µs per entry request, per cell, with its overhead over the
 * same service in the baseline; then traces whole and split across services. Empty for one service.
 */
export function serviceTable(results: Results): string {
  const names = [...new Set(results.cells.flatMap((c) => Object.keys(c.summary?.services ?? {})))];
  if (names.length < 2) return '';
  const baselineOf = (variant?: string) =>
    results.cells.find((c) => c.settings.tracing === 'off' && c.variant === variant)?.summary;
  const header = ['cell', ...names, 'whole', 'split'];
  const rows = results.cells.map((cell) => {
    const s = cell.summary;
    const base = baselineOf(cell.variant);
    const label = cell.variant ? `${cell.id} [${cell.variant}]` : cell.id;
    const perService = names.map((name) => {
      const own = s?.services?.[name]?.cpuUsPerRequest;
      const ref = base?.services?.[name]?.cpuUsPerRequest;
      if (own === undefined) return '-';
      if (cell.settings.tracing === 'off' || !ref) return num(own, 1);
      return `${num(own, 1)} (${own >= ref ? '+' : ''}${num(((own - ref) / ref) * 100, 0)}%)`;
    });
    const t = s?.traces;
    return [
      label,
      ...perService,
      t ? `${num(t.requestsWhole)}/${num(t.requestsSeen)}` : '',
      t ? num(t.requestsSplit) : '',
    ];
  });
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const lines = all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  return [
    'CPU µs per request by service (overhead over the same service in the baseline); requests whose trace arrived whole / seen, and split across traces',
    ...lines,
  ].join('\n');
}
