import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, NO_CHROMIUM } from '../helpers/chromium.js';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { loadAssets } from '../../harness/report/html/assets.js';
import { samplingSection } from '../../harness/report/html/charts-sampling.js';
import { html } from '../../harness/report/html/escape.js';
import { page } from '../../harness/report/html/page.js';
import { samplingStudy, type SamplingStudy } from '../../harness/report/sampling.js';
import { studyResults } from './fixtures/sampling-fixtures.js';

const HOSTILE = '</script><img src=x onerror=alert(1)>';

/** The section in the report's own page shell, with the same inlined libraries and no other chart. */
function writePage(dir: string, name: string, study: SamplingStudy): string {
  const file = join(dir, `${name}.html`);
  writeFileSync(
    file,
    page({
      title: `sampling ${name}`,
      body: html`<main>${samplingSection(study)}</main>`,
      specs: {},
      data: {},
      assets: loadAssets(),
    }),
  );
  return file;
}

interface Opened {
  page: Page;
  errors: string[];
  outside: string[];
  dialogs: string[];
}

async function open(context: BrowserContext, file: string): Promise<Opened> {
  const p = await context.newPage();
  const opened: Opened = { page: p, errors: [], outside: [], dialogs: [] };
  p.on('console', (m) => m.type() === 'error' && opened.errors.push(m.text()));
  p.on('pageerror', (e) => opened.errors.push(e.message));
  p.on('request', (r) => /^(file|data):/.test(r.url()) || opened.outside.push(r.url()));
  p.on('dialog', (d) => {
    opened.dialogs.push(d.message());
    void d.dismiss();
  });
  await p.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await p.waitForSelector('html[data-sampling-done]', { timeout: 60_000 });
  return opened;
}

/** Per figure: drawn as SVG, its data marks (points, rules, lines), frontier lines and label texts. */
function figures(p: Page) {
  return p.$$eval('figure[data-sampling-chart]', (list) =>
    list.map((f) => ({
      id: f.getAttribute('data-sampling-chart') ?? '',
      rendered: f.getAttribute('data-rendered'),
      marks: f.querySelectorAll(
        '.chart svg g.role-mark[class*="mark-"] > path, .chart svg g.role-mark[class*="mark-"] > line',
      ).length,
      lines: f.querySelectorAll('.chart svg g.mark-line.role-mark > path').length,
      // A label block of several lines is one text element with a tspan per line.
      labels: Array.from(f.querySelectorAll('.chart svg g.mark-text.role-mark text')).flatMap((t) => {
        const lines = Array.from(t.querySelectorAll('tspan')).map((s) => s.textContent ?? '');
        return lines.length > 0 ? lines : [t.textContent ?? ''];
      }),
    })),
  );
}

describe('the sampling section in Chromium', () => {
  let dir = '';
  let profile = '';
  let context: BrowserContext | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tb-sampling-'));
    if (NO_CHROMIUM) return;
    ({ context, profile } = await launchChromium(dir));
  });

  after(async () => {
    await context?.close();
    // The page and its screenshot stay for a person to look at; the browser profile goes.
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws the three coverage-versus-cost charts with their points, labels and frontier line, offline', {
    skip: NO_CHROMIUM,
  }, async (t) => {
    const study = samplingStudy(studyResults())!;
    const file = writePage(dir, 'study', study);
    const { page: p, errors, outside } = await open(context!, file);
    assert.deepEqual(errors, [], 'no console errors');
    assert.deepEqual(outside, [], 'no request leaves file:// and data:');
    const drawn = await figures(p);
    assert.deepEqual(
      drawn.map((f) => f.id),
      ['sampling-cpu', 'sampling-exported', 'sampling-kept'],
    );
    for (const f of drawn) {
      assert.equal(f.rendered, 'svg', f.id);
      // A point and an interval rule per row at least.
      assert.ok(f.marks >= 2 * study.rows.length, `${f.id}: ${f.marks} marks`);
      assert.equal(f.lines, 1, `${f.id}: one frontier line`);
      assert.deepEqual([...f.labels].sort(), study.rows.map((r) => r.label).sort(), `${f.id}: every point labelled`);
    }
    const rows = await p.$$eval('table.sampling tbody tr', (trs) => trs.length);
    assert.equal(rows, study.rows.length);
    assert.match(
      (await p.textContent('ul.frontiers'))!,
      /Frontier of error traces kept against bytes kept per second: traceidratio 0\.1 → always_on \+ tail: errors-and-slow/,
    );
    const screenshot = join(dir, 'study.png');
    await p.screenshot({ path: screenshot, fullPage: true });
    t.diagnostic(`screenshot: ${screenshot}`);
    await p.close();
  });

  it('shows a hostile policy name as text in the labels and the table, and runs none of it', {
    skip: NO_CHROMIUM,
  }, async () => {
    const study = samplingStudy(studyResults({ tailName: HOSTILE }))!;
    const file = writePage(dir, 'hostile', study);
    const { page: p, errors, dialogs } = await open(context!, file);
    // Tooltips put text into the page too; points that share a place overlap, so each is hovered where it is drawn.
    for (const point of await p.$$('figure[data-sampling-chart="sampling-kept"] g.mark-symbol.role-mark > path'))
      await point.hover({ force: true });
    await p.waitForTimeout(100);
    assert.deepEqual(dialogs, [], 'no dialog opened');
    assert.deepEqual(errors, []);
    assert.equal(await p.$$eval('img', (imgs) => imgs.length), 0, 'no img element exists');
    const label = `always_on + tail: ${HOSTILE}`;
    assert.ok(
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
      (await p.evaluate(() => document.body.innerText)).includes(label),
      'the table and captions show it literally',
    );
    for (const f of await figures(p)) assert.ok(f.labels.includes(label), `${f.id} labels the point with it`);
    await p.close();
  });
});
