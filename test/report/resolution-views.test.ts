import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateBudgets } from '../../harness/budget/evaluate.js';
import {
  intervalCheck,
  mergeVerdicts,
  resolutionSentence,
  unmeasuredCheck,
  verdictsOf,
} from '../../harness/budget/judge.js';
import { pairedRatio } from '../../harness/stats/interval.js';
import { parseBudgets } from '../../harness/budget/load.js';
import { renderHtmlReport } from '../../harness/report/html/render.js';
import { resolutionLines } from '../../harness/report/resolution.js';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.js';
import { analyse } from '../../harness/stats/analyse.js';
import { BASELINE, sdk, syntheticResults } from '../stats/synthetic.js';
import { fixtureAnalysis, fixtureResults, fixtureVerdicts } from './fixtures/html-fixtures.js';

const results = syntheticResults({
  rounds: 5,
  noise: 0.02,
  cells: [
    { id: 'baseline', settings: BASELINE, cpuUsPerRequest: 400 },
    { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), cpuUsPerRequest: 520 },
  ],
});
const analysis = analyse(results);
const budgets = parseBudgets(
  {
    budgets: [
      { limits: { 'spans.dropped': 0 } },
      { where: { sampler: 'always_on' }, limits: { cpuUsPerRequest: '+40%' } },
    ],
  },
  'test',
);
const unknown = unmeasuredCheck(
  {
    id: 'ab:cpuUsPerRequest:always_on~batch~otlp-http-protobuf@head',
    kind: 'ab',
    cellId: 'always_on~batch~otlp-http-protobuf',
    variant: 'head',
    metric: 'cpuUsPerRequest',
    noun: 'change',
  },
  '%',
  'change',
  { text: '+5%', value: 5 },
  'only 1 paired round.',
);
const verdicts = mergeVerdicts(evaluateBudgets(analysis, results, budgets), verdictsOf([unknown], []));
const cpu = verdicts.checks.find((c) => c.id.includes('cpuUsPerRequest') && c.kind === 'budget');
const known = /this run could detect changes of ±\d+(\.\d+)?% in CPU µs\/request \(95% confidence, 80% power\)/;
const unknownText = /this run's resolution in CPU µs\/request is unknown/;

describe('every view states the run’s resolution per comparison', () => {
  it('the budget check carries it in JSON; the unmeasured one carries null', () => {
    assert.ok(cpu?.resolution && cpu.resolution.value > 0 && cpu.resolution.unit === '%');
    assert.equal(unknown.resolution, null);
    assert.equal(JSON.parse(JSON.stringify(unknown)).resolution, null);
  });

  it('summary.md has a resolution section with the sentence, and "unknown" where it cannot be drawn', () => {
    const md = renderSummaryMarkdown(results, verdicts, analysis);
    assert.match(md, /### Resolution: the smallest change each comparison could detect/);
    assert.match(md, known);
    assert.match(md, unknownText);
    // A count judged on every round has no interval to draw a resolution from, and is not listed.
    assert.doesNotMatch(md, /resolution in dropped/i);
  });

  it('the HTML banner states it under each check', () => {
    const html = fixtureResults();
    const htmlAnalysis = fixtureAnalysis(html);
    const page = renderHtmlReport({
      results: html,
      analysis: htmlAnalysis,
      verdicts: mergeVerdicts(fixtureVerdicts(htmlAnalysis), verdictsOf([unknown], [])),
    });
    assert.match(
      page,
      /<span class="resolution">Resolution: this run could detect changes of ±6.50?% in CPU µs\/request/,
    );
    assert.match(
      page,
      /<span class="resolution">Resolution: this run(&#39;|&#x27;|')s resolution in CPU µs\/request is unknown/,
    );
  });

  it('the console prints one line per judged comparison', () => {
    const lines = resolutionLines(verdicts);
    assert.equal(lines.length, 2);
    assert.match(lines[0], /^resolution: always_on~batch~otlp-http-protobuf \(budget\): /);
    assert.match(lines[0], known);
    assert.match(lines[1], /^resolution: always_on~batch~otlp-http-protobuf@head \(A\/B\): /);
    assert.match(lines[1], unknownText);
  });

  it('the console keeps to CPU per request (and micro ns/op) and counts the other checks', () => {
    const ratio = pairedRatio([5000, 5100, 4900], [5200, 5050, 5300], 0.95);
    assert.ok(ratio);
    const latency = intervalCheck(
      {
        id: 'ab:latencyUs.p99:x@head',
        kind: 'ab',
        cellId: 'x',
        variant: 'head',
        metric: 'latencyUs.p99',
        noun: 'change',
      },
      ratio,
      '%',
      100,
      'change',
      { text: '+5%', value: 5, strict: false },
      Math.log1p,
    );
    const lines = resolutionLines(mergeVerdicts(verdicts, verdictsOf([latency], [])));
    assert.equal(lines.length, 3);
    assert.equal(lines[2], 'resolution of 1 other check (latency, memory, spans): in summary.md');
  });

  it('an interval with no spread says so', () => {
    const flat = { estimate: 0, low: 0, high: 0, unit: 'spans' as const, level: 0.95 };
    assert.match(
      resolutionSentence({ metric: 'spans.dropped', resolution: null, measured: flat }),
      /unknown \(every round gave the same value: no spread to draw it from\)/,
    );
  });
});
