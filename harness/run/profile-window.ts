import { sumThreadCpu } from '../probe/thread-cpu.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/types.js';
import { busyUs, mergeFlames, pruneFlame, scaleFlame, summariseProfile } from '../results/profile.js';
import { PROFILE_CATEGORIES, type ProfileCategory, type TrialProfile } from '../results/profile-types.js';
import type { CellSettings } from '../plan/types.js';
import type { CpuProfile, ProbeWindowReport } from '../probe/protocol.js';

/** Request ids of the profiled window: neither the warm-up's nor the measured window's, so coverage never counts them. */
export const PROFILE_ID_PREFIX = 'p';

/** The flame view keeps frames of at least this share of the profile's CPU: a few hundred frames at most. */
const FLAME_MIN_SHARE = 0.01;

/** The sampling interval of a cell's profiled window, or undefined when the cell is not profiled. */
export function profileIntervalOf(config: Config, settings: CellSettings): number | undefined {
  const profile = config.profile ?? { cells: 'attribution', intervalUs: 1000 };
  if (profile.cells === 'all' || (profile.cells === 'attribution' && settings.layer !== undefined))
    return profile.intervalUs;
  return undefined;
}

/** `<trial>.cpuprofile` for a one-process service, `<trial>.<service>.cpuprofile` for each of several. */
export function profileFileName(trialId: string, service: string, services: number): string {
  return services === 1 ? `${trialId}.cpuprofile` : `${trialId}.${service.replace(/[^\w.-]/g, '_')}.cpuprofile`;
}

/**
 * Saves each service's profile beside results.json and places its time: categories and the pruned call tree, per
 * request of the entry service (which must have served some). `cpuUs` is the window's service CPU, measured as the
 * unprofiled window's is.
 */
export function recordProfiles(
  dir: string,
  trialId: string,
  intervalUs: number,
  reports: { name: string; report: ProbeWindowReport }[],
  cpuUs: number,
): TrialProfile {
  const entry = reports[reports.length - 1].report;
  const requests = entry.requests;
  const profiles = reports.filter((r): r is { name: string; report: ProbeWindowReport & { profile: CpuProfile } } =>
    Boolean(r.report.profile),
  );
  if (profiles.length < reports.length)
    throw new Error(`${reports.length - profiles.length} service(s) returned no profile from the profiled window`);
  const files = profiles.map((p) => {
    const file = profileFileName(trialId, p.name, reports.length);
    writeFileSync(join(dir, file), JSON.stringify(p.report.profile));
    return file;
  });
  const summaries = profiles.map((p) => summariseProfile(p.report.profile));
  const mainThread = profiles.map((p) => p.report.profileMainThreadCpuUs ?? null);
  const known = mainThread.every((m) => m !== null);
  // Each service's samples place its own main thread's CPU; per request of the entry service.
  const factors = summaries.map((s, i) => {
    const busy = busyUs(s.categoryUs);
    return (known && busy > 0 ? (mainThread[i] as number) / busy : 1) / requests;
  });
  const categoryUsPerRequest = Object.fromEntries(
    PROFILE_CATEGORIES.map((c) => [c, summaries.reduce((t, s, i) => t + s.categoryUs[c] * factors[i], 0)]),
  ) as Record<ProfileCategory, number>;
  const flame = mergeFlames(summaries.map((s, i) => scaleFlame(s.flame, factors[i])));
  const threads = sumThreadCpu(reports.map((r) => r.report));
  return {
    files,
    intervalUs,
    samples: summaries.reduce((t, s) => t + s.samples, 0),
    requests,
    windowMs: entry.windowMs,
    cpuUsPerRequest: cpuUs / requests,
    mainThreadCpuUsPerRequest: known ? mainThread.reduce((t: number, m) => t + (m as number), 0) / requests : null,
    sampledUsPerRequest: summaries.reduce((t, s) => t + busyUs(s.categoryUs), 0) / requests,
    threadCpuUsPerRequest: threads
      ? { main: threads.main / requests, other: threads.other / requests, profiler: threads.profiler / requests }
      : null,
    categoryUsPerRequest,
    flame: pruneFlame(flame, flame.totalUs * FLAME_MIN_SHARE),
  };
}
