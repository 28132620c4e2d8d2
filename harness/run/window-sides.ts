import type { VariantConfig } from '../config/types.js';
import type { OpenLoopOptions } from '../load/types.js';
import type { Cell } from '../plan/types.js';
import type { RunningService } from '../target/launch.js';
import { startOrder } from '../../workloads/shape/schema.js';
import { entryMix, trialEnv, withTrialResource, type TrialContext } from './trial.js';
import type { WindowSide } from './windows.js';

/** What every side of a windows run shares: the service, the sink its spans go to, the launcher. */
export type SideContext = Pick<
  TrialContext,
  | 'runId'
  | 'config'
  | 'entry'
  | 'command'
  | 'cwd'
  | 'workloadFile'
  | 'workload'
  | 'referenceService'
  | 'sink'
  | 'generator'
  | 'launch'
  | 'signal'
  | 'burnIterationsPerUs'
> & {
  /** A command every service runs under (valgrind, for bench:precision --meter instructions) and its start-up bound. */
  wrapper?: { command: string[]; startupTimeoutMs: number };
};

/**
 * A side of a windows run: the cell (and variant) started as the trial starts it, with the same environment; every
 * span it sends names the side and process set (`r<side>-p<set>`) as its trial.
 */
export function windowSide(
  shared: SideContext,
  name: string,
  cell: Cell,
  variant?: { config: VariantConfig; entry?: string },
): WindowSide {
  return {
    name,
    start: async (processIndex) => {
      const ctx: TrialContext = {
        ...shared,
        cell,
        round: processIndex,
        order: 0,
        ...(variant ? { variant: variant.config, variantEntry: variant.entry } : {}),
      };
      const order = shared.referenceService ? startOrder(shared.workload) : [shared.workload.services[0]];
      const services: RunningService[] = [];
      const peers: Record<string, string> = {};
      try {
        for (const shape of order) {
          const service = await shared.launch({
            ...(ctx.variantEntry || !ctx.command ? { entry: ctx.variantEntry ?? ctx.entry } : { command: ctx.command }),
            ...(ctx.cwd ? { cwd: ctx.cwd } : {}),
            env: withTrialResource(trialEnv(ctx, shape.name, { ...peers }), `${name}-p${processIndex}`),
            readyPath: shared.config.service.readyPath,
            startupTimeoutMs: Math.max(shared.config.service.startupTimeoutMs, shared.wrapper?.startupTimeoutMs ?? 0),
            ...(shared.wrapper ? { wrapper: shared.wrapper.command } : {}),
          });
          services.push(service);
          peers[shape.name] = service.baseUrl;
        }
      } catch (error) {
        await Promise.all(services.map((s) => s.kill()));
        throw error;
      }
      return services;
    },
  };
}

/** The open-loop options of one stretch of a windows run: the run's load settings and, for the reference service, its route mix. */
export function windowLoad(
  shared: SideContext,
): (entry: RunningService, seconds: number, idPrefix: string) => OpenLoopOptions {
  const { config } = shared;
  let stretch = 0;
  return (entry, seconds, idPrefix) => {
    const seed = (config.seed + 7919 * ++stretch) >>> 0;
    return {
      url: entry.baseUrl + config.service.requestPath,
      ...(shared.referenceService ? { mix: { ...entryMix(shared.workload, seed), idPrefix } } : {}),
      rateRps: config.load.rateRps,
      durationMs: seconds * 1000,
      threads: config.load.threads,
      connections: config.load.connections,
      timeoutMs: config.load.timeoutMs,
      pacing: config.load.pacing,
      realtime: config.load.realtime,
      arrivals: config.load.arrivals,
      arrivalSeed: seed,
    };
  };
}
