import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, NO_CHROMIUM } from '../helpers/chromium.js';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import type { Check, Verdicts } from '../../harness/budget/types.js';
import { loadConfigFile } from '../../harness/config/load.js';
import { summariseCell } from '../../harness/results/summary.js';
import type { CellResult, Results, TrialRecord } from '../../harness/results/types.js';
import { expandMatrix } from '../../harness/plan/cells.js';
import type { MeasuredTrial } from '../../harness/report/html/model.js';
import { writeHtmlReport } from '../../harness/report/html/render.js';
import { analyse } from '../../harness/stats/analyse.js';
import { PACKAGE_ROOT, readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';
import { layeredResults } from './fixtures/attribution-fixtures.js';
import { fixtureAnalysis, fixtureResults, fixtureVerdicts, PAYLOAD } from './fixtures/html-fixtures.js';
import { microFixture } from './fixtures/micro-fixtures.js';

const TINY_RUN = `name: html-report
rounds: 1
seed: 5
load: { rateRps: 300, warmupSeconds: 0.3, durationSeconds: 1 }
matrix:
  sampler: [always_on, { type: traceidratio, ratio: 0.1 }]
  processor: [batch]
  exporter: [otlp-http-protobuf]
`;

/** Verdicts for a real run: one of each kind, so the banner has something to show in every slot. */
function verdictsFor(results: Results): Verdicts {
  const verdicts = ['fail', 'inconclusive', 'pass'] as const;
  const checks: Check[] = results.cells.map((cell, i) => ({
    id: `budget[0]:cpuUsPerRequest:${cell.id}`,
    kind: 'budget',
    cellId: cell.id,
    metric: 'cpuUsPerRequest',
    verdict: verdicts[i % 3],
    measured: { estimate: 20 + i, low: 10 + i, high: 30 + i, unit: '%', level: 0.95 },
    of: 'change',
    limit: { text: '+25%', value: 25 },
    judgedOn: 'interval',
    message: `test verdict ${verdicts[i % 3]}`,
    resolution: null,
  }));
  const counts = { pass: 0, fail: 0, inconclusive: 0, error: 0 };
  for (const c of checks) counts[c.verdict]++;
  return { checks, counts, notes: [] };
}

interface Opened {
  page: Page;
  errors: string[];
  outside: string[];
  dialogs: string[];
  loadMs: number;
  /** performance.now() in the page when the last chart was drawn. */
  drawnAtMs: number;
}

async function open(context: BrowserContext, file: string): Promise<Opened> {
  const page = await context.newPage();
  const errors: string[] = [];
  const outside: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => /^(file|data):/.test(r.url()) || outside.push(r.url()));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const start = Date.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForSelector('html[data-charts-done]', { timeout: 120_000 });
  const loadMs = Date.now() - start;
  const drawnAtMs = Number(await page.getAttribute('html', 'data-charts-done'));
  return { page, errors, outside, dialogs, loadMs, drawnAtMs };
}

/** Per figure: drawn as SVG, and how many data marks (not axes or legends) it holds. */
function charts(page: Page): Promise<{ id: string; rendered: string | null; svg: boolean; marks: number }[]> {
  return page.$$eval('figure[data-chart]', (figures) =>
    figures.map((f) => ({
      id: f.getAttribute('data-chart') ?? '',
      rendered: f.getAttribute('data-rendered'),
      svg: f.querySelector('.chart svg') !== null,
      marks: f.querySelectorAll(
        '.chart svg g.role-mark[class*="mark-"] > path, .chart svg g.role-mark[class*="mark-"] > line, .chart svg g.role-mark[class*="mark-"] > rect',
      ).length,
    })),
  );
}

/** 195 cells × 5 rounds like configs/full.yaml, each trial a copy of a real one with its CPU and drops varied. */
async function fullSized(real: Results): Promise<Results> {
  const config = await loadConfigFile(join(PACKAGE_ROOT, 'configs/full.yaml'));
  const { cells } = expandMatrix(config);
  const source = real.cells
    .flatMap((c) => c.trials)
    .find((t): t is MeasuredTrial => t.status === 'ok' && (t.metrics.spans.sampled ?? 0) > 0);
  assert.ok(source, 'the real run has an ok trial with spans');
  const results: CellResult[] = cells.map((cell, ci) => {
    const trials: TrialRecord[] = Array.from({ length: config.rounds }, (_, round) => {
      const m = structuredClone(source.metrics);
      m.cpuUsPerRequest *= 1 + ((ci * 7 + round * 13) % 17) / 40;
      const small =
        cell.settings.tracing === 'sdk' &&
        cell.settings.processor?.type === 'batch' &&
        cell.settings.processor.maxQueueSize === 64;
      if (small)
        m.spans = {
          ...m.spans,
          dropped: Math.round(m.spans.sampled! * 0.2),
          exported: Math.round(m.spans.sampled! * 0.8),
        };
      return { ...source, cellId: cell.id, round, order: ci, metrics: m, warnings: small ? ['drops'] : [] };
    });
    return { id: cell.id, settings: cell.settings, collapsed: cell.collapsed, trials, summary: summariseCell(trials) };
  });
  return {
    ...real,
    config: { ...config, seed: real.seed },
    configFile: join(PACKAGE_ROOT, 'configs/full.yaml'),
    cells: results,
  };
}

describe('the HTML report in Chromium', () => {
  let dir = '';
  let real: Results;
  let profile = '';
  let context: BrowserContext | undefined;

  before(async () => {
    dir = tempDir('tb-html-');
    const out = join(dir, 'reports');
    const run = await runCli(['run', '--config', writeConfig(dir, TINY_RUN), '--out', out, '--quiet'], {
      timeoutMs: 90_000,
    });
    assert.equal(run.code, 0, run.stderr);
    real = readJson<Results>(join(out, 'latest', 'results.json'));
    if (NO_CHROMIUM) return;
    ({ context, profile } = await launchChromium(dir));
  });

  after(async () => {
    await context?.close();
    // The report, the screenshots and the run stay in the temp folder for a person to look at; the browser profile goes.
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws every chart of a real run offline, with the verdict counts it was given', {
    skip: NO_CHROMIUM,
  }, async (t) => {
    const verdicts = verdictsFor(real);
    const file = join(dir, 'report.html');
    writeHtmlReport(file, { results: real, verdicts });
    const { page, errors, outside, loadMs } = await open(context!, file);
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(outside, [], 'no request leaves file:// and data:');
    const drawn = await charts(page);
    assert.deepEqual(
      drawn.map((c) => c.id),
      ['cpu', 'overhead', 'latency', 'memory', 'runtime', 'span-fate', 'series'],
    );
    for (const c of drawn) assert.ok(c.rendered === 'svg' && c.svg && c.marks > 0, `${c.id}: ${JSON.stringify(c)}`);
    const counts = (await page.textContent('.banner .counts'))!.replace(/\s+/g, ' ').trim();
    assert.equal(
      counts,
      `${verdicts.counts.fail} fail ${verdicts.counts.inconclusive} inconclusive ${verdicts.counts.pass} pass`,
    );
    assert.equal(await page.title(), `tracebench: html-report, run ${real.runId}`);
    const screenshot = join(dir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    t.diagnostic(`screenshot: ${screenshot} (loaded in ${loadMs} ms)`);
    await page.close();
  });

  it('shows hostile strings as text and runs none of them', { skip: NO_CHROMIUM }, async () => {
    const results = fixtureResults({ payload: PAYLOAD });
    const analysis = fixtureAnalysis(results);
    const file = join(dir, 'hostile.html');
    writeHtmlReport(file, { results, analysis, verdicts: fixtureVerdicts(analysis, 45, PAYLOAD) });
    const { page, errors, dialogs } = await open(context!, file);
    // Tooltips put text into the page too: hover every bar of the CPU chart.
    for (const bar of await page.$$('figure[data-chart="cpu"] g.role-mark.mark-rect > path')) await bar.hover();
    await page.waitForTimeout(100);
    assert.deepEqual(dialogs, [], 'no dialog opened');
    assert.deepEqual(errors, []);
    assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0, 'no img element exists');
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees, not the source text
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(text.includes(PAYLOAD), 'the cell id, warning and config name show literally');
    assert.ok(text.includes(`fixture ${PAYLOAD}`));
    assert.ok((await page.title()).includes(PAYLOAD));
    const labels = await page.$$eval('figure[data-chart="cpu"] svg text', (ts) => ts.map((x) => x.textContent));
    assert.ok(labels.includes(PAYLOAD), 'the chart axis shows the cell id as text');
    await page.close();
  });

  it('keeps a configs/full.yaml-sized report under 32 KB a cell and measures its load time', async (t) => {
    const results = await fullSized(real);
    assert.equal(results.cells.length, 195);
    const file = join(dir, 'full.html');
    writeHtmlReport(file, { results });
    const bytes = statSync(file).size;
    t.diagnostic(`full-size report: ${results.cells.length} cells × ${results.config.rounds} rounds, ${bytes} bytes`);
    // The bound is per cell: 5 MB held 163 cells, before otlp-grpc made full.yaml 195 cells.
    assert.ok(
      bytes / results.cells.length < 32 * 1024,
      `${bytes} bytes, ${Math.round(bytes / results.cells.length)} a cell`,
    );
    if (NO_CHROMIUM) return t.skip(NO_CHROMIUM);
    const { page, errors, outside, loadMs, drawnAtMs } = await open(context!, file);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
    for (const c of await charts(page)) assert.ok(c.rendered === 'svg' && c.marks > 0, c.id);
    t.diagnostic(`full-size report load: ${loadMs} ms to every chart drawn (in-page ${drawnAtMs} ms)`);
    console.log(`full-size report: ${bytes} bytes, loaded and drawn in ${loadMs} ms (in-page ${drawnAtMs} ms)`);
    await page.screenshot({ path: join(dir, 'full.png'), fullPage: true });
    await page.close();
  });
});

describe('the attribution waterfall and the claims chart in Chromium', () => {
  let dir = '';
  let profile = '';
  let context: BrowserContext | undefined;

  before(async () => {
    if (NO_CHROMIUM) return;
    dir = tempDir('tb-html-layers-');
    ({ context, profile } = await launchChromium(dir));
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws a bar per layer and per total, the intervals and the prediction ticks, offline', {
    skip: NO_CHROMIUM,
  }, async (t) => {
    const results = layeredResults({ micro: microFixture() });
    const file = join(dir, 'layers.html');
    writeHtmlReport(file, { results, analysis: analyse(results) });
    const { page, errors, outside } = await open(context!, file);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
    const drawn = Object.fromEntries((await charts(page)).map((c) => [c.id, c]));
    const waterfall = drawn.waterfall;
    assert.ok(waterfall && waterfall.rendered === 'svg' && waterfall.svg, JSON.stringify(waterfall));
    // 7 layer bars and 3 path totals, each with an interval rule and a prediction tick, and the zero line.
    assert.ok(waterfall.marks >= 10 * 3, `${waterfall.marks} marks`);
    const bars = await page.$$('figure[data-chart="waterfall"] g.role-mark.mark-rect > path');
    assert.ok(bars.length >= 10, `${bars.length} bars`);
    const claims = drawn.claims;
    assert.ok(claims && claims.rendered === 'svg' && claims.marks >= 8, JSON.stringify(claims));
    const labels = await page.$$eval('figure[data-chart="waterfall"] svg text', (ts) => ts.map((x) => x.textContent));
    assert.ok(labels.includes('2 sdk-always-off'), 'the x axis names each layer');
    await page.screenshot({ path: join(dir, 'layers.png'), fullPage: true });
    t.diagnostic(`screenshot: ${join(dir, 'layers.png')}`);
    await page.close();
  });
});
