import { createLoadGenerator } from '../load/generator.js';
import { mulberry32, shuffle } from '../plan/plan.js';
import { REFERENCE_SERVICE_ENTRY } from '../run/run.js';
import { launchService, type RunningService } from './launch.js';
import { processCpuUs } from './schedstat.js';

/** The baseline: the same service forked with its IPC channel but without the probe. */
export const NO_PROBE = 'none';
/** The probe as shipped (no `TRACEBENCH_PROBE_PARTS`). */
export const FULL_PROBE = 'full';

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
  onBlock?: (done: number) => void;
}

export interface ProbeCostRun {
  /** Per variant (baseline included), one value per block: service CPU µs per answered request, or per second when idle. NaN: the run fell short of the offered rate. */
  cpuUs: Record<string, number[]>;
  /** The probe's self-timed `probeCpuUs`, per block, on the same scale. */
  selfTimedUs: Record<string, number[]>;
}

/** Below this share of the offered requests answered, a run measured an overloaded machine, not the probe. */
const MIN_ANSWERED = 0.98;

function launch(variant: string): Promise<RunningService> {
  const env: Record<string, string> = { TRACEBENCH_INSTRUMENTATION: 'none' };
  if (variant !== NO_PROBE && variant !== FULL_PROBE) env.TRACEBENCH_PROBE_PARTS = variant;
  return launchService({ entry: REFERENCE_SERVICE_ENTRY, env, readyPath: '/healthz', startupTimeoutMs: 10_000, probe: variant !== NO_PROBE });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The same uninstrumented service without the probe and with each variant, one at a time in shuffled order within a
 * block, CPU read from /proc by the harness (it sees what the probe cannot time of itself). With the probe, the window
 * runs as in a real trial; without it, nothing but the service runs.
 */
export async function measureProbeCost(options: ProbeCostOptions): Promise<ProbeCostRun> {
  const idle = options.rateRps === 0;
  const generator = idle ? undefined : createLoadGenerator({ threads: 1 });
  const random = mulberry32(options.seed);
  const names = [NO_PROBE, ...options.variants];
  const run: ProbeCostRun = { cpuUs: {}, selfTimedUs: {} };
  for (const name of names) {
    run.cpuUs[name] = [];
    run.selfTimedUs[name] = [];
  }
  try {
    for (let block = 0; block < options.pairs; block++) {
      for (const name of shuffle(names, random)) {
        const service = await launch(name);
        try {
          const load = { url: `${service.baseUrl}/api/users/42`, rateRps: options.rateRps, threads: 1, connections: 16, timeoutMs: 2000 };
          if (generator) await generator.openLoop({ ...load, durationMs: options.warmupMs });
          else await sleep(options.warmupMs);
          if (name !== NO_PROBE) await service.request({ tb: 'window-start' }, 'window-started', 5000);
          const before = processCpuUs(service.pid);
          const result = generator ? await generator.openLoop({ ...load, durationMs: options.windowMs }) : undefined;
          if (!generator) await sleep(options.windowMs);
          const cpuUs = processCpuUs(service.pid) - before;
          const report = name !== NO_PROBE ? (await service.request({ tb: 'window-end' }, 'window', 5000)).report : undefined;
          const per = result ? (result.ok >= MIN_ANSWERED * result.scheduled ? result.ok : Number.NaN) : options.windowMs / 1000;
          run.cpuUs[name].push(cpuUs / per);
          run.selfTimedUs[name].push((report?.probeCpuUs ?? 0) / per);
        } finally {
          await service.kill();
        }
      }
      options.onBlock?.(block + 1);
    }
  } finally {
    await generator?.close();
  }
  return run;
}
