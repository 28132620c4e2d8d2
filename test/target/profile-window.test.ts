import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { summariseProfile } from '../../harness/results/profile.js';
import { recordProfiles } from '../../harness/run/profile-window.js';
import { launchService } from '../../harness/target/launch.js';
import { assertCpuProfile } from '../helpers/cpuprofile.js';
import { tempDir } from '../helpers/cli.js';

/** A service whose every request does a little named work, so the profile has a frame of the service's own to find. */
const APP = `
function busyWork() { let s = ''; for (let i = 0; i < 2000; i++) s = JSON.stringify({ i, s: s.slice(0, 40) }); return s; }
require('node:http').createServer((q, s) => s.end(busyWork())).listen(process.env.PORT, '127.0.0.1');
`;

function get(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, (res) => res.resume().on('end', resolve))
      .on('error', reject)
      .end();
  });
}

describe('the probe profiles a window when asked', { timeout: 60_000 }, () => {
  it('returns a Chrome DevTools profile of the window, the main thread’s CPU, and none when not asked', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'app.cjs'), APP);
    const service = await launchService({
      command: ['node', 'app.cjs'],
      cwd: dir,
      env: {},
      readyPath: '/',
      startupTimeoutMs: 10_000,
    });
    try {
      await service.request({ tb: 'window-start' }, 'window-started', 5000);
      for (let i = 0; i < 20; i++) await get(`${service.baseUrl}/`);
      const plain = await service.request({ tb: 'window-end' }, 'window', 5000);
      assert.equal(plain.report.profile, undefined, 'an unprofiled window carries no profile');

      await service.request({ tb: 'window-start', profileIntervalUs: 200 }, 'window-started', 5000);
      for (let i = 0; i < 100; i++) await get(`${service.baseUrl}/`);
      const { report } = await service.request({ tb: 'window-end' }, 'window', 30_000);
      assert.ok(report.profile, 'a profiled window carries its profile');
      assertCpuProfile(report.profile);
      assert.equal(report.requests, 100);
      if (process.platform === 'linux') assert.ok((report.profileMainThreadCpuUs ?? 0) > 0, 'main-thread CPU read');
      const summary = summariseProfile(report.profile);
      assert.ok(summary.categoryUs.service > 0, 'the service’s own function is placed as its work');
      const names = JSON.stringify(report.profile.nodes.map((n) => n.callFrame.functionName));
      assert.match(names, /busyWork/);

      const out = tempDir();
      const recorded = recordProfiles(out, 'r0-o0-abc', 200, [{ name: 'app', report }], 1000);
      assert.deepEqual(recorded.files, ['r0-o0-abc.cpuprofile']);
      const saved = JSON.parse(readFileSync(join(out, 'r0-o0-abc.cpuprofile'), 'utf8'));
      assertCpuProfile(saved);
      assert.deepEqual(saved, report.profile, 'the file is the profile as V8 gave it');
      assert.equal(recorded.requests, 100);
      assert.equal(recorded.cpuUsPerRequest, 10);
      // The categories divide the main thread's measured CPU, so they add up to it.
      const placed = Object.values(recorded.categoryUsPerRequest).reduce((t, v) => t + v, 0);
      if (recorded.mainThreadCpuUsPerRequest !== null)
        assert.ok(Math.abs(placed - recorded.mainThreadCpuUsPerRequest) < 1e-6, `${placed}`);
      assert.ok(recorded.flame.children.length > 0);
    } finally {
      await service.kill();
    }
  });
});
