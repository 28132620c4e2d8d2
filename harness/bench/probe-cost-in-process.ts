import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoadGenerator } from '../load/generator.js';
import { mulberry32, shuffle } from '../plan/plan.js';
import { REFERENCE_SERVICE_ENTRY } from '../run/run.js';
import { calibrateIterationsPerUs } from '../../workloads/shape/burn.js';
import { launchService } from '../target/launch.js';
import {
  createMeter,
  emptyRun,
  FULL_PROBE,
  record,
  type ProbeCostOptions,
  type ProbeCostRun,
} from './probe-cost-run.js';

/** The in-process baseline: a window that reads only its CPU, as every window does. */
export const CPU_ONLY = 'cpu';

/** Time a window's start and end messages and the meter's reads may take, beyond the window itself. */
const SLACK_MS = { schedstat: 250, callgrind: 5000 };

/** `profile:US`: the full probe with V8's sampling profiler at US µs, what a profiled window adds to a window. */
export function profileIntervalOf(variant: string): number | undefined {
  const match = /^profile:(\d+)$/.exec(variant);
  return match ? Number(match[1]) : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One service with the probe loaded, under one steady open-loop load, whose windows alternate between the variants
 * and a window that only reads its CPU: each once per block, in shuffled order, measured from outside between the
 * window's start and end, as a trial's window is (the probe sets a window up before it reads its clocks, and reads
 * them before it takes one down). The cross-process design pairs fresh processes, which differ by ~9% in
 * CPU per request on this VM, so it cannot resolve 1%; here both sides of a pair share the process, its JIT state and
 * its heap, and only what a window runs differs. Blind, by design, to what the probe costs with no window open (its
 * loading, the request counter): the cross-process design (`probe-cost-run.ts`) measures those against no probe.
 * Cost per request is the meter's reading over `rateRps × the stretch's seconds`: the offered load is the same in
 * every window, so the ratio of two windows is their ratio of cost per second.
 */
export async function measureProbeCostInProcess(options: ProbeCostOptions): Promise<ProbeCostRun> {
  const random = mulberry32(options.seed);
  const names = [CPU_ONLY, ...options.variants];
  const burnIterationsPerUs = calibrateIterationsPerUs();
  const run = emptyRun(options.meter, CPU_ONLY, names, burnIterationsPerUs);
  const outDir = options.meter === 'callgrind' ? mkdtempSync(join(tmpdir(), 'tracebench-callgrind-')) : undefined;
  const meter = createMeter(options.meter, outDir);
  const timeoutMs = options.meter === 'callgrind' ? 60_000 : 5000;
  const generator = options.rateRps > 0 ? createLoadGenerator({ threads: 1 }) : undefined;
  const stopLoad = new AbortController();
  let loadRunning = false;
  let loadDone: Promise<unknown> = Promise.resolve();
  const service = await launchService({
    entry: REFERENCE_SERVICE_ENTRY,
    env: { TRACEBENCH_INSTRUMENTATION: 'none', TRACEBENCH_BURN_ITERATIONS_PER_US: String(burnIterationsPerUs) },
    readyPath: '/healthz',
    startupTimeoutMs: meter.startupTimeoutMs,
    ...(meter.wrapper ? { wrapper: meter.wrapper } : {}),
  });
  try {
    if (generator) {
      // One load for the whole run, bounded in time; stopped as soon as the last window has been read.
      const windows = options.pairs * names.length;
      const durationMs = options.warmupMs + windows * (options.windowMs + SLACK_MS[options.meter]);
      const load = {
        url: `${service.baseUrl}/api/users/42`,
        rateRps: options.rateRps,
        threads: 1,
        connections: 16,
        timeoutMs,
        durationMs,
      };
      loadRunning = true;
      loadDone = generator.openLoop(load, stopLoad.signal).then(
        () => (loadRunning = false),
        () => (loadRunning = false),
      );
    }
    await sleep(options.warmupMs);
    for (let block = 0; block < options.pairs; block++) {
      for (const name of shuffle(names, random)) {
        const profileIntervalUs = profileIntervalOf(name);
        const parts = name === FULL_PROBE || profileIntervalUs !== undefined ? undefined : name;
        await service.request(
          {
            tb: 'window-start',
            ...(parts !== undefined ? { parts } : {}),
            ...(profileIntervalUs !== undefined ? { profileIntervalUs } : {}),
          },
          'window-started',
          timeoutMs,
        );
        const startedMs = performance.now();
        await meter.start(service);
        await sleep(options.windowMs);
        const used = await meter.stop(service);
        const seconds = (performance.now() - startedMs) / 1000;
        const { report } = await service.request({ tb: 'window-end' }, 'window', timeoutMs);
        if (generator && !loadRunning)
          throw new Error(
            `the load ended before the windows did: raise the slack per window (now ${SLACK_MS[options.meter]} ms)`,
          );
        const per = generator ? options.rateRps * seconds : seconds;
        record(run, name, used, per, seconds, report.probeCpuUs);
      }
      options.onBlock?.(block + 1);
    }
  } finally {
    stopLoad.abort();
    await loadDone;
    await generator?.close();
    await service.kill();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  }
  return run;
}
