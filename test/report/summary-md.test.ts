import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareResults } from '../../harness/budget/compare.js';
import { evaluateBudgets } from '../../harness/budget/evaluate.js';
import { parseBudgets } from '../../harness/budget/load.js';
import type { Check, Verdicts } from '../../harness/budget/types.js';
import { escapeMarkdown, renderSummaryMarkdown, SUMMARY_MAX_BYTES } from '../../harness/report/summary-md.js';
import { analyse } from '../../harness/stats/analyse.js';
import { BASELINE, sdk, syntheticResults } from '../stats/synthetic.js';

const results = syntheticResults({
  rounds: 5,
  noise: 0.005,
  cells: [
    { id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 },
    { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), cpuUsPerRequest: 520 },
    { id: 'always_off', settings: sdk('always_off', null, null), cpuUsPerRequest: 404 },
  ],
});
const analysis = analyse(results);
const budgets = parseBudgets(
  {
    budgets: [
      { limits: { 'spans.dropped': 0 } },
      { where: { sampler: 'always_on' }, limits: { cpuUsPerRequest: '+10%' } },
      { where: { sampler: 'always_off' }, limits: { cpuUsPerRequest: '+2%' } },
    ],
  },
  'test',
);
const verdicts = evaluateBudgets(analysis, results, budgets);
const md = renderSummaryMarkdown(results, verdicts, analysis);

describe('summary.md', () => {
  it('the first line is the verdict with counts', () => {
    const { pass, fail, inconclusive } = verdicts.counts;
    assert.equal(
      md.split('\n')[0],
      `## ❌ tracebench synthetic: ${fail} failed · ${inconclusive} inconclusive · ${pass} passed`,
    );
  });

  it('failures come first, then inconclusive, then the folded passes and cells', () => {
    const at = (text: string) => md.indexOf(text);
    assert.ok(at('### ❌ Failed') > 0);
    assert.ok(at('### ❌ Failed') < at('### ⚠️ Inconclusive'), md);
    assert.ok(at('### ⚠️ Inconclusive') < at('<summary>✅ Passed'));
    assert.ok(at('<summary>✅ Passed') < at('<summary>Cells'));
  });

  it('a failing row gives cell, metric, value, interval and limit', () => {
    const row = md
      .split('\n')
      .find((l) => l.startsWith('| `always_on~batch~otlp-http-protobuf` | CPU µs/request | budget |'));
    assert.ok(row, md);
    assert.match(row, /\| \+30(\.\d)?% \| \+\d+(\.\d+)?% to \+\d+(\.\d+)?% \| \+10% \|/);
  });

  it('inconclusive checks come with the advice to add rounds and how many', () => {
    assert.match(md, /rerun with the rounds shown \(in all\) to settle them/);
    const row = md.split('\n').find((l) => l.startsWith('| `always_off` |'));
    assert.ok(row, md);
    assert.match(row, /\| \d+ \|$/);
  });

  it('shows a per-cell table with CPU per request, overhead with its interval, p99 and dropped spans', () => {
    const row = md.split('\n').find((l) => l.startsWith('| `always_on~batch~otlp-http-protobuf` | 5/5 |'));
    assert.ok(row, md);
    assert.match(row, /\| 5\d\d µs \| \+30(\.\d)?% \(\+\d+(\.\d+)?% to \+\d+(\.\d+)?%\) \| \d(\.\d+)? ms \| 0 \|$/);
  });

  it('all passing reads as a pass', () => {
    const passing: Verdicts = {
      checks: verdicts.checks.filter((c) => c.verdict === 'pass'),
      counts: { pass: 3, fail: 0, inconclusive: 0, error: 0 },
      notes: [],
    };
    assert.equal(
      renderSummaryMarkdown(results, passing, analysis).split('\n')[0],
      '## ✅ tracebench synthetic: all 3 checks pass',
    );
  });

  it('carries the notes of a comparison, such as crossing machines', () => {
    const other = syntheticResults({
      rounds: 3,
      cells: [{ id: 'baseline', settings: BASELINE }],
      environment: { cpuModel: 'Intel Xeon' },
    });
    const compared = compareResults(results, other, { threshold: 0.05 });
    assert.match(renderSummaryMarkdown(other, compared, analyse(other)), /crosses machines/);
  });

  it('escapes names from configs so they cannot break a table or inject HTML', () => {
    assert.equal(escapeMarkdown('a|b<script>*c*~d~\nx'), 'a\\|b&lt;script&gt;\\*c\\*\\~d\\~ x');
  });

  it('a variant name with a pipe stays in its table cell', () => {
    const c: Check = { ...verdicts.checks.find((x) => x.verdict === 'fail')!, variant: 'v|2', id: 'x' };
    const out = renderSummaryMarkdown(
      results,
      { checks: [c], counts: { pass: 0, fail: 1, inconclusive: 0, error: 0 }, notes: [] },
      analysis,
    );
    const row = out.split('\n').find((l) => l.includes('v\\|2'));
    assert.ok(row, out);
    assert.equal(row.split(/(?<!\\)\|/).length - 2, 7);
  });
});

describe('summary.md size cap', () => {
  const failing = verdicts.checks.find((c) => c.verdict === 'fail')!;
  const huge: Check[] = Array.from({ length: 30_000 }, (_, i) => ({
    ...failing,
    id: `budget[0]:cpuUsPerRequest:cell-${i}`,
    cellId: `cell-${i}~${'x'.repeat(60)}`,
    verdict: i % 3 === 0 ? 'fail' : i % 3 === 1 ? 'inconclusive' : 'pass',
  }));
  const hugeVerdicts: Verdicts = {
    checks: huge,
    counts: { fail: 10_000, inconclusive: 10_000, pass: 10_000, error: 0 },
    notes: ['n'],
  };
  const out = renderSummaryMarkdown(results, hugeVerdicts, analysis);

  it('a huge result stays under the cap, well under GitHub’s 1 MiB', () => {
    const bytes = Buffer.byteLength(out, 'utf8');
    assert.ok(bytes <= SUMMARY_MAX_BYTES, String(bytes));
    assert.ok(bytes < 1024 * 1024);
  });

  it('says that rows were left out and where to find them', () => {
    assert.match(out, /more rows not shown: this summary is capped at 900 KB/);
  });

  it('keeps the headline and the failures when it truncates', () => {
    assert.equal(out.split('\n')[0], '## ❌ tracebench synthetic: 10000 failed · 10000 inconclusive · 10000 passed');
    assert.ok(out.includes('| `cell-0~'));
  });

  it('closes every <details> it opened', () => {
    assert.equal(out.split('<details>').length, out.split('</details>').length);
  });
});
