import { createLoadGenerator } from '../load/generator.js';
import { median } from '../stats/interval.js';
import { REFERENCE_SERVICE_ENTRY } from '../run/run.js';
import { launchService } from './launch.js';
import { processCpuUs } from './schedstat.js';

/**
 * Side-by-side benchmark of the in-service probe's cost: the same baseline service with and without the probe,
 * alternating, under the same open-loop load; CPU read from /proc by the harness. Run: `npm run bench:probe`.
 */
export async function measureProbeCost(options: { pairs: number; rateRps: number; seconds: number }): Promise<{ withUsPerRequest: number[]; withoutUsPerRequest: number[]; overheadPct: number }> {
  const generator = createLoadGenerator({ threads: 1 });
  const withProbe: number[] = [];
  const without: number[] = [];
  try {
    for (let pair = 0; pair < options.pairs; pair++) {
      const order = pair % 2 === 0 ? [true, false] : [false, true];
      for (const probe of order) {
        const service = await launchService({ entry: REFERENCE_SERVICE_ENTRY, env: { TRACEBENCH_INSTRUMENTATION: 'none' }, readyPath: '/healthz', startupTimeoutMs: 10_000, probe });
        try {
          const load = { url: `${service.baseUrl}/api/users/42`, rateRps: options.rateRps, threads: 1, connections: 16, timeoutMs: 2000 };
          await generator.openLoop({ ...load, durationMs: 1000 });
          // With the probe, its window runs as in a real trial; without it, nothing but the service runs.
          if (probe) await service.request({ tb: 'window-start' }, 'window-started', 5000);
          const before = processCpuUs(service.pid);
          const result = await generator.openLoop({ ...load, durationMs: options.seconds * 1000 });
          const cpuUs = processCpuUs(service.pid) - before;
          if (probe) await service.request({ tb: 'window-end' }, 'window', 5000);
          (probe ? withProbe : without).push(cpuUs / result.ok);
        } finally {
          await service.kill();
        }
      }
    }
  } finally {
    await generator.close();
  }
  const overheadPct = (median(withProbe.map((w, i) => w / without[i] - 1)) || 0) * 100;
  return { withUsPerRequest: withProbe, withoutUsPerRequest: without, overheadPct };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pairs = Number(process.argv[2] ?? 6);
  const result = await measureProbeCost({ pairs, rateRps: 1000, seconds: 3 });
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(1)).join(' ');
  process.stdout.write(
    `service CPU µs/request at 1000 req/s, ${pairs} alternating pairs (read from /proc by the harness)\n` +
      `  with probe:    ${fmt(result.withUsPerRequest)}\n  without probe: ${fmt(result.withoutUsPerRequest)}\n` +
      `  probe overhead (median of paired ratios): ${result.overheadPct.toFixed(2)}%\n`,
  );
}
