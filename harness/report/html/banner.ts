import { resolutionSentence, statesResolution } from '../../budget/judge.js';
import type { Check } from '../../budget/types.js';
import { html, type SafeHtml } from './escape.js';
import { auto, num } from './format.js';
import type { Model } from './model.js';
import { orderedChecks } from './model.js';
import { cellWarnings } from './warnings.js';

/** Beyond this many, the banner names the first few cells with warnings and points to the table. */
const MAX_FLAGGED_LINKS = 12;

function measured(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '–';
  if (unit === '%') return `${value >= 0 ? '+' : ''}${num(value, 1)}%`;
  if (unit === 'bytes') return `${num(value / 1024 / 1024, 1)} MiB`;
  return `${auto(value)} ${unit}`;
}

function checkItem(check: Check): SafeHtml {
  const m = check.measured;
  return html`<li class="check ${check.verdict}">
<span class="verdict">${check.verdict}</span>
<span class="what"><strong>${check.cellId}</strong>${check.variant ? html` <span class="muted">variant ${check.variant}</span>` : ''}: ${check.metric} <span class="muted">(${check.kind}${check.method ? `, ${check.method} method` : ''})</span></span>
<span class="numbers">measured ${measured(m.estimate, m.unit)}, interval [${measured(m.low, m.unit)}, ${measured(m.high, m.unit)}], limit ${check.limit.text}</span>
<span class="message">${check.message}${check.roundsToSettle && !/round/i.test(check.message) ? `${/[.!?]$/.test(check.message) ? '' : '.'} About ${num(check.roundsToSettle)} rounds in all would likely settle it.` : ''}</span>
${statesResolution(check) ? html`<span class="resolution">Resolution: ${resolutionSentence(check)}.</span>` : ''}
</li>`;
}

/** The verdict first: counts, then every check with failures on top; or a plain statement that nothing was checked. */
export function verdictBanner(model: Model): SafeHtml {
  const { verdicts, results } = model.input;
  const status =
    results.status === 'complete'
      ? ''
      : results.status === 'interrupted' && results.interrupted
        ? html`<p class="run-status ${results.status}">This run was <strong>interrupted after ${results.interrupted.trialsFinished} of ${results.interrupted.trialsPlanned} trials</strong>${results.interrupted.rebuiltFrom ? html` (rebuilt from ${results.interrupted.rebuiltFrom})` : ''}: the figures cover only the trials that finished before it stopped.</p>`
        : html`<p class="run-status ${results.status}">This run is <strong>${results.status}</strong>: the figures cover only the ${results.windows ? 'comparisons' : 'trials'} that finished before it stopped.</p>`;
  const flagged = model.cells.filter((v) => cellWarnings(v).length > 0);
  const shown = flagged.slice(0, MAX_FLAGGED_LINKS);
  const warnings =
    flagged.length > 0
      ? html`<p class="flagged">${flagged.length === 1 ? '1 cell carries warnings to read before trusting its numbers' : `${flagged.length} of ${model.cells.length} cells carry warnings to read before trusting their numbers`}: ${shown.map(
          (v, i) => html`${i > 0 ? ', ' : ''}<a href="#${v.anchor}">${v.label}</a>`,
        )}${flagged.length > shown.length ? html`, and ${flagged.length - shown.length} more in <a href="#section-cells">the cells table</a>` : ''}.</p>`
      : '';
  if (!verdicts || verdicts.checks.length === 0) {
    return html`<section class="banner none" aria-labelledby="verdict-heading">
<h2 id="verdict-heading">Verdict</h2>
<p class="counts" data-verdict="none">${
      model.cells.length === 0 && results.micro
        ? html`No budgets were checked: these micro-benchmarks measured without judging. Pass <code>--budgets FILE</code> with <code>micro.nsPerOp</code> limits (such as <code>&lt; 2µs</code>), or judge a change with <code>tracebench compare BASE HEAD</code>.`
        : html`No budgets were checked: this run measured without judging. Add a <code>budgets</code> section to the config to get pass / fail / inconclusive verdicts.`
    }</p>
${status}${warnings}</section>`;
  }
  const { counts } = verdicts;
  const state =
    counts.error > 0 ? 'error' : counts.fail > 0 ? 'fail' : counts.inconclusive > 0 ? 'inconclusive' : 'pass';
  const checks = orderedChecks(verdicts);
  const open = checks.filter((c) => c.verdict !== 'pass');
  const passed = checks.filter((c) => c.verdict === 'pass');
  return html`<section class="banner ${state}" aria-labelledby="verdict-heading">
<h2 id="verdict-heading">Verdict</h2>
<p class="counts" data-pass="${counts.pass}" data-fail="${counts.fail}" data-inconclusive="${counts.inconclusive}" data-error="${counts.error}">
${counts.error > 0 ? html`<span class="count error">${counts.error} error</span> ` : ''}<span class="count fail">${counts.fail} fail</span> <span class="count inconclusive">${counts.inconclusive} inconclusive</span> <span class="count pass">${counts.pass} pass</span>
</p>
${status}${warnings}
${open.length > 0 ? html`<ol class="checks">${open.map(checkItem)}</ol>` : ''}
${passed.length > 0 ? html`<details class="passed"${open.length === 0 ? ' open' : ''}><summary>${passed.length} passing ${passed.length === 1 ? 'check' : 'checks'}</summary><ol class="checks">${passed.map(checkItem)}</ol></details>` : ''}
${verdicts.notes.length > 0 ? html`<ul class="notes">${verdicts.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
</section>`;
}
