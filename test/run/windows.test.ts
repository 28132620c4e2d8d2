import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadGenerator, OpenLoopOptions } from '../../harness/load/types.js';
import type { RunningService } from '../../harness/target/launch.js';
import type { ProbeWindowReport } from '../../harness/probe/protocol.js';
import { runWindows, type WindowsOptions } from '../../harness/run/windows.js';

/**
 * A process whose probe reports `usPerRequest` of CPU for each request of a window (100 requests a window, the
 * offered 1,000 req/s × 0.1 s), after a warm-up whose cost falls from 3× over its first three windows.
 */
let nextPort = 1;

function fakeService(usPerRequest: number, served = 1): RunningService {
  let windows = 0;
  const port = nextPort++;
  const report = (): ProbeWindowReport => {
    const warm = Math.max(1, 3 - windows++);
    const requests = Math.round(100 * served);
    return {
      windowMs: 100,
      cpuUserUs: requests * usPerRequest * warm,
      cpuSystemUs: 0,
      requests,
      rssStartBytes: 0,
      rssPeakBytes: 0,
      rssEndBytes: 0,
      heapUsedPeakBytes: 0,
      heapUsedEndBytes: 0,
      gc: { pauseCount: 0, pauseTotalMs: 0, pauseMaxMs: 0 },
      eventLoopDelayUs: { p50: 0, p99: 0, max: 0, mean: 0 },
      probeCpuUs: 0,
      series: Array.from({ length: 5 }, () => ({
        tMs: 0,
        cpuUs: 100 * usPerRequest * warm,
        requests: 100,
        rssBytes: 0,
        heapUsedBytes: 0,
        loopLagMaxUs: 0,
        queueDepth: 0,
      })),
    };
  };
  return {
    pid: port,
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    exited: new Promise(() => undefined),
    request: (async (message: { tb: string }) =>
      message.tb === 'window-start' ? { tb: 'window-started' } : { tb: 'window', report: report() }) as never,
    stderrTail: () => [],
    warnings: () => [],
    kill: async () => undefined,
  };
}

const generator: LoadGenerator = {
  openLoop: (o: OpenLoopOptions, signal?: AbortSignal) =>
    new Promise((resolve) => {
      const done = () => resolve({ achievedRps: o.rateRps } as never);
      const timer = setTimeout(done, o.durationMs);
      signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          done();
        },
        { once: true },
      );
    }),
  closedLoop: async () => ({}) as never,
  close: async () => undefined,
};

function options(over: Partial<WindowsOptions> = {}): WindowsOptions {
  return {
    sides: [
      { name: 'a', start: async () => [fakeService(100)] },
      { name: 'b', start: async () => [fakeService(110)] },
    ],
    processes: 2,
    windowSeconds: 0.1,
    windowsPerBlock: 3,
    leadInSeconds: 0,
    warmup: { maxSeconds: 1, chunkSeconds: 0.05, halfSeconds: 2, tolerance: 0.01, setsAtOnce: 2 },
    maxPairs: 12,
    maxSeconds: 30,
    load: (entry, seconds) =>
      ({
        url: entry.baseUrl,
        rateRps: 1000,
        durationMs: seconds * 1000,
        threads: 1,
        connections: 1,
        timeoutMs: 1000,
      }) as never,
    generators: [generator, generator],
    signal: new AbortController().signal,
    ...over,
  };
}

describe('runWindows: paired windows over live process sets', () => {
  it('warms each set until steady, then cycles blocks over the sets, both sides measured in every window', async () => {
    const result = await runWindows(options());
    assert.equal(result.warmups.length, 4);
    assert.ok(result.warmups.every((w) => w.steadyAfterSeconds !== null));
    assert.equal(result.pairs.length, 12);
    assert.deepEqual(
      result.pairs.map((p) => p.process),
      [0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1],
    );
    // Warm before measuring: every window measures the steady cost, so each pair shows B's +10% exactly.
    for (const p of result.pairs)
      assert.ok(Math.abs(p.logRatio - Math.log(1.1)) < 1e-9, `pair ${p.index}: ${p.logRatio}`);
    assert.ok(result.pairs.every((p) => p.valid));
    assert.equal(result.stoppedBy, 'pairs');
  });

  it('leaves out a pair whose window could not be served, and says so', async () => {
    const result = await runWindows(
      options({
        sides: [
          { name: 'a', start: async () => [fakeService(100)] },
          { name: 'b', start: async (p) => [fakeService(110, p === 1 ? 0.5 : 1)] },
        ],
      }),
    );
    assert.ok(result.pairs.filter((p) => p.process === 1).every((p) => !p.valid));
    assert.ok(result.pairs.filter((p) => p.process === 0).every((p) => p.valid));
    assert.match(result.warnings.join('\n'), /6 of 12 window pairs were left out/);
  });

  it('stops as soon as the decision callback says so', async () => {
    const result = await runWindows(options({ afterPair: (pairs) => pairs.length === 5 }));
    assert.equal(result.pairs.length, 5);
    assert.equal(result.stoppedBy, 'decided');
  });

  it('warms sets together, seats all idle once warm, each block its own set measured, and keeps waiting sets lightly loaded', async () => {
    let loading = 0;
    let mostAtOnce = 0;
    const active = new Map<string, number[]>();
    let overlaps = 0;
    let light = 0;
    const counting: LoadGenerator = {
      ...generator,
      openLoop: async (o, signal) => {
        mostAtOnce = Math.max(mostAtOnce, ++loading);
        const rates = active.get(o.url) ?? [];
        if (rates.length > 0) overlaps++;
        if (o.rateRps < 1000) light++;
        active.set(o.url, [...rates, o.rateRps]);
        try {
          return await generator.openLoop(o, signal);
        } finally {
          loading--;
          const left = active.get(o.url)!;
          left.splice(left.indexOf(o.rateRps), 1);
        }
      },
    };
    const seats: string[] = [];
    let seatedBeforeFirstPair = false;
    const result = await runWindows(
      options({
        processes: 3,
        generators: [counting, counting],
        warmup: { maxSeconds: 1, chunkSeconds: 0.05, halfSeconds: 2, tolerance: 0.01, setsAtOnce: 3 },
        keepWarmShare: 0.2,
        seat: (services, seat) => seats.push(`${services.length} ${seat}`),
        afterPair: (pairs) => {
          if (pairs.length === 1) seatedBeforeFirstPair = seats.length === 2;
          return false;
        },
      }),
    );
    // Three sets of two sides warmed at once: six loads together; later two measured plus four light ones.
    assert.equal(mostAtOnce, 6);
    assert.ok(seatedBeforeFirstPair);
    assert.deepEqual(seats.slice(0, 5), ['6 idle', '2 measured', '2 idle', '2 measured', '2 idle']);
    assert.ok(light >= 3, `${light} light loads (200 req/s: 20% of 1000)`);
    // A service never gets its light load and its measured load at once.
    assert.equal(overlaps, 0);
    assert.ok(result.pairs.length > 0);
  });

  it('loads a side with a head start alone before the two sides warm together', async () => {
    const calls: string[] = [];
    const named = (name: string): LoadGenerator => ({
      ...generator,
      openLoop: (o, signal) => {
        calls.push(`${name} ${o.durationMs}`);
        return generator.openLoop(o, signal);
      },
    });
    const base = options();
    await runWindows({
      ...base,
      processes: 1,
      sides: [{ ...base.sides[0], headStartSeconds: 0.2 }, base.sides[1]],
      generators: [named('a'), named('b')],
      maxPairs: 1,
    });
    assert.equal(calls[0], 'a 200');
    assert.deepEqual(calls.slice(1, 3).sort(), ['a 50', 'b 50']);
  });

  it('warns about a set that never got steady within the bound', async () => {
    const result = await runWindows(
      options({ warmup: { maxSeconds: 0.1, chunkSeconds: 0.05, halfSeconds: 4, setsAtOnce: 1 } }),
    );
    assert.ok(result.warmups.every((w) => w.steadyAfterSeconds === null));
    assert.match(result.warnings[0], /still changing after/);
  });

  it('a side that cannot start fails the run, and the sets already started are killed', async () => {
    let killed = 0;
    const started = { ...fakeService(100), kill: async () => void killed++ };
    await assert.rejects(
      runWindows(
        options({
          sides: [
            { name: 'a', start: async () => [started] },
            {
              name: 'b',
              start: async () => {
                throw new Error('exited with code 1 before it was ready');
              },
            },
          ],
        }),
      ),
      /before it was ready/,
    );
    assert.equal(killed, 1);
  });
});

describe('runWindows with a meter (method.meter: instructions)', () => {
  it('compares the meter’s count per request, each window its own load between the count’s start and stop', async () => {
    const events: string[] = [];
    // The counts make B 5% dearer per request, though both sides report the same CPU (100 µs): the pairs follow the meter.
    const counts = new Map<number, number>();
    const side = (name: string) => ({
      name,
      start: async () => {
        const s = fakeService(100);
        counts.set(s.pid, name === 'a' ? 1_000_000 : 1_050_000);
        const request = s.request;
        return [
          {
            ...s,
            request: (async (message: { tb: string }, ...rest: unknown[]) => {
              events.push(`${name} ${message.tb}`);
              return (request as (...a: unknown[]) => unknown)(message, ...rest);
            }) as never,
          },
        ];
      },
    });
    const loads: LoadGenerator = {
      ...generator,
      openLoop: async (o, signal) => {
        events.push(`load ${o.durationMs}`);
        const r = await generator.openLoop(o, signal);
        events.push(`loaded ${o.durationMs}`);
        return r;
      },
    };
    const result = await runWindows(
      options({
        sides: [side('a'), side('b')],
        processes: 1,
        windowsPerBlock: 2,
        leadInSeconds: 0.05,
        maxPairs: 2,
        keepWarmShare: 0,
        generators: [loads, loads],
        meter: {
          start: async (services) => {
            events.push(`count start ${services[0].pid}`);
          },
          // 100 requests a window (the fake probe's), so the count is per-request × 100.
          stop: async (services) => {
            events.push(`count stop ${services[0].pid}`);
            return 100 * counts.get(services[0].pid)!;
          },
        },
      }),
    );
    assert.equal(result.pairs.length, 2);
    for (const p of result.pairs) {
      assert.ok(Math.abs(p.logRatio - Math.log(1.05)) < 1e-9, `pair ${p.index}: ${p.logRatio}`);
      assert.equal(p.a.countPerRequest, 1_000_000);
      assert.equal(p.b.count, 105_000_000);
      assert.equal(p.a.cpuUsPerRequest, p.b.cpuUsPerRequest);
    }
    // After warm-up: the lead-in's own load, then per window: both counts started, windows opened, a 100 ms load on
    // each side run to its end, windows closed, both counts stopped.
    const firstCount = events.findIndex((x) => x.startsWith('count start'));
    assert.equal(events[firstCount - 1], 'loaded 50', `the lead-in's load ends first: ${events.join(', ')}`);
    const firstWindow = events.slice(firstCount);
    const at = (e: string) => firstWindow.findIndex((x) => x.startsWith(e));
    assert.ok(at('count start') === 0 && firstWindow[1].startsWith('count start'), firstWindow.join(', '));
    assert.ok(at('count start') < at('a window-start'), firstWindow.join(', '));
    assert.ok(at('a window-start') < at('load 100') && at('b window-start') < at('load 100'), firstWindow.join(', '));
    assert.ok(at('loaded 100') < at('a window-end') && at('loaded 100') < at('b window-end'), firstWindow.join(', '));
    assert.ok(at('a window-end') < at('count stop') && at('b window-end') < at('count stop'), firstWindow.join(', '));
  });
});
