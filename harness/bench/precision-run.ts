import { defaultConfigPath, loadConfigFile } from '../config/load.js';
import { windowsDefaults } from '../config/schema.js';
import { createLoadGenerator } from '../load/generator.js';
import { expandMatrix } from '../plan/cells.js';
import { startSink } from '../sink/sink.js';
import { launchService } from '../target/launch.js';
import { applyPlacement, type PlacementRecord, moveServices } from '../target/placement.js';
import { loadWorkload } from '../../workloads/shape/load.js';
import { calibrateIterationsPerUs } from '../../workloads/shape/burn.js';
import { REFERENCE_SERVICE_ENTRY } from '../run/run.js';
import { windowLoad, windowSide, type SideContext } from '../run/window-sides.js';
import { runWindows, type WindowsResult } from '../run/windows.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CALLGRIND_STARTUP_MS,
  INSTRUCTIONS_WARMUP_RATE_FACTOR,
  InstructionCounter,
  callgrindWrapper,
} from '../target/callgrind.js';

/** What both sides of an injected run spend per request, µs, so that only the difference is the injected cost. */
export const INJECTION_BASE_US = 10;

/** One windows A/B of the default config's first traced cell against itself, optionally with a cost injected into B. */
export async function precisionRun(options: {
  processes: number;
  windowSeconds: number;
  leadInSeconds: number;
  windowsPerBlock: number;
  maxSeconds: number;
  maxPairs: number;
  warmupMaxSeconds: number;
  /** The steady test's tolerance. @default method.steadyTolerance's */
  steadyTolerance?: number;
  /** Seconds in each half the steady test compares. @default method.steadyHalfSeconds's */
  steadyHalfSeconds?: number;
  /** CPU B spends per request beyond A, µs (`extraCpuUsPerRequest`). */
  injectUsPerRequest: number;
  /** The baseline cell instead of the first traced one. */
  baseline?: boolean;
  /** Seconds side A's sets are loaded alone before the joint warm-up (the warm-up check's reference). */
  headStartSeconds?: number;
  /** CPU placement, as `method.placement` of a windows run. */
  placement: 'split' | 'none';
  /** Environment of both sides' services (e.g. NODE_OPTIONS). */
  serviceEnv?: Record<string, string>;
  /** Share of the rate on sets waiting for their block. @default KEEP_WARM_SHARE */
  keepWarmShare?: number;
  /** Sets warmed together. @default processes (all) */
  warmupSetsAtOnce?: number;
  /**
   * `instructions`: count instructions under callgrind (method.meter) instead of CPU time. The injection is then fixed
   * work per span (`extraCpuUsPerSpan`, µs of calibrated work), since a spin on the CPU clock would run a valgrind-slowed
   * fiftieth of its iterations, and the load runs at `rateRps`.
   */
  meter?: 'instructions';
  /** The load's rate instead of the config's. */
  rateRps?: number;
  log: (line: string) => void;
}): Promise<WindowsResult & { cellId: string; placement: PlacementRecord }> {
  const loaded = await loadConfigFile(defaultConfigPath());
  const config = options.rateRps ? { ...loaded, load: { ...loaded.load, rateRps: options.rateRps } } : loaded;
  const callgrindDir = options.meter ? mkdtempSync(join(tmpdir(), 'tracebench-callgrind-')) : undefined;
  const counter = callgrindDir ? new InstructionCounter(callgrindDir) : undefined;
  const cell = expandMatrix(config).cells.find((c) =>
    options.baseline ? c.settings.tracing === 'off' : c.settings.tracing === 'sdk',
  )!;
  const workload = loadWorkload(config.service.workload);
  if (!workload.ok) throw new Error(workload.issues.join('; '));
  const sink = await startSink({ fault: config.sink });
  // One thread a set per side: waiting sets are kept under light load all at once.
  const poolThreads = options.processes;
  const generators = [
    createLoadGenerator({ threads: poolThreads }),
    createLoadGenerator({ threads: poolThreads }),
  ] as const;
  // Pins every thread this process has (the sink's, the generators') and those it starts later; released below.
  const placement = applyPlacement(options.placement);
  const controller = new AbortController();
  try {
    const shared: SideContext = {
      runId: 'precision',
      config,
      entry: REFERENCE_SERVICE_ENTRY,
      workloadFile: workload.file,
      workload: workload.shape,
      referenceService: true,
      sink,
      generator: generators[0],
      launch: launchService,
      signal: controller.signal,
      burnIterationsPerUs: calibrateIterationsPerUs(),
      ...(callgrindDir
        ? {
            wrapper: {
              command: callgrindWrapper(callgrindDir, { instrumentLater: true }),
              startupTimeoutMs: CALLGRIND_STARTUP_MS,
            },
          }
        : {}),
    };
    const variant = (name: string, extra: number) => ({
      config: {
        name,
        env: options.serviceEnv ?? {},
        extraCpuUsPerRequest: counter ? 0 : extra,
        extraCpuUsPerSpan: counter ? extra : 0,
      },
    });
    // The known cost is a difference of two injections: each injection call costs a few µs beyond its spin (in the
    // service, a lone 11 µs injection read about 20 µs: ending the spin reads the clock with a system call, and the code
    // after it runs colder), so B spends `base + inject` and A `base`, and that fixed part cancels.
    // Fixed work per span reads no clock: its call costs a few instructions, so it needs no base.
    const base = options.injectUsPerRequest > 0 && !counter ? INJECTION_BASE_US : 0;
    const result = await runWindows({
      sides: [
        { ...windowSide(shared, 'a', cell, variant('a', base)), headStartSeconds: options.headStartSeconds },
        {
          ...windowSide(shared, 'b', cell, variant('b', base + options.injectUsPerRequest)),
        },
      ],
      processes: options.processes,
      windowSeconds: options.windowSeconds,
      leadInSeconds: options.leadInSeconds,
      windowsPerBlock: options.windowsPerBlock,
      warmup: {
        maxSeconds: options.warmupMaxSeconds,
        chunkSeconds: 4,
        tolerance: options.steadyTolerance ?? windowsDefaults().steadyTolerance,
        halfSeconds: options.steadyHalfSeconds ?? windowsDefaults().steadyHalfSeconds,
        setsAtOnce: options.warmupSetsAtOnce ?? options.processes,
      },
      ...(options.keepWarmShare !== undefined ? { keepWarmShare: options.keepWarmShare } : {}),
      seat: (services, seat) => moveServices(placement, services, seat, options.log),
      maxPairs: options.maxPairs,
      maxSeconds: options.maxSeconds,
      load: windowLoad(shared),
      generators: [generators[0], generators[1]],
      signal: controller.signal,
      ...(counter
        ? {
            meter: {
              begin: (services) => counter.begin(services.map((x) => x.pid)),
              start: (services) => counter.start(services.map((x) => x.pid)),
              stop: (services) => counter.stop(services.map((x) => x.pid)),
              warmupRateFactor: INSTRUCTIONS_WARMUP_RATE_FACTOR,
            },
          }
        : {}),
      log: options.log,
    });
    return { ...result, cellId: cell.id, placement: placement.record };
  } finally {
    await Promise.all(generators.map((g) => g.close()));
    await sink.close();
    placement.release();
    if (callgrindDir) rmSync(callgrindDir, { recursive: true, force: true });
  }
}
