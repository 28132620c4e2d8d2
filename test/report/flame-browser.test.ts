import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium, NO_CHROMIUM } from '../helpers/chromium.js';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';
import { writeHtmlReport } from '../../harness/report/html/render.js';
import { analyse } from '../../harness/stats/analyse.js';
import { tempDir } from '../helpers/cli.js';
import { layeredResults } from './fixtures/attribution-fixtures.js';

describe('the flame view in Chromium', () => {
  let dir = '';
  let profile = '';
  let context: BrowserContext | undefined;

  before(async () => {
    if (NO_CHROMIUM) return;
    dir = tempDir('tb-flame-');
    ({ context, profile } = await launchChromium(dir));
  });

  after(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws one icicle per profiled layer, frames as wide as their µs per request, coloured by category', {
    skip: NO_CHROMIUM,
  }, async (t) => {
    const results = layeredResults({ profileShare: 0.9 });
    const file = join(dir, 'flame.html');
    writeHtmlReport(file, { results, analysis: analyse(results) });
    const page = await context!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    assert.deepEqual(errors, []);
    assert.equal(await page.locator('.flame').count(), 8, 'a flame view per layer cell');
    // The simple-export layer: the root, then the service, SDK, serialization, exporter... frames beneath it.
    const frames = await page.$$eval('.flame', (flames) => {
      const last = flames[flames.length - 1];
      const root = last.getBoundingClientRect();
      return [...last.querySelectorAll<HTMLElement>('.fl')].map((el) => {
        const box = el.getBoundingClientRect();
        return {
          title: el.title,
          text: el.textContent,
          width: box.width,
          top: box.top - root.top,
          colour: getComputedStyle(el).backgroundColor,
          visible: box.width > 0 && box.height > 0,
        };
      });
    });
    assert.ok(frames.length >= 5, `${frames.length} frames`);
    assert.ok(
      frames.every((f) => f.visible),
      'every frame is drawn',
    );
    const [root, ...children] = frames;
    assert.equal(root.top, 0);
    assert.ok(
      children.every((c) => c.top > 0),
      'callees under their caller',
    );
    const childWidths = children.reduce((s, c) => s + c.width, 0);
    assert.ok(
      Math.abs(childWidths - root.width) < 2,
      `${childWidths} vs ${root.width}: the children fill their caller`,
    );
    const serialization = frames.find((f) => f.title.includes('serialization'))!;
    const service = frames.find((f) => f.title.startsWith('serviceWork'))!;
    // 40.5 µs of serialization against 270 of service work (the fixture's 0.9 share of 45 and 300).
    assert.ok(
      Math.abs(serialization.width / service.width - 40.5 / 270) < 0.02,
      `${serialization.width} / ${service.width}`,
    );
    assert.notEqual(serialization.colour, service.colour, 'categories have their own colours');
    assert.ok((await page.locator('.flame-legend .key').count()) >= 5, 'a colour key');
    await page.screenshot({ path: join(dir, 'flame.png'), fullPage: true });
    t.diagnostic(`screenshot: ${join(dir, 'flame.png')}`);
    await page.close();
  });
});
