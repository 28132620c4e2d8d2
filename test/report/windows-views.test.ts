import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gateFails } from '../../harness/budget/judge.js';
import { judgeRun } from '../../harness/budget/judge-run.js';
import { parseBudgets } from '../../harness/budget/load.js';
import { renderHtmlReport } from '../../harness/report/html/render.js';
import { renderJUnit } from '../../harness/report/junit.js';
import { renderSummaryMarkdown } from '../../harness/report/summary-md.js';
import { resultsSchema } from '../../harness/results/results-schema.js';
import type { WindowsComparison } from '../../harness/results/types.js';
import { CELL, windowsComparisons, windowsResults } from './fixtures/windows-fixtures.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { findAll, parseXml } from './xml.js';

const results = windowsResults();
const judged = judgeRun(results, { threshold: 0.05 });
const summary = renderSummaryMarkdown(results, judged.verdicts, judged.analysis);
const page = renderHtmlReport({ results, analysis: judged.analysis, verdicts: judged.verdicts });

/** The markdown table row of one comparison, split into its cells. */
function mdRow(cell: string, sides: string): string[] {
  const line = summary.split('\n').find((l) => l.startsWith(`| \`${cell}\` | ${sides} |`));
  assert.ok(line, `a row for ${cell} ${sides} in\n${summary}`);
  return line.split(' | ').map((c) => c.replace(/^\| |\s\|$/g, ''));
}

function specsOf(html: string): Record<string, { layer: { data: { values: Record<string, unknown>[] } }[] }> {
  const json = /<script type="application\/json" id="tb-specs">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(json, 'the page embeds its chart specs');
  return JSON.parse(json);
}

describe('a windows run in every view', () => {
  it('the fixture is a results.json a windows run writes', () => {
    assert.ok(resultsSchema.safeParse(results).success);
  });

  it('judges one A/B check per comparison, on the interval its verdict used, with the nested MDC as its resolution', () => {
    const checks = judged.verdicts.checks;
    assert.equal(checks.length, 3);
    assert.ok(checks.every((c) => c.kind === 'ab' && c.method === 'windows' && c.metric === 'cpuUsPerRequest'));
    assert.deepEqual(
      checks.map((c) => c.verdict),
      ['fail', 'inconclusive', 'inconclusive'],
    );
    const [head, same, short] = checks;
    // Decided early: the sequential interval; out of time: the nested one.
    assert.deepEqual([head.measured.low, head.measured.high].map(Math.round), [4, 19]);
    assert.ok(Math.abs(same.measured.low - -5.2) < 1e-9 && Math.abs(same.measured.high - 4.6) < 1e-9);
    assert.ok(Math.abs(head.resolution!.value - 3.84) < 1e-9 && head.resolution!.unit === '%');
    assert.ok(Math.abs(same.resolution!.value - 9.21) < 1e-9);
    assert.equal(short.resolution, null, 'no interval: unknown, never 0');
    assert.ok(Number.isNaN(short.measured.estimate));
    assert.equal(head.limit.text, '+3%');
    assert.deepEqual(judged.verdicts.notes, [], 'no "no variants" note: the comparisons are the A/B');
    assert.ok(gateFails(judged.verdicts), 'a failing comparison fails the run');
  });

  it('an MDC that cannot be drawn (under two pairs per set) is null in results.json and – in every view', () => {
    const [, same] = windowsComparisons();
    const few: WindowsComparison = { ...same, nested: { ...same.nested!, mdc: null } };
    const r = JSON.parse(JSON.stringify(windowsResults([few])));
    assert.ok(resultsSchema.safeParse(r).success, 'null validates');
    const j = judgeRun(r, { threshold: 0.05 });
    assert.equal(j.verdicts.checks[0].resolution, null);
    const md = renderSummaryMarkdown(r, j.verdicts, j.analysis);
    assert.match(md, /\| ⚠️ inconclusive at \+3\.0% \| – \| 45\/45 \|/);
    assert.doesNotMatch(md, /±0|Infinity|NaN/);
    assert.match(renderHtmlReport({ results: r, verdicts: j.verdicts }), /<td class="resolution">–<\/td>/);
  });

  it('says the budgets over trials were not judged, rather than judging them on nothing', () => {
    // A latency limit, and a CPU limit on a variant the run did not compare.
    const budgets = parseBudgets(
      {
        budgets: [
          { limits: { 'latencyUs.p99': '< 5ms' } },
          { where: { variant: ['other'] }, limits: { cpuUsPerRequest: '+40%' } },
        ],
      },
      'test',
    );
    const withBudgets = windowsResults();
    withBudgets.config.budgets = budgets;
    const v = judgeRun(withBudgets, { threshold: 0.05 }).verdicts;
    assert.equal(v.checks.length, 3);
    assert.ok(v.checks.every((c) => c.kind === 'ab'));
    assert.match(
      v.notes.join('\n'),
      /2 budget limits not judged \(budgets\[0\]\.latencyUs\.p99, budgets\[1\]\.cpuUsPerRequest\): the windows method .* only cpuUsPerRequest: \+N% limits, on cells compared with the baseline or with the first variant/,
    );
  });

  it('a cell against the baseline is judged on every cpuUsPerRequest budget that covers it: budget checks with the ids the trials method gives them', () => {
    const [head] = windowsComparisons();
    const overhead: WindowsComparison = {
      ...head,
      a: 'baseline',
      b: CELL,
      limit: 0.1,
      budgets: [
        { index: 0, text: '+40%', limit: 0.4 },
        { index: 1, text: '+10%', limit: 0.1 },
      ],
      verdict: 'inconclusive',
    };
    const r = windowsResults([overhead]);
    r.config.variants = undefined; // a run of the matrix against its baseline, not of variants
    r.config.budgets = parseBudgets(
      {
        budgets: [{ limits: { cpuUsPerRequest: '+40%', 'spans.dropped': 0 } }, { limits: { cpuUsPerRequest: '+10%' } }],
      },
      'test',
    );
    assert.ok(resultsSchema.safeParse(JSON.parse(JSON.stringify(r))).success);
    const v = judgeRun(r, { threshold: 0.05 }).verdicts;
    // The fixture's interval: +4.0% to +19.0% (sequential): under +40%, across +10%.
    assert.deepEqual(
      v.checks.map((c) => [c.id, c.kind, c.verdict, c.limit.text]),
      [
        [`budget[0]:cpuUsPerRequest:${CELL}`, 'budget', 'pass', '+40%'],
        [`budget[1]:cpuUsPerRequest:${CELL}`, 'budget', 'inconclusive', '+10%'],
      ],
    );
    assert.equal(v.checks[0].variant, undefined);
    assert.match(
      v.checks[0].message,
      /^budgets\[0\] cpuUsPerRequest \+40%: CPU µs\/request change of .* against baseline .* is within \+40%/,
    );
    assert.deepEqual(v.notes.length, 1);
    assert.match(v.notes[0], /1 budget limit not judged \(budgets\[0\]\.spans\.dropped\)/);
  });

  it('with variants, a budget covering the head variant judges its comparison, with the id cell@variant', () => {
    const [head] = windowsComparisons();
    const r = windowsResults([{ ...head, budgets: [{ index: 0, text: '+30%', limit: 0.3 }] }]);
    r.config.budgets = parseBudgets(
      { budgets: [{ where: { variant: ['head'] }, limits: { cpuUsPerRequest: '+30%' } }] },
      'test',
    );
    const v = judgeRun(r, { threshold: 0.05 }).verdicts;
    assert.deepEqual(
      v.checks.map((c) => [c.id, c.variant, c.verdict]),
      [[`budget[0]:cpuUsPerRequest:${CELL}@head`, 'head', 'pass']],
    );
    assert.deepEqual(v.notes, []);
  });

  it('summary.md: the headline fails, and a windows table states change, interval, verdict and resolution per comparison', () => {
    assert.match(summary.split('\n')[0], /^## ❌ tracebench windows-fixture: 1 failed · 2 inconclusive · 0 passed$/);
    assert.match(
      summary,
      /windows run windows-fixture · 3 comparisons .* 95% intervals \(window pairs nested in process sets\)/,
    );
    assert.match(summary, /### Same-run A\/B \(windows method\)/);
    const head = mdRow(CELL, 'head vs base');
    assert.deepEqual(head.slice(2), [
      '+11.2%',
      '+4.0% to +19.0% (95%, sequential)',
      '❌ fail at +3.0%',
      '±3.8%',
      '29/30',
      '3',
      '110 s',
      'decided',
      'steady after 12–18 s',
    ]);
    const same = mdRow(CELL, 'same vs base');
    assert.deepEqual(same.slice(2, 6), ['-0.4%', '-5.2% to +4.6% (95%, nested)', '⚠️ inconclusive at +3.0%', '±9.2%']);
    assert.match(same[10], /1 of 6 not steady within the bound \(30 s\)/);
    const short = mdRow('always_on~simple~none', 'head vs base');
    assert.deepEqual(short.slice(2, 6), ['–', '–', '⚠️ inconclusive at +3.0%', '–']);
    assert.match(
      summary,
      /- ⚠️ always\\_on\\~batch\\~otlp-http-protobuf, same vs base: same set 3: CPU per request was still changing/,
    );
    assert.match(summary, /this run could detect changes of ±3\.84% in CPU µs\/request/);
    assert.match(summary, /resolution in CPU µs\/request is unknown \(too few valid window pairs/);
    assert.match(summary, /Inconclusive \(2\): measure longer to settle/);
    // Cells without trials are not a table of dashes.
    assert.doesNotMatch(summary, /<summary>Cells:/);
  });

  it('report.html: the banner states each comparison’s resolution; the windows section has the table, the warm-up and a chart per comparison', () => {
    const banner = page.slice(page.indexOf('id="verdict-heading"'), page.indexOf('id="section-windows"'));
    assert.match(banner, /data-fail="1" data-inconclusive="2"/);
    assert.match(banner, /Resolution: this run could detect changes of ±3\.84% in CPU µs\/request/);
    assert.match(banner, /Resolution: this run could detect changes of ±9\.21% in CPU µs\/request/);
    assert.match(banner, /resolution in CPU µs\/request is unknown/);
    assert.match(banner, /\(ab, windows method\)/);
    assert.match(page, /3 comparisons by the windows method at 500 req\/s/);
    assert.doesNotMatch(page, /= 0 trials/);
    assert.doesNotMatch(page, /id="section-cells"/);
    const rows = [...page.matchAll(/<tr[^>]*data-verdict="(\w+)"><th scope="row">([^<]+)<\/th>(.*?)<\/tr>/g)];
    assert.deepEqual(
      rows.map((r) => r[1]),
      ['fail', 'inconclusive', 'inconclusive'],
    );
    assert.match(rows[0][3], /\+11\.2%.*\+4\.0% to \+19\.0%.*95%, sequential.*fail at \+3\.0%.*±3\.8%.*29\/30/);
    assert.match(rows[2][3], /<td class="resolution">–<\/td>/);
    assert.match(page, /not steady within the bound/);
    const specs = specsOf(page);
    assert.deepEqual(Object.keys(specs).sort(), ['windows-0', 'windows-1', 'windows-2']);
    const points = specs['windows-0'].layer[0].data.values;
    assert.equal(points.length, 29, 'every valid pair, the unserved one left out');
    assert.deepEqual([...new Set(points.map((p) => p.set))].sort(), ['set 1', 'set 2', 'set 3']);
    // The estimate rule sits on the log scale of the points: 100 × ln(1.112).
    assert.ok(Math.abs((specs['windows-0'].layer[1].data.values[0].y as number) - 100 * Math.log(1.112)) < 1e-9);
  });

  it('junit.xml: one testcase per comparison, a failure for fail and skipped for inconclusive, each with its resolution', () => {
    const root = parseXml(renderJUnit(judged.verdicts));
    const cases = findAll(root, 'testcase');
    assert.equal(cases.length, 3);
    assert.ok(
      cases.every((c) => c.attributes.classname === 'tracebench.ab' && /\(windows method\)$/.test(c.attributes.name)),
    );
    const [failure] = findAll(cases[0], 'failure');
    assert.match(failure.attributes.message, /measured \+11\.2% \(95% CI \+4% to \+19%\), limit \+3%/);
    assert.match(failure.text, /could detect changes of ±3\.84%/);
    const skipped = findAll(root, 'skipped');
    assert.equal(skipped.length, 2);
    assert.match(skipped[0].attributes.message, /straddles \+3%.*measure longer.*could detect changes of ±9\.21%/);
    assert.match(skipped[1].attributes.message, /resolution in CPU µs\/request is unknown/);
  });

  it('a passing comparison passes every view, and junit keeps its resolution', () => {
    const [head] = windowsComparisons();
    const pass: WindowsComparison = {
      ...head,
      sequential: { estimate: 0.002, low: -0.02, high: 0.021, level: 0.95 },
      verdict: 'pass',
    };
    const r = windowsResults([pass]);
    const j = judgeRun(r, { threshold: 0.05 });
    assert.deepEqual(j.verdicts.counts, { pass: 1, fail: 0, inconclusive: 0, error: 0 });
    assert.match(
      renderSummaryMarkdown(r, j.verdicts, j.analysis),
      /^## ✅ tracebench windows-fixture: all 1 checks pass/,
    );
    const out = findAll(parseXml(renderJUnit(j.verdicts)), 'system-out');
    assert.match(out[0].text, /within \+3% .*\n.*could detect changes of ±3\.84%/);
  });

  it('an inconclusive comparison whose sets differ says a calibration, not time, would settle it, unless it had one', () => {
    const [, same] = windowsComparisons();
    const setsBound: WindowsComparison = {
      ...same,
      nested: { ...same.nested!, low: -0.09, high: 0.093, df: 2, betweenSd: 0.03, betweenShare: 0.82, mdc: 0.21 },
    };
    const checkOf = (c: WindowsComparison) => judgeRun(windowsResults([c]), { threshold: 0.05 }).verdicts.checks[0];
    const alone = checkOf(setsBound);
    assert.equal(alone.verdict, 'inconclusive');
    assert.match(
      alone.message,
      /its 3 process sets differ more than their windows' noise explains \(82% of the interval's variance, 2 degrees of freedom\), which time barely narrows: calibrate this machine \(tracebench calibrate --method windows, then run --calibration FILE\)/,
    );
    const r = windowsResults([setsBound]);
    const j = judgeRun(r, { threshold: 0.05 });
    const note =
      /always_on~batch~otlp-http-protobuf same vs base: inconclusive, mostly because the run's few process sets differ more than their windows' noise explains, which time barely narrows; a calibration of this machine lends/;
    assert.ok(
      j.verdicts.notes.some((n) => note.test(n)),
      j.verdicts.notes.join('\n'),
    );
    assert.match(
      renderSummaryMarkdown(r, j.verdicts, j.analysis),
      /- always\\_on\\~batch\\~otlp-http-protobuf same vs base: inconclusive, mostly because the run's few process sets/,
    );
    assert.ok(!judged.verdicts.notes.some((n) => /calibration of this machine/.test(n)));
    // Mostly window noise (the fixture's 21%): time is what settles it.
    assert.match(
      checkOf(same).message,
      /: measure longer \(method\.maxMinutes, or --until-decided --max-minutes N\) or with more process sets\./,
    );
    // Given a calibration its sets did not fit: the calibration is named, not asked for.
    const misfit = checkOf({
      ...setsBound,
      calibration: { file: 'cal.json', betweenSd: 0.01, df: 24, used: 'misfit' },
    });
    assert.doesNotMatch(misfit.message, /calibrate this machine/);
    assert.match(misfit.message, /measure longer/);
  });

  it('tracebench report rebuilds all three views from a windows results.json', async () => {
    const dir = tempDir('tb-windows-report-');
    writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
    const run = await runCli(['report', dir], { timeoutMs: 30_000 });
    assert.equal(run.code, 0, run.stderr);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    assert.equal(md, summary, 'the same summary the run writes');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /id="section-windows"/);
    assert.match(html, /could detect changes of ±3\.84%/);
    const xml = parseXml(readFileSync(join(dir, 'junit.xml'), 'utf8'));
    assert.deepEqual([xml.attributes.tests, xml.attributes.failures, xml.attributes.skipped], ['3', '1', '2']);
  });
});
