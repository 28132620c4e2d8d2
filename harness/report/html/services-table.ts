import type { Results } from '../../results/types.js';
import { html, type SafeHtml } from './escape.js';

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');

/**
 * Multi-service workloads: each service's CPU µs per entry request in each cell (medians over rounds), its change over
 * the same service in the baseline, and the requests whose trace arrived whole or split. Null for one service.
 */
export function servicesTable(results: Results): SafeHtml | null {
  const names = [...new Set(results.cells.flatMap((c) => Object.keys(c.summary?.services ?? {})))].sort();
  if (names.length < 2) return null;
  const baselineOf = (variant?: string) =>
    results.cells.find((c) => c.settings.tracing === 'off' && c.variant === variant)?.summary;
  const rows = results.cells.map((cell) => {
    const base = baselineOf(cell.variant);
    const t = cell.summary?.traces;
    return html`<tr><th scope="row">${cell.id}${cell.variant ? ` [${cell.variant}]` : ''}</th>${names.map((name) => {
      const own = cell.summary?.services?.[name]?.cpuUsPerRequest;
      const ref = base?.services?.[name]?.cpuUsPerRequest;
      if (own === undefined) return html`<td>–</td>`;
      const change =
        cell.settings.tracing !== 'off' && ref
          ? ` (${own >= ref ? '+' : ''}${(((own - ref) / ref) * 100).toFixed(0)}%)`
          : '';
      return html`<td>${fmt(own)}${change}</td>`;
    })}<td>${t ? `${t.requestsWhole} / ${t.requestsSeen}` : '–'}</td><td>${t ? String(t.requestsSplit) : '–'}</td></tr>`;
  });
  return html`<div class="table-wrap"><table class="cells">
<caption>CPU µs per request by service process (its CPU ÷ the entry service's requests, so the services add up to the cell's figure; median over rounds), its change over the same service in the baseline, and the requests whose spans arrived as one whole trace, of those seen, and split across traces</caption>
<thead><tr><th scope="col">cell</th>${names.map((n) => html`<th scope="col">${n}</th>`)}<th scope="col">whole / seen</th><th scope="col">split</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}
