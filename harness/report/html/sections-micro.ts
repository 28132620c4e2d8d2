import type { MicroSection } from '../../micro/types.js';
import type { Attribution } from '../attribution.js';
import { nsText } from './charts-micro.js';
import { html, type SafeHtml } from './escape.js';
import { auto, num } from './format.js';

const claimed = (low: number, high: number) => (low === high ? `≈ ${nsText(low)}` : `${nsText(low)}–${nsText(high)}`);

/** The published figures beside this machine's, with the ratio and how each figure was built. */
export function claimsTable(micro: MicroSection): SafeHtml {
  return html`<div class="table-wrap"><table class="cells metrics claims">
<caption>Published claims against what was measured here (median ns per operation over ${micro.rounds} ${micro.rounds === 1 ? 'round' : 'rounds'}); ratio = measured ÷ the published midpoint</caption>
<thead><tr><th scope="col">operation</th><th scope="col">published</th><th scope="col">measured here</th><th scope="col">ratio</th><th scope="col">how it was measured</th></tr></thead>
<tbody>${micro.claims.map(
    (c) =>
      html`<tr><th scope="row">${c.operation}</th><td>${claimed(c.claimedNs.low, c.claimedNs.high)}</td>${
        c.status === 'measured'
          ? html`<td>${nsText(c.measuredNs)}</td><td>×${num(c.ratio, 2)}</td>`
          : html`<td colspan="2" class="muted">not measured: ${c.reason}</td>`
      }<td class="wrap">${c.method} <span class="muted">(${c.measuredBy.join(', ')}; source: ${c.source})</span></td></tr>\n`,
  )}</tbody></table></div>`;
}

/** Every task's statistics: timer-corrected ns/op, tinybench's margin of error, samples, rounds and their spread, warnings. */
export function microTasksTable(micro: MicroSection): SafeHtml {
  const failed = micro.suites.flatMap((s) => (s.status === 'error' ? [s] : []));
  return html`<p class="table-note">Each suite ran in a fresh worker thread (its own isolate) per round; figures are timer-corrected ns per operation, the median over rounds of each round's statistic. ±rme is tinybench's 95% margin of error of the mean; spread is how far the rounds' medians lie apart, the noise compare judges against.</p>
${failed.length > 0 ? html`<ul class="notes">${failed.map((s) => html`<li>suite ${s.suite} failed in round ${s.round + 1}: ${s.error}</li>`)}</ul>` : ''}
<div class="table-wrap"><table class="cells metrics micro">
<thead><tr><th scope="col">task</th><th scope="col">p50</th><th scope="col">mean</th><th scope="col">p99</th><th scope="col">±rme</th><th scope="col">samples</th><th scope="col">rounds</th><th scope="col">spread</th><th scope="col">workers (thread ids)</th></tr></thead>
<tbody>${micro.tasks.map(
    (
      t,
    ) => html`<tr${t.warnings.length > 0 ? html` class="has-warnings"` : ''}><th scope="row" title="${t.description}">${t.suite}/${t.task}</th><td>${nsText(t.nsPerOp.p50)}</td><td>${nsText(t.nsPerOp.mean)}</td><td>${nsText(t.nsPerOp.p99)}</td><td>${num(t.marginOfErrorPct, 1)}%</td><td>${num(t.samples)}</td><td>${t.roundsNsPerOp.length}</td><td>${num(t.roundSpreadPct, 0)}%</td><td>${t.workerThreadIds.join(', ')}</td></tr>
${t.warnings.length > 0 ? html`<tr class="warnings"><td colspan="9"><ul>${t.warnings.map((w) => html`<li class="warning"><span class="tag">warning</span> ${w}</li>`)}</ul></td></tr>\n` : ''}`,
  )}</tbody></table></div>`;
}

const signed = (us: number) => `${us >= 0 ? '+' : ''}${auto(us)}`;

/** Per layer: what it adds, measured with its interval and predicted from the micro tasks, then each path's total. */
export function attributionTable(attribution: Attribution): SafeHtml {
  const names = new Map(attribution.steps.map((s) => [s.cellId, `${s.layer.index} ${s.layer.name}`]));
  const level = Math.round(attribution.level * 100);
  return html`<div class="table-wrap"><table class="cells metrics attribution">
<caption>CPU µs per request each layer adds over the one it is measured against, paired by round (${level}% interval), what its profiled windows place of it (of which in tracing's own categories), and what the micro-benchmarks predict</caption>
<thead><tr><th scope="col">layer</th><th scope="col">adds</th><th scope="col">against</th><th scope="col">CPU µs/req</th><th scope="col">measured increment</th><th scope="col">profile places</th><th scope="col">of it tracing</th><th scope="col">remainder</th><th scope="col">predicted</th><th scope="col">from micro tasks</th></tr></thead>
<tbody>${attribution.steps.map((s) => {
    const measured =
      s.previousCellId === null
        ? 'reference'
        : s.increment
          ? html`${signed(s.increment.estimate)}<span class="ci">[${auto(s.increment.ci.low)}, ${auto(s.increment.ci.high)}]</span>`
          : `${signed(s.incrementMedianUs)} (${s.pairedRounds} round${s.pairedRounds === 1 ? '' : 's'}, no interval)`;
    const terms = s.predicted?.terms
      .map((t) => `${t.task}: ${num(t.opsPerRequest, 2)} × ${nsText(t.nsPerOp)}`)
      .join('; ');
    const gaps = s.predicted?.unmodelled ?? [];
    return html`<tr><th scope="row">${names.get(s.cellId)}<span class="ci">${s.cellId}</span></th><td class="wrap">${s.layer.adds}</td><td>${s.previousCellId ? names.get(s.previousCellId) : '–'}</td><td>${auto(s.cpuUs)}</td><td>${measured}</td><td>${s.profile?.placedUs != null ? signed(s.profile.placedUs) : '–'}</td><td>${s.profile?.tracingUs != null ? signed(s.profile.tracingUs) : '–'}</td><td>${s.remainderUs !== null ? signed(s.remainderUs) : '–'}</td><td>${s.predicted ? signed(s.predicted.us) : '–'}</td><td class="wrap">${terms || '–'}${gaps.length > 0 ? html`<span class="ci">not modelled: ${gaps.join('; ')}</span>` : ''}</td></tr>\n`;
  })}</tbody></table></div>
<ul class="notes">${attribution.paths.map((p) => {
    const from = names.get(p.cellIds[0]);
    const to = names.get(p.cellIds[p.cellIds.length - 1]);
    const measured = p.measured
      ? `${signed(p.measured.estimate)} µs (${auto(p.measured.ci.low)} to ${auto(p.measured.ci.high)})`
      : 'not measured';
    const unexplained = p.unexplained
      ? `; the micro-benchmarks predict ${signed(p.predictedUs!)} µs, ${signed(p.unexplained.estimate)} µs (${auto(p.unexplained.low)} to ${auto(p.unexplained.high)}) beyond them (see “not modelled”, and the profiles below for where it goes)`
      : '';
    return html`<li>From ${from} to ${to}: measured ${measured}${unexplained}.</li>`;
  })}${attribution.paths.map((p) => html`<li class="profile-check ${p.profile.status}">${p.profile.status}: ${p.profile.message}</li>`)}${attribution.notes.map((n) => html`<li>${n}</li>`)}</ul>
${attribution.microTasks.length > 0 ? html`<p class="table-note">Micro tasks the prediction is built from: ${attribution.microTasks.join(', ')}.</p>` : ''}`;
}
