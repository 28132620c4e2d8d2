import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLoadGenerator } from '../load/generator.js';
import { mulberry32, shuffle } from '../plan/plan.js';
import { REFERENCE_SERVICE_ENTRY } from '../run/run.js';
import { calibrateIterationsPerUs } from '../../workloads/shape/burn.js';
import { CALLGRIND_STARTUP_MS, CallgrindMeter, callgrindWrapper } from '../target/callgrind.js';
import { launchService, type RunningService } from '../target/launch.js';
import { mainThreadSchedstat, processCpuUs } from './schedstat.js';

/** The baseline: the same service forked with its IPC channel but without the probe. */
export const NO_PROBE = 'none';
/** The probe as shipped (no `TRACEBENCH_PROBE_PARTS`). */
export const FULL_PROBE = 'full';

/**
 * `schedstat`: CPU time of every thread, read from /proc by the harness (kernel work included; noisy on a shared
 * machine). `callgrind`: instructions of every thread under valgrind (repeatable; user space only). See callgrind.ts.
 */
export type ProbeCostMeter = 'schedstat' | 'callgrind';

export interface ProbeCostOptions {
  /** Blocks; each runs the baseline and every variant once, in its own shuffled order: one pair per variant. */
  pairs: number;
  /** `full`, or a `TRACEBENCH_PROBE_PARTS` value such as `gc,series` or `eld:20`. */
  variants: string[];
  warmupMs: number;
  windowMs: number;
  /** Offered rate of the open-loop load; 0 measures the idle service (the probe's fixed cost per second). */
  rateRps: number;
  seed: number;
  meter: ProbeCostMeter;
  onBlock?: (done: number) => void;
}

export interface ProbeCostRun {
  /** What `cost` counts: CPU µs (schedstat) or instructions (callgrind). */
  unit: 'µs' | 'instructions';
  /** The variant the others are paired with: `none` (no probe) across processes, `cpu` (a CPU-only window) in one. */
  baseline: string;
  /** Per variant (baseline included), one value per block: `unit`s per answered request, or per second when idle. NaN: the run fell short of the offered rate. */
  cost: Record<string, number[]>;
  /** The main thread's share of `cost` (the rest is V8's helper threads and libuv's pool). */
  mainThread: Record<string, number[]>;
  /** Schedstat only: the main thread's wake-ups per second, a cost CPU-time sampling inside the process cannot see. */
  wakeupsPerSecond: Record<string, number[]>;
  /** The probe's self-timed `probeCpuUs`, per block, per request (or second). */
  selfTimedUs: Record<string, number[]>;
  /** Steps of simulated work per µs, calibrated once and given to every service so all do the same work. */
  burnIterationsPerUs: number;
}

/** Below this share of the offered requests answered, a run measured an overloaded machine, not the probe. */
const MIN_ANSWERED = 0.98;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads a service's cost over a stretch, from outside it. */
export interface Meter {
  wrapper?: string[];
  startupTimeoutMs: number;
  start(service: RunningService): Promise<void>;
  stop(service: RunningService): Promise<MeterReading>;
}

/** What a meter read over a stretch: in its unit for all threads and for the main one, and the main thread's wake-ups (schedstat only). */
export interface MeterReading {
  total: number;
  mainThread: number;
  wakeups: number;
}

function schedstatMeter(): Meter {
  let before = { total: 0, main: { cpuNs: 0, timeslices: 0 } };
  const read = (pid: number) => ({ total: processCpuUs(pid), main: mainThreadSchedstat(pid) });
  return {
    startupTimeoutMs: 10_000,
    start: async (service) => {
      before = read(service.pid);
    },
    stop: async (service) => {
      const now = read(service.pid);
      return {
        total: now.total - before.total,
        mainThread: (now.main.cpuNs - before.main.cpuNs) / 1000,
        wakeups: now.main.timeslices - before.main.timeslices,
      };
    },
  };
}

function callgrindMeter(outDir: string): Meter {
  const meter = new CallgrindMeter(outDir);
  return {
    wrapper: callgrindWrapper(outDir),
    startupTimeoutMs: CALLGRIND_STARTUP_MS,
    start: (service) => meter.start(service.pid),
    stop: async (service) => ({ ...(await meter.stop(service.pid)), wakeups: Number.NaN }),
  };
}

/** A run with no values yet, for these variants (the baseline first). */
export function emptyRun(
  meter: ProbeCostMeter,
  baseline: string,
  names: readonly string[],
  burnIterationsPerUs: number,
): ProbeCostRun {
  const run: ProbeCostRun = {
    unit: meter === 'callgrind' ? 'instructions' : 'µs',
    baseline,
    cost: {},
    mainThread: {},
    wakeupsPerSecond: {},
    selfTimedUs: {},
    burnIterationsPerUs,
  };
  for (const name of names)
    for (const field of ['cost', 'mainThread', 'wakeupsPerSecond', 'selfTimedUs'] as const) run[field][name] = [];
  return run;
}

/**
 * Adds one measured stretch of variant `name`: `per` requests (or seconds, idle) over `seconds` of wall time. In CPU
 * time, the probe's self-timed work comes off, as a trial's `cpuUsPerRequest` takes it off: what is left is what the
 * probe costs a trial's figure. Instructions cannot be told apart that way, so under callgrind it stays in (an upper bound).
 */
export function record(
  run: ProbeCostRun,
  name: string,
  used: MeterReading,
  per: number,
  seconds: number,
  probeCpuUs: number,
): void {
  const own = run.unit === 'µs' ? probeCpuUs : 0;
  run.cost[name].push((used.total - own) / per);
  run.mainThread[name].push((used.mainThread - own) / per);
  run.wakeupsPerSecond[name].push(used.wakeups / seconds);
  run.selfTimedUs[name].push(probeCpuUs / per);
}

/** A fresh meter per service; `outDir` holds callgrind's dumps (callgrind only). */
export function createMeter(kind: ProbeCostMeter, outDir: string | undefined): Meter {
  return kind === 'callgrind' ? callgrindMeter(outDir!) : schedstatMeter();
}

/**
 * The same uninstrumented service without the probe and with each variant, one at a time in shuffled order within a
 * block, measured from outside (it sees what the probe cannot time of itself). With the probe, the window runs as in
 * a real trial; without it, nothing but the service runs.
 */
export async function measureProbeCost(options: ProbeCostOptions): Promise<ProbeCostRun> {
  const idle = options.rateRps === 0;
  const generator = idle ? undefined : createLoadGenerator({ threads: 1 });
  const random = mulberry32(options.seed);
  const names = [NO_PROBE, ...options.variants];
  // Calibrated here, at full speed: under valgrind a service calibrating itself would do a fiftieth of the work.
  const burnIterationsPerUs = calibrateIterationsPerUs();
  const run = emptyRun(options.meter, NO_PROBE, names, burnIterationsPerUs);
  const outDir = options.meter === 'callgrind' ? mkdtempSync(join(tmpdir(), 'tracebench-callgrind-')) : undefined;
  const timeoutMs = options.meter === 'callgrind' ? 60_000 : 5000;
  try {
    for (let block = 0; block < options.pairs; block++) {
      for (const name of shuffle(names, random)) {
        const meter = createMeter(options.meter, outDir);
        const env: Record<string, string> = {
          TRACEBENCH_INSTRUMENTATION: 'none',
          TRACEBENCH_BURN_ITERATIONS_PER_US: String(burnIterationsPerUs),
        };
        if (name !== NO_PROBE && name !== FULL_PROBE) env.TRACEBENCH_PROBE_PARTS = name;
        const service = await launchService({
          entry: REFERENCE_SERVICE_ENTRY,
          env,
          readyPath: '/healthz',
          startupTimeoutMs: meter.startupTimeoutMs,
          probe: name !== NO_PROBE,
          ...(meter.wrapper ? { wrapper: meter.wrapper } : {}),
        });
        try {
          const load = {
            url: `${service.baseUrl}/api/users/42`,
            rateRps: options.rateRps,
            threads: 1,
            connections: 16,
            timeoutMs,
          };
          if (generator) await generator.openLoop({ ...load, durationMs: options.warmupMs });
          else await sleep(options.warmupMs);
          if (name !== NO_PROBE) await service.request({ tb: 'window-start' }, 'window-started', timeoutMs);
          await meter.start(service);
          const result = generator ? await generator.openLoop({ ...load, durationMs: options.windowMs }) : undefined;
          if (!generator) await sleep(options.windowMs);
          const used = await meter.stop(service);
          const report =
            name !== NO_PROBE ? (await service.request({ tb: 'window-end' }, 'window', timeoutMs)).report : undefined;
          const per = result
            ? result.ok >= MIN_ANSWERED * result.scheduled
              ? result.ok
              : Number.NaN
            : options.windowMs / 1000;
          record(run, name, used, per, options.windowMs / 1000, report?.probeCpuUs ?? 0);
        } finally {
          await service.kill();
        }
      }
      options.onBlock?.(block + 1);
    }
  } finally {
    await generator?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  }
  return run;
}
