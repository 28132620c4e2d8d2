import type { Assets } from './assets.js';
import { html, jsonForScript, trusted, type SafeHtml } from './escape.js';

const STYLE = `
:root { color-scheme: light; --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --pass: #2e7d32; --fail: #c62828; --inc: #b26a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 64px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 8px; }
.sub { color: var(--muted); margin: 0 0 12px; }
nav ul { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; margin: 8px 0 0; list-style: none; font-size: 0.9rem; }
a { color: #1d4ed8; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
pre { background: #f6f7f9; border: 1px solid var(--line); padding: 10px 12px; overflow: auto; max-height: 28em; white-space: pre-wrap; word-break: break-all; }
.muted { color: var(--muted); }
.banner { border: 1px solid var(--line); border-left: 6px solid var(--muted); border-radius: 6px; padding: 4px 20px 14px; margin-top: 20px; background: #f9fafb; }
.banner h2 { border: 0; margin-top: 10px; }
.banner.fail, .banner.error { border-left-color: var(--fail); background: #fdf3f3; }
.banner.inconclusive { border-left-color: var(--inc); background: #fdf8ef; }
.banner.pass { border-left-color: var(--pass); background: #f2f8f2; }
.counts { font-size: 1.15rem; margin: 4px 0 10px; }
.count { display: inline-block; padding: 2px 10px; border-radius: 999px; margin-right: 6px; font-weight: 600; background: #fff; border: 1px solid var(--line); }
.count.error, .count.fail { color: var(--fail); } .count.inconclusive { color: var(--inc); } .count.pass { color: var(--pass); }
ol.checks { list-style: none; padding: 0; margin: 8px 0; }
li.check { display: grid; grid-template-columns: 8.5em 1fr; gap: 0 12px; padding: 8px 0; border-top: 1px solid var(--line); }
li.check .verdict { grid-row: span 4; font-weight: 700; text-transform: uppercase; font-size: 0.85rem; padding-top: 2px; }
li.check.error .verdict, li.check.fail .verdict { color: var(--fail); } li.check.inconclusive .verdict { color: var(--inc); } li.check.pass .verdict { color: var(--pass); }
li.check .numbers { font-variant-numeric: tabular-nums; }
li.check .message { color: #374151; }
li.check .resolution { color: var(--muted); font-size: 0.9rem; }
details.passed > summary { cursor: pointer; margin: 6px 0; }
.run-status { font-weight: 600; color: var(--fail); }
figure { margin: 24px 0 32px; }
.chart { overflow-x: auto; max-width: 100%; }
.chart svg { max-width: none; }
figcaption { color: #374151; margin-top: 8px; max-width: 62em; font-size: 0.93rem; }
figcaption .alt { display: block; color: var(--muted); font-size: 0.85rem; margin-top: 2px; }
.table-wrap { overflow-x: auto; margin: 8px 0 24px; }
table { border-collapse: collapse; font-size: 0.82rem; }
caption { text-align: left; color: var(--muted); padding: 0 0 6px; caption-side: top; }
th, td { padding: 4px 7px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { position: sticky; top: 0; background: #f3f4f6; text-align: left; vertical-align: bottom; }
table.metrics thead th { text-align: right; }
table.metrics thead th:first-child { text-align: left; }
.ci { display: block; color: var(--muted); font-size: 0.72rem; }
table.metrics td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody th { text-align: left; font-weight: 600; min-width: 14em; }
.nowrap { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.metrics td.wrap { white-space: normal; text-align: left; min-width: 16em; max-width: 34em; }
li.profile-check.unexplained { color: var(--fail); font-weight: 600; }
table.windows td.verdict { font-weight: 700; } td.verdict.fail { color: var(--fail); } td.verdict.inconclusive { color: var(--inc); } td.verdict.pass { color: var(--pass); }
.not-steady { color: var(--inc); font-weight: 600; }
.flame { position: relative; width: 100%; min-width: 720px; font-size: 11px; line-height: 16px; margin: 8px 0; }
.fl { position: absolute; height: 16px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding: 0 3px; border-right: 1px solid #fff; color: #111827; }
.flame-legend .key { display: inline-block; margin-right: 12px; font-size: 0.85rem; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 4px; vertical-align: -1px; border-radius: 2px; }
.table-note { color: var(--muted); font-size: 0.9rem; margin: 4px 0; max-width: 62em; }
tr.has-warnings > th::after { content: " ⚠"; color: var(--inc); }
tr.warnings td { text-align: left; white-space: normal; background: #fffbeb; border-bottom: 1px solid #f3e3b5; }
tr.warnings ul { margin: 2px 0; padding-left: 0; list-style: none; }
tr.warnings li { margin: 3px 0; max-width: 90em; }
tr.warnings .tag { display: inline-block; font-size: 0.72rem; font-weight: 700; text-transform: uppercase; padding: 0 6px; border-radius: 4px; margin-right: 4px; background: #fde68a; color: #78350f; }
tr.warnings li.error .tag { background: #fecaca; color: #7f1d1d; }
table.kv th { font-weight: 600; padding-right: 20px; color: #374151; }
table.kv td { word-break: break-word; }
button { font: inherit; padding: 4px 12px; border: 1px solid #cbd5e1; border-radius: 4px; background: #fff; cursor: pointer; }
.vg-tooltip { font-family: inherit !important; }
`;

/** Draws every figure with vega-embed (SVG) from the specs embedded as JSON; failures are shown in text, never as markup. */
const CLIENT = `(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('tb-specs').textContent);
  var figures = Array.prototype.slice.call(document.querySelectorAll('figure[data-chart]'));
  var options = { renderer: 'svg', actions: false, tooltip: { theme: 'light' } };
  Promise.all(figures.map(function (figure) {
    var target = figure.querySelector('.chart');
    return vegaEmbed(target, specs[figure.getAttribute('data-chart')], options).then(function () {
      figure.setAttribute('data-rendered', 'svg');
    }, function (error) {
      target.textContent = 'This chart could not be drawn: ' + (error && error.message);
      figure.setAttribute('data-rendered', 'error');
      console.error(error);
    });
  })).then(function () {
    document.documentElement.setAttribute('data-charts-done', String(Math.round(performance.now())));
  });
  var button = document.getElementById('tb-download');
  if (button) button.addEventListener('click', function () {
    var data = JSON.parse(document.getElementById('tb-data').textContent);
    var url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
    var link = document.createElement('a');
    link.href = url;
    link.download = button.getAttribute('data-file');
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
})();`;

export interface PageParts {
  title: string;
  body: SafeHtml;
  /** Chart id → vega-lite spec. */
  specs: Record<string, unknown>;
  /** What the page is a view of, for readers who want the numbers. */
  data: unknown;
  assets: Assets;
}

/** The whole document: styles, the body, the embedded data, then the inlined libraries and the drawing script. */
export function page(parts: PageParts): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tracebench">
<title>${parts.title}</title>
<style>${trusted(STYLE)}</style>
</head>
<body>
${parts.body}
<script type="application/json" id="tb-specs">${trusted(jsonForScript(parts.specs))}</script>
<script type="application/json" id="tb-data">${trusted(jsonForScript(parts.data))}</script>
<script>${trusted(parts.assets.vega)}</script>
<script>${trusted(parts.assets.vegaLite)}</script>
<script>${trusted(parts.assets.vegaEmbed)}</script>
<script>${trusted(CLIENT)}</script>
</body>
</html>
`.value;
}
