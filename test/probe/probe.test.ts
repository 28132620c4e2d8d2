import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { killAllChildren, launchService, ServiceError, type RunningService } from '../../harness/target/launch.js';
import type { ProbeWindowReport } from '../../harness/probe/protocol.js';

const ENTRY = fileURLToPath(new URL('../target/fixtures/probe-server.js', import.meta.url));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function get(service: RunningService, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(service.baseUrl + path, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

function launch(parts?: string): Promise<RunningService> {
  return launchService({
    entry: ENTRY,
    env: parts === undefined ? {} : { TRACEBENCH_PROBE_PARTS: parts },
    readyPath: '/healthz',
    startupTimeoutMs: 10_000,
  });
}

async function window(
  service: RunningService,
  during: () => Promise<void>,
  parts?: string,
): Promise<ProbeWindowReport> {
  await service.request({ tb: 'window-start', ...(parts !== undefined ? { parts } : {}) }, 'window-started', 5000);
  await during();
  return (await service.request({ tb: 'window-end' }, 'window', 5000)).report;
}

function clearRefsWritable(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

after(() => killAllChildren());

describe('in-service probe', () => {
  it('counts only the requests started inside the window; a series point on the first request after each second', async () => {
    const service = await launch();
    try {
      for (let i = 0; i < 5; i++) await get(service, '/work');
      const report = await window(service, async () => {
        for (let i = 0; i < 20; i++) await get(service, '/work');
        await sleep(1150);
        await get(service, '/work');
      });
      assert.equal(report.requests, 21);
      assert.equal(report.series.length, 1);
      // The point is taken as the 21st request starts, which it counts.
      assert.equal(report.series[0].requests, 21);
      assert.ok(report.series[0].tMs >= 1150, `point at ${report.series[0].tMs} ms`);
      assert.ok(report.series[0].cpuUs > 0 && report.series[0].rssBytes > 0 && report.series[0].heapUsedBytes > 0);
      assert.ok(report.cpuUserUs + report.cpuSystemUs >= report.series[0].cpuUs);
      assert.ok(report.probeCpuUs > 0 && report.probeCpuUs < 50_000, `probeCpuUs ${report.probeCpuUs}`);
      assert.ok(report.windowMs >= 1150);
    } finally {
      await service.kill();
    }
  });

  it('closes the series at window end with a point for the requests since the last one', async () => {
    const service = await launch();
    try {
      const report = await window(service, async () => {
        for (let i = 0; i < 7; i++) await get(service, '/work');
      });
      assert.equal(report.series.length, 1, 'a window shorter than a second still has its point');
      assert.equal(report.series[0].requests, 7);
      assert.ok(
        report.series[0].tMs <= report.windowMs + 1,
        `point at ${report.series[0].tMs} ms of ${report.windowMs}`,
      );
      // The closing point is taken after the window's clocks: its work is not counted as the window's own.
      assert.equal(report.probeCpuUs, 0);
    } finally {
      await service.kill();
    }
  });

  it('takes no series point without requests: the probe adds no timer of its own for it', async () => {
    const service = await launch();
    try {
      const report = await window(service, () => sleep(1300));
      assert.deepEqual([report.requests, report.series.length], [0, 0]);
    } finally {
      await service.kill();
    }
  });

  it('falls back to a 1 s timer for the series when requests are not counted', async () => {
    const service = await launch('series');
    try {
      const report = await window(service, () => sleep(1150));
      assert.equal(report.series.length, 1);
      assert.equal(report.series[0].requests, 0);
    } finally {
      await service.kill();
    }
  });

  it('reads a 300 ms stall as event-loop delay, in the window and in its second of the series', async () => {
    const service = await launch();
    try {
      const report = await window(service, async () => {
        // The monitor's first interval primes it (loop-delay.ts): stall after it.
        await sleep(300);
        await get(service, '/block?ms=300');
        await sleep(800);
        await get(service, '/work');
      });
      assert.equal(report.eventLoopDelayResolutionMs, 200);
      // The sample due during the stall runs when it ends: at least 300 ms minus one resolution late.
      assert.ok(
        report.eventLoopDelayUs.max >= 95_000 && report.eventLoopDelayUs.max < 1_000_000,
        `max ${report.eventLoopDelayUs.max}`,
      );
      assert.ok(report.eventLoopDelayUs.p50 < 50_000, `p50 ${report.eventLoopDelayUs.p50}`);
      // The two monitors fire in the same loop turn but time themselves separately: a few µs apart.
      assert.ok(
        Math.abs(report.series[0].loopLagMaxUs - report.eventLoopDelayUs.max) < 2000,
        `second ${report.series[0].loopLagMaxUs}`,
      );
    } finally {
      await service.kill();
    }
  });

  it('sees a short-lived 64 MB allocation in the RSS peak, and the GCs its garbage causes', async () => {
    const service = await launch();
    try {
      const report = await window(service, async () => {
        await get(service, '/alloc?mb=64');
        await sleep(100);
      });
      assert.equal(report.rssPeakSource, clearRefsWritable() ? 'kernel' : 'sampled');
      if (report.rssPeakSource === 'kernel')
        assert.ok(
          report.rssPeakBytes >= report.rssStartBytes + 60 * 2 ** 20,
          `peak ${report.rssPeakBytes}, start ${report.rssStartBytes}`,
        );
      assert.ok(report.rssPeakBytes >= report.rssEndBytes);
      assert.ok(report.gc.pauseCount > 0);
      assert.ok(report.gc.pauseMaxMs > 0 && report.gc.pauseMaxMs <= report.gc.pauseTotalMs);
      assert.ok(report.heapUsedPeakBytes >= report.heapUsedEndBytes);
    } finally {
      await service.kill();
    }
  });

  it('with TRACEBENCH_PROBE_PARTS=cpu measures CPU only: no requests, series, GCs or delays', async () => {
    const service = await launch('cpu');
    try {
      const report = await window(service, async () => {
        await get(service, '/alloc?mb=8');
        await sleep(1100);
      });
      assert.ok(report.cpuUserUs > 0);
      assert.deepEqual(
        [report.requests, report.series.length, report.gc.pauseCount, report.eventLoopDelayResolutionMs],
        [0, 0, 0, 0],
      );
      assert.equal(report.rssPeakSource, 'sampled');
    } finally {
      await service.kill();
    }
  });

  it('takes the event-loop delay resolution from eld:MS', async () => {
    const service = await launch('eld:20');
    try {
      const report = await window(service, () => sleep(200));
      assert.equal(report.eventLoopDelayResolutionMs, 20);
    } finally {
      await service.kill();
    }
  });

  it('runs one window with the parts its window-start names, the next with its own (bench:probe --in-process)', async () => {
    const service = await launch();
    try {
      const cpuOnly = await window(
        service,
        async () => {
          await get(service, '/alloc?mb=8');
          await sleep(1100);
          await get(service, '/work');
        },
        'cpu',
      );
      // The request counter is the probe's, subscribed at load: a CPU-only window still counts, but takes no series.
      assert.deepEqual(
        [cpuOnly.requests, cpuOnly.series.length, cpuOnly.gc.pauseCount, cpuOnly.eventLoopDelayResolutionMs],
        [2, 0, 0, 0],
      );
      const own = await window(service, async () => {
        await get(service, '/alloc?mb=8');
        await sleep(1100);
        await get(service, '/work');
      });
      assert.deepEqual([own.requests, own.series.length, own.eventLoopDelayResolutionMs], [2, 1, 200]);
      assert.ok(own.gc.pauseCount > 0);
      await assert.rejects(
        window(service, () => sleep(10), 'eld:0'),
        /probe: TRACEBENCH_PROBE_PARTS: 'eld:0': the resolution must be a whole number/,
      );
    } finally {
      await service.kill();
    }
  });

  it('stops the service at startup, naming the variable, when a part is unknown', async () => {
    await assert.rejects(launch('requests,eld,nonsense'), (error: unknown) => {
      assert.ok(error instanceof ServiceError);
      assert.match(error.stderrTail.join('\n'), /TRACEBENCH_PROBE_PARTS: 'nonsense': unknown part/);
      return true;
    });
  });
});
