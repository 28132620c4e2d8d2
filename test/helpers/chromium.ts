import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (.ci/run installs it): a test never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';

/** Why the browser checks are skipped, or false when they can run. */
export const NO_CHROMIUM: string | false =
  !existsSync(CHROMIUM) &&
  `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run the browser checks`;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Headless Chromium with a fresh profile in a new folder under `dir` (`profile`, for the caller to remove). */
export async function launchChromium(dir: string): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(dir, 'profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return { context, profile };
}
