import { CATEGORY_LABELS, type FlameNode, type ProfileCategory } from '../../results/profile-types.js';
import type { Attribution } from '../attribution.js';
import { categoriesShown } from '../summary-profile.js';
import { html, type SafeHtml } from './escape.js';
import { auto, signed } from './format.js';

/** One colour per category, the tracing ones warm, the service's and the runtime's grey-blue, tracebench's violet. */
export const CATEGORY_COLOURS: Record<ProfileCategory, string> = {
  service: '#9fb3c8',
  api: '#fde68a',
  instrumentation: '#fcd34d',
  sdk: '#fb923c',
  context: '#f87171',
  sampler: '#fca5a5',
  propagation: '#fdba74',
  processor: '#f472b6',
  serialization: '#a3e635',
  exporter: '#34d399',
  gc: '#94a3b8',
  tracebench: '#c4b5fd',
  runtime: '#cbd5e1',
  unmapped: '#e5e7eb',
};

/** The flame view's rows at most: deeper frames are cut (their time stays in their callers' bars). */
const MAX_DEPTH = 28;
/** Matches `.fl`'s height in page.ts. */
const ROW_PX = 17;

interface Bar {
  node: FlameNode;
  depth: number;
  leftPct: number;
  widthPct: number;
}

function bars(root: FlameNode): Bar[] {
  const out: Bar[] = [];
  const walk = (node: FlameNode, depth: number, leftPct: number, widthPct: number) => {
    out.push({ node, depth, leftPct, widthPct });
    if (depth >= MAX_DEPTH || node.totalUs <= 0) return;
    let at = leftPct;
    for (const c of node.children) {
      const w = (widthPct * c.totalUs) / node.totalUs;
      walk(c, depth + 1, at, w);
      at += w;
    }
  };
  walk(root, 0, 0, 100);
  return out;
}

/** An icicle (callers above callees, width = µs per request) of one cell's last profiled round, drawn as plain HTML. */
export function flameView(title: string, root: FlameNode, files: string[]): SafeHtml {
  const all = bars(root);
  const depth = Math.max(...all.map((b) => b.depth)) + 1;
  return html`<figure class="flame-figure">
<div class="flame" role="img" aria-label="${`Flame view of ${title}: ${all.length} frames`}" style="${`height:${depth * ROW_PX}px`}">${all.map(
    (b) =>
      html`<div class="fl" style="${`left:${b.leftPct.toFixed(3)}%;width:${b.widthPct.toFixed(3)}%;top:${b.depth * ROW_PX}px;background:${CATEGORY_COLOURS[b.node.category]}`}" title="${`${b.node.name}\n${CATEGORY_LABELS[b.node.category]}: ${auto(b.node.totalUs)} µs/req (self ${auto(b.node.selfUs)})`}">${b.widthPct >= 4 ? b.node.name : ''}</div>`,
  )}</div>
<figcaption>${title}: ${auto(root.totalUs)} µs per request on the main thread, frames of at least 1% of it; hover a frame for its figures. The full profile: ${files.join(', ')} (open it in Chrome DevTools or speedscope).</figcaption>
</figure>`;
}

/** The colour key of the categories the run's profiles use. */
function legend(categories: ProfileCategory[]): SafeHtml {
  return html`<p class="flame-legend">${categories.map(
    (c) =>
      html`<span class="key"><span class="swatch" style="${`background:${CATEGORY_COLOURS[c]}`}"></span>${CATEGORY_LABELS[c]}</span> `,
  )}</p>`;
}

/** Per layer, the profile's µs per request in each category over the layer beneath; then a flame view per profiled cell. */
export function profileSection(attribution: Attribution): SafeHtml | null {
  const profiled = attribution.steps.filter((s) => s.profile);
  if (profiled.length === 0) return null;
  const names = new Map(attribution.steps.map((s) => [s.cellId, `${s.layer.index} ${s.layer.name}`]));
  const shown = categoriesShown(attribution);
  const table = html`<div class="table-wrap"><table class="cells metrics profile-categories">
<caption>Where each layer's increment goes: main-thread CPU µs per request the profiled windows place in each category, over the layer beneath (paired by round); the profiler's thread runs in the profiled window only; the profiled window's CPU over the measured one's mixes the profiler's cost with warm-up (it runs second)</caption>
<thead><tr><th scope="col">layer</th>${shown.map((c) => html`<th scope="col"><span class="swatch" style="${`background:${CATEGORY_COLOURS[c]}`}"></span>${CATEGORY_LABELS[c]}</th>`)}<th scope="col">off the main thread</th><th scope="col">placed</th><th scope="col">remainder</th><th scope="col">profiler thread</th><th scope="col">profiled − measured window</th></tr></thead>
<tbody>${profiled.map(
    (s) =>
      html`<tr><th scope="row">${names.get(s.cellId)}</th>${shown.map((c) => html`<td>${s.profile!.incrementUs ? signed(s.profile!.incrementUs[c]) : auto(s.profile!.categoryUs[c])}</td>`)}<td>${signed(s.profile!.offMainUs)}</td><td>${signed(s.profile!.placedUs)}</td><td>${signed(s.remainderUs)}</td><td>${signed(s.profile!.profilerThreadUs)}</td><td>${signed(s.profile!.profiledOverMeasuredUs)}</td></tr>\n`,
  )}</tbody></table></div>
<p class="table-note">The first layer's row is its own µs per request, not an increment. Off the main thread: CPU the layer adds on the service's other threads (V8's concurrent GC and compiler workers, libuv's pool) in the measured windows, read per thread; no profile samples them. The remainder is the measured increment less what is placed: mostly the difference between the measured window and the profiled one after it (warm-up, the profiler's own perturbation).</p>`;
  const flames = profiled.flatMap((s) =>
    s.profile!.flame ? [flameView(`${names.get(s.cellId)} (${s.cellId})`, s.profile!.flame, s.profile!.files)] : [],
  );
  return html`<h3>Profiles: where the CPU goes</h3>${table}${legend(shown)}${flames}`;
}
