import { defaultConfigPath, loadConfigFile } from '../config/load.js';
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
  log: (line: string) => void;
}): Promise<WindowsResult & { cellId: string; placement: PlacementRecord }> {
  const config = await loadConfigFile(defaultConfigPath());
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
    };
    const variant = (name: string, extra: number) => ({
      config: { name, env: options.serviceEnv ?? {}, extraCpuUsPerRequest: extra, extraCpuUsPerSpan: 0 },
    });
    // The known cost is a difference of two injections: each injection call costs a few µs beyond its spin (in the
    // service, a lone 11 µs injection read about 20 µs: ending the spin reads the clock with a system call, and the code
    // after it runs colder), so B spends `base + inject` and A `base`, and that fixed part cancels.
    const base = options.injectUsPerRequest > 0 ? INJECTION_BASE_US : 0;
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
        tolerance: 0.05,
        setsAtOnce: options.warmupSetsAtOnce ?? options.processes,
      },
      ...(options.keepWarmShare !== undefined ? { keepWarmShare: options.keepWarmShare } : {}),
      seat: (services, seat) => moveServices(placement, services, seat, options.log),
      maxPairs: options.maxPairs,
      maxSeconds: options.maxSeconds,
      load: windowLoad(shared),
      generators: [generators[0], generators[1]],
      signal: controller.signal,
      log: options.log,
    });
    return { ...result, cellId: cell.id, placement: placement.record };
  } finally {
    await Promise.all(generators.map((g) => g.close()));
    await sink.close();
    placement.release();
  }
}
