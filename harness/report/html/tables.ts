import { describePlacement } from '../../target/placement.js';
import type { CellSettings } from '../../plan/types.js';
import type { Results } from '../../results/types.js';
import { SUITE_NAMES, type MicroSection } from '../../micro/types.js';
import { html, type SafeHtml } from './escape.js';
import { mib, num, pct } from './format.js';
import type { CellView, Model } from './model.js';
import { cpuOverhead } from './model.js';
import { cellWarnings } from './warnings.js';
import { hasUnknownCount, UNKNOWN_SPANS_NOTE } from '../../results/span-counts.js';

function sampler(settings: CellSettings): string {
  if (settings.tracing === 'off') return 'no tracing SDK';
  const s = settings.sampler;
  return 'ratio' in s ? `${s.type} (ratio ${s.ratio})` : s.type;
}

/** Processor type, then the batch options (queue, batch, delay ms, timeout ms), dashes where they do not apply. */
function processor(settings: CellSettings): string[] {
  if (settings.tracing === 'off') return ['–', '–', '–', '–', '–'];
  const p = settings.processor;
  if (p === null) return ['n/a: nothing sampled', '–', '–', '–', '–'];
  if (p.type === 'simple') return ['simple', '–', '–', '–', '–'];
  if (p.type === 'module') {
    const [then, ...options] = processor({ ...settings, processor: p.then });
    return [`${p.module} → ${then}`, ...options];
  }
  return [
    'batch',
    num(p.maxQueueSize),
    num(p.maxExportBatchSize),
    num(p.scheduleDelayMillis),
    num(p.exportTimeoutMillis),
  ];
}

/** A cell id that may wrap after each `~`, so long ids do not force the tables wider than the page. */
function wrappable(label: string): SafeHtml {
  return html`${label.split('~').map((part, i) => html`${i > 0 ? html`~<wbr>` : ''}${part}`)}`;
}

function exporter(settings: CellSettings): string {
  if (settings.tracing === 'off') return '–';
  return settings.exporter ?? 'n/a (nothing sampled)';
}

function collapsed(ids: string[]): SafeHtml | string {
  if (ids.length === 0) return '–';
  if (ids.length <= 2) return ids.join(', ');
  return html`<details><summary>${ids.length} combinations</summary>${ids.join(', ')}</details>`;
}

/** Settings of every cell, so any figure can be traced to what ran. */
export function settingsTable(model: Model): SafeHtml {
  return html`<div class="table-wrap"><table class="cells">
<caption>Settings of each cell: what the service ran with</caption>
<thead><tr><th scope="col">cell</th><th scope="col">sampler</th><th scope="col">processor</th><th scope="col">queue</th><th scope="col">batch</th><th scope="col">delay ms</th><th scope="col">timeout ms</th><th scope="col">exporter</th><th scope="col">also stands for</th></tr></thead>
<tbody>${model.cells.map(
    (v) =>
      html`<tr><th scope="row" class="nowrap"><a href="#${v.anchor}">${v.label}</a></th><td>${sampler(v.cell.settings)}</td>${processor(v.cell.settings).map((x, i) => html`<td${i > 0 ? html` class="n"` : ''}>${x}</td>`)}<td class="nowrap">${exporter(v.cell.settings)}</td><td>${collapsed(v.cell.collapsed)}</td></tr>\n`,
  )}</tbody></table></div>`;
}

const METRIC_COLUMNS = [
  'counted',
  'CPU µs/req',
  'overhead',
  'p50 µs',
  'p99 µs',
  'p99.9 µs',
  'req/s',
  'RSS MiB',
  'heap MiB',
  'GC ms',
  'loop p99 ms',
  'exported',
  'dropped',
  'failed',
  'queued',
];

function overheadCell(model: Model, v: CellView): SafeHtml | string {
  if (v.baseline) return 'baseline';
  const o = cpuOverhead(model, v);
  if (!o) return '–';
  const range = o.pairs > 1 ? html`<span class="ci">[${pct(o.relative.low)}, ${pct(o.relative.high)}]</span>` : '';
  return html`${pct(o.relative.estimate)}${range}`;
}

function metricCells(model: Model, v: CellView): SafeHtml {
  const s = v.cell.summary;
  const counted = `${s?.trials ?? 0} of ${v.cell.trials.length}`;
  if (!s) return html`<td>${counted}</td>${METRIC_COLUMNS.slice(1).map(() => html`<td>–</td>`)}`;
  const traced = v.cell.settings.tracing === 'sdk';
  const values: (string | SafeHtml)[] = [
    counted,
    num(s.cpuUsPerRequest, 1),
    overheadCell(model, v),
    num(s.latencyUs.corrected.p50),
    num(s.latencyUs.corrected.p99),
    num(s.latencyUs.corrected.p999),
    num(s.achievedRps),
    mib(s.rssPeakBytes),
    mib(s.heapUsedPeakBytes),
    num(s.gc.pauseTotalMs, 1),
    num(s.eventLoopDelayUs.p99 / 1000, 1),
    traced ? num(s.spans.exported) : '–',
    traced ? num(s.spans.dropped) : '–',
    traced ? num(s.spans.failed) : '–',
    traced ? num(s.spans.queuedAtEnd) : '–',
  ];
  return html`${values.map((x) => html`<td>${x}</td>`)}`;
}

function warningRow(v: CellView): SafeHtml | string {
  const warnings = cellWarnings(v);
  if (warnings.length === 0) return '';
  return html`<tr class="warnings"><td colspan="${METRIC_COLUMNS.length + 1}"><ul>${warnings.map(
    (w) =>
      html`<li class="${w.severity}"><span class="tag">${w.severity === 'error' ? 'not counted' : 'warning'}</span> ${w.text}${
        w.detail
          ? html`<details><summary>stderr tail (${w.detail.length} lines)</summary><pre>${w.detail.join('\n')}</pre></details>`
          : ''
      }</li>`,
  )}</ul></td></tr>\n`;
}

/** Said under the table note when a traced cell's span counter is unknown (shown as –, never 0). */
function unknownSpansNote(model: Model): SafeHtml | string {
  const unknown = model.cells.some(
    (v) => v.cell.settings.tracing === 'sdk' && v.cell.summary && hasUnknownCount(v.cell.summary.spans),
  );
  return unknown ? html`<p class="table-note unknown-spans">${UNKNOWN_SPANS_NOTE}</p>` : '';
}

/** Every cell's figures (medians over counted rounds), with its warnings right under it. */
export function metricsTable(model: Model): SafeHtml {
  const ci = model.input.analysis
    ? `${Math.round(model.input.analysis.level * 100)}% confidence interval`
    : 'range over paired rounds';
  return html`<p class="table-note">Medians over the counted rounds (counted: trials that passed the validity checks). Overhead is CPU per request over the baseline, with its ${ci} in brackets; latency is corrected (from the intended send time); warnings sit under the cell they concern.</p>
${unknownSpansNote(model)}<div class="table-wrap"><table class="cells metrics">
<thead><tr><th scope="col">cell</th>${METRIC_COLUMNS.map((c) => html`<th scope="col">${c}</th>`)}</tr></thead>
<tbody>${model.cells.map(
    (v) =>
      html`<tr id="${v.anchor}"${cellWarnings(v).length > 0 ? html` class="has-warnings"` : ''}><th scope="row">${wrappable(v.label)}</th>${metricCells(model, v)}</tr>\n${warningRow(v)}`,
  )}</tbody></table></div>`;
}

function kv(rows: [string, string | SafeHtml][]): SafeHtml {
  return html`<table class="kv"><tbody>${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table>`;
}

/** The shell command that repeats the run. POSIX single-quoting keeps any path literal. */
export function reproduceCommand(results: Results): string {
  const quote = (s: string) => (/^[\w./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `tracebench run --config ${quote(results.configFile)} --seed ${results.seed} --rounds ${results.config.rounds}`;
}

/** `5 suites × 3 rounds (quick profile)`: what a micro run measured, in a breath. */
export function microRunLine(micro: MicroSection): string {
  const suites = micro.suiteNames.length;
  return `${suites} micro-benchmark ${suites === 1 ? 'suite' : 'suites'} × ${micro.rounds} ${micro.rounds === 1 ? 'round' : 'rounds'} (${micro.profile} profile), each suite in a fresh worker per round`;
}

/** The command that repeats a micro run; every suite when all were asked for. */
export function microReproduceCommand(micro: MicroSection): string {
  const all =
    SUITE_NAMES.every((name) => micro.suiteNames.includes(name)) && micro.suiteNames.length === SUITE_NAMES.length;
  return `tracebench micro --rounds ${micro.rounds}${micro.profile === 'quick' ? ' --quick' : ''}${all ? '' : micro.suiteNames.map((s) => ` --suite ${s}`).join('')}`;
}

function microKv(results: Results, micro: MicroSection): SafeHtml {
  return kv([
    ['measured', microRunLine(micro)],
    ['status', micro.status],
    ['started', micro.startedAt],
    ['finished', micro.finishedAt],
    ['suites', micro.suiteNames.join(', ')],
    ...(micro.slowPrimitive
      ? ([['test-only slowdown', `${micro.slowPrimitive.task} +${micro.slowPrimitive.burnNs} ns per operation`]] as [
          string,
          string,
        ][])
      : []),
    ['micro results schema', String(micro.schemaVersion)],
    ...(results.cells.length === 0 ? ([['run id', results.runId]] as [string, string][]) : []),
    ['reproduce', html`<code>${microReproduceCommand(micro)}</code>`],
  ]);
}

function machineKv(results: Results): SafeHtml {
  const e = results.environment;
  return html`<h3>Machine and software</h3>
${kv([
  ['CPU', `${e.cpuModel}, ${e.cores} cores`],
  ['memory', `${num(e.totalMemoryBytes / 1024 ** 3, 1)} GiB`],
  ['operating system', e.os],
  ['host', e.hostname],
  ['Node.js', e.node],
  ...(e.burnIterationsPerUs
    ? [
        ['simulated work', `${num(e.burnIterationsPerUs, 1)} steps/µs (calibrated at the start of the run)`] as [
          string,
          string,
        ],
      ]
    : []),
  ...(e.placement ? [['CPU placement', describePlacement(e.placement)] as [string, string]] : []),
  ['tracebench', `${e.tracebench}${e.gitCommit ? ` (commit ${e.gitCommit})` : ''}`],
])}
<h3>OpenTelemetry packages</h3>
${kv(Object.entries(e.openTelemetry).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** Machine, software and config: enough to reproduce the run (or the micro run, for results of `tracebench micro`). */
export function environmentSection(results: Results): SafeHtml {
  if (results.cells.length === 0 && results.micro)
    return html`${machineKv(results)}
<h3>Micro run</h3>
${microKv(results, results.micro)}`;
  return html`${runEnvironment(results)}${
    results.micro
      ? html`
<h3>Micro-benchmarks</h3>
${microKv(results, results.micro)}`
      : ''
  }`;
}

function runEnvironment(results: Results): SafeHtml {
  const c = results.config;
  const load = c.load;
  const outage = 'outage' in c.sink && c.sink.outage ? c.sink.outage : undefined;
  const sink = `${
    c.sink.mode === 'slow'
      ? `slow (${c.sink.delayMs} ms)`
      : c.sink.mode === 'error' || c.sink.mode === 'flaky'
        ? `${c.sink.mode}${c.sink.mode === 'error' ? ` ${c.sink.statusCode}` : ''} on ${pct(c.sink.fraction, 0).replace('+', '')}`
        : c.sink.mode
  }${outage ? `; outage (${outage.mode}) ${outage.fromSeconds}-${outage.toSeconds} s` : ''}`;
  return html`${machineKv(results)}
<h3>Run and config</h3>
${kv([
  ['config', `${c.name} (${results.configFile})`],
  ['run id', results.runId],
  ['status', results.status],
  ['started', results.startedAt],
  ['finished', results.finishedAt],
  ['seed', `${results.seed}${c.seedSource ? ` (from the ${c.seedSource})` : ''}`],
  ['rounds', String(c.rounds)],
  [
    'workload',
    `${c.service.workload}, GET ${c.service.requestPath}${c.service.extraCpuUsPerRequest ? `, +${c.service.extraCpuUsPerRequest} µs CPU per request` : ''}`,
  ],
  [
    'load',
    `${num(load.rateRps)} req/s open loop, ${load.warmupSeconds} s warm-up, ${load.durationSeconds} s window, ${load.threads} thread(s), ${load.connections} connections per thread`,
  ],
  ['sink', sink],
  ['reproduce', html`<code>${reproduceCommand(results)}</code>`],
])}
<details><summary>The whole config as the run used it (defaults filled in)</summary><pre>${JSON.stringify(c, null, 2)}</pre></details>`;
}
