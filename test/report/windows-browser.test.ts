import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, NO_CHROMIUM } from '../helpers/chromium.js';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { judgeRun } from '../../harness/budget/judge-run.js';
import { writeHtmlReport } from '../../harness/report/html/render.js';
import { windowsComparisons, windowsResults } from './fixtures/windows-fixtures.js';

describe('a windows run’s report in Chromium', () => {
  let dir = '';
  let context: BrowserContext | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tb-windows-html-'));
    if (NO_CHROMIUM) return;
    ({ context } = await launchChromium(dir));
  });

  after(async () => {
    await context?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('draws one pair chart per comparison offline, a dot per valid pair, with no vega error', {
    skip: NO_CHROMIUM,
  }, async () => {
    const results = windowsResults();
    const judged = judgeRun(results, { threshold: 0.05 });
    const file = join(dir, 'report.html');
    writeHtmlReport(file, { results, analysis: judged.analysis, verdicts: judged.verdicts });
    const page = await context!.newPage();
    const errors: string[] = [];
    const outside: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => /^(file|data):/.test(r.url()) || outside.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForSelector('html[data-charts-done]', { timeout: 60_000 });
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(outside, [], 'no request leaves file:// and data:');
    const drawn = await page.$$eval('figure[data-chart]', (figures) =>
      figures.map((f) => ({
        id: f.getAttribute('data-chart'),
        rendered: f.getAttribute('data-rendered'),
        points: f.querySelectorAll('.chart svg g.mark-symbol.role-mark > path').length,
        rules: f.querySelectorAll('.chart svg g.mark-rule.role-mark > line').length,
      })),
    );
    const valid = windowsComparisons().map((c) => c.pairs.filter((p) => p.valid).length);
    assert.deepEqual(drawn, [
      // Estimate, two interval bounds and the limit; the third has no interval, only the limit.
      { id: 'windows-0', rendered: 'svg', points: valid[0], rules: 4 },
      { id: 'windows-1', rendered: 'svg', points: valid[1], rules: 4 },
      { id: 'windows-2', rendered: 'svg', points: valid[2], rules: 1 },
    ]);
    const banner = (await page.textContent('.banner'))!;
    assert.match(banner, /could detect changes of ±3\.84% in CPU µs\/request/);
    await page.close();
  });
});
