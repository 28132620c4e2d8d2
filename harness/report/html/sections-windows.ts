import type { WindowsComparison } from '../../results/types.js';
import { warmupText, windowsRow } from '../windows.js';
import { html, type SafeHtml } from './escape.js';
import { auto, num } from './format.js';

/** One row per comparison: the change and the interval its verdict used, the verdict, the resolution, how it ran. */
export function windowsTable(comparisons: readonly WindowsComparison[]): SafeHtml {
  return html`<div class="table-wrap"><table class="cells metrics windows">
<caption>Change in CPU per request of B against A, per comparison: the interval is the sequential one when the run could stop as soon as it was decided (until decided), else the nested one (windows in process sets); “could detect” is the smallest change the nested interval would find (95% confidence, 80% power)</caption>
<thead><tr><th scope="col">cell</th><th scope="col">B vs A</th><th scope="col">CPU/request change</th><th scope="col">interval</th><th scope="col">verdict</th><th scope="col">could detect</th><th scope="col">valid pairs</th><th scope="col">process sets</th><th scope="col">elapsed</th><th scope="col">stopped</th></tr></thead>
<tbody>${comparisons.map((c) => {
    const r = windowsRow(c);
    return html`<tr${c.warnings.length > 0 ? html` class="has-warnings"` : ''} data-verdict="${r.verdict}"><th scope="row">${r.cellId}</th><td>${r.sides}</td><td>${r.change}</td><td>${r.interval}${r.intervalKind === 'none' ? '' : html`<span class="ci">${r.level}, ${r.intervalKind}</span>`}</td><td class="verdict ${r.verdict}">${r.verdict} at ${r.limit}</td><td class="resolution">${r.resolution}</td><td>${r.pairs}</td><td>${r.processSets}</td><td>${r.elapsed}</td><td>${r.stoppedBy}</td></tr>
${c.warnings.length > 0 ? html`<tr class="warnings"><td colspan="10"><ul>${c.warnings.map((w) => html`<li class="warning"><span class="tag">warning</span> ${w}</li>`)}</ul></td></tr>\n` : ''}`;
  })}</tbody></table></div>`;
}

/** Per process set of each side: when its own CPU per request became steady, or that it did not within the bound. */
export function warmupTable(comparisons: readonly WindowsComparison[]): SafeHtml {
  return html`<div class="table-wrap"><table class="cells metrics warmups">
<caption>Warm-up of every process set: the second its CPU per request stopped falling (the last two halves of method.steadyHalfSeconds agreeing within the tolerance), how long it was warmed, and its CPU per request over the last 4 s of warm-up</caption>
<thead><tr><th scope="col">comparison</th><th scope="col">side</th><th scope="col">process set</th><th scope="col">steady after</th><th scope="col">warmed for</th><th scope="col">CPU µs/req at the end</th></tr></thead>
<tbody>${comparisons.flatMap((c) =>
    c.warmups.map(
      (w, i) =>
        html`<tr>${i === 0 ? html`<th scope="rowgroup" rowspan="${c.warmups.length}">${c.cellId}<span class="ci">${c.b} vs ${c.a}: ${warmupText(c.warmups)}</span></th>` : ''}<td>${w.side}</td><td>${w.process + 1}</td><td>${w.steadyAfterSeconds === null ? html`<span class="not-steady">not steady within the bound</span>` : `${num(w.steadyAfterSeconds)} s`}</td><td>${num(w.warmupSeconds)} s</td><td>${auto(w.lastCpuUsPerRequest)}</td></tr>\n`,
    ),
  )}</tbody></table></div>`;
}

/** The comparisons first, then the warm-up, then (after the tables) the charts of every pair. */
export function windowsTables(comparisons: readonly WindowsComparison[]): SafeHtml {
  return html`${windowsTable(comparisons)}
<h3>Warm-up per process set</h3>
${warmupTable(comparisons)}
<h3>Every window pair</h3>`;
}
