import type { TrialMetrics } from '../results/types.js';
import {
  PROFILE_CATEGORIES,
  TRACING_CATEGORIES,
  type FlameNode,
  type ProfileCategory,
} from '../results/profile-types.js';
import type { Group } from '../stats/analyse.js';
import { median } from '../stats/interval.js';
import type { Estimate } from '../stats/types.js';

/** What the profiled windows of one layer cell show, and what they place of its increment over the layer beneath. */
export interface LayerProfile {
  /** Rounds with a profiled window. */
  rounds: number;
  /** µs per request in each category, median over rounds. */
  categoryUs: Record<ProfileCategory, number>;
  /** Per category, the mean per-round difference over the layer beneath (paired by round); null for the first layer. */
  incrementUs: Record<ProfileCategory, number> | null;
  /**
   * CPU off the main thread (V8's GC and compiler workers, libuv's pool) the layer adds in the measured windows, by
   * thread (paired by round): no profile sees those threads. Null where the threads were not read.
   */
  offMainUs: number | null;
  /** The increments of every category but `unmapped`, plus `offMainUs`: what is placed of the measured increment. */
  placedUs: number | null;
  /** Of that, the tracing categories' (API, SDK, context, sampler, propagator, processor, serialization, exporter). */
  tracingUs: number | null;
  /**
   * The profiled window's CPU per request over the measured window's (same trials), median: the profiler's cost mixed
   * with warm-up, since the profiled window runs second in the same process.
   */
  profiledOverMeasuredUs: number | null;
  /** CPU per request of V8's profiler thread in the profiled windows, median; null where threads were not read. */
  profilerThreadUs: number | null;
  /** The flame tree of the cell's last profiled round. */
  flame: FlameNode | null;
  /** The `.cpuprofile` files of that round. */
  files: string[];
}

/** The measured window's CPU off the main thread per request; null when the threads were not read. */
function offMain(m: TrialMetrics): number | null {
  return m.threadCpuUs && m.requests > 0 ? m.threadCpuUs.other / m.requests : null;
}

/** Mean over the rounds both groups measured of a per-trial figure's difference; null if any round lacks it. */
function pairedMean(head: Group, reference: Group, read: (m: TrialMetrics) => number | null): number | null {
  const diffs: number[] = [];
  for (const [round, trials] of head.rounds) {
    const ref = reference.rounds.get(round)?.[0];
    if (!ref || trials.length === 0) continue;
    const a = read(trials[0]);
    const b = read(ref);
    if (a === null || b === null) return null;
    diffs.push(a - b);
  }
  return diffs.length > 0 ? diffs.reduce((t, d) => t + d, 0) / diffs.length : null;
}

function profiledRounds(group: Group): Map<number, TrialMetrics> {
  const rounds = new Map<number, TrialMetrics>();
  for (const [round, trials] of group.rounds) {
    const profiled = trials.find((m) => m.profile !== undefined);
    if (profiled) rounds.set(round, profiled);
  }
  return rounds;
}

const byCategory = (pick: (c: ProfileCategory) => number) =>
  Object.fromEntries(PROFILE_CATEGORIES.map((c) => [c, pick(c)])) as Record<ProfileCategory, number>;

/** The layer's profile figures; null when none of its rounds was profiled. */
export function layerProfile(group: Group, previous: Group | undefined): LayerProfile | null {
  const mine = profiledRounds(group);
  if (mine.size === 0) return null;
  const values = [...mine.values()];
  const categoryUs = byCategory((c) => median(values.map((m) => m.profile!.categoryUsPerRequest[c])));
  const theirs = previous ? profiledRounds(previous) : undefined;
  const paired = theirs ? [...mine.keys()].filter((r) => theirs.has(r)) : [];
  const incrementUs =
    theirs && paired.length > 0
      ? byCategory(
          (c) =>
            paired.reduce(
              (t, r) =>
                t + mine.get(r)!.profile!.categoryUsPerRequest[c] - theirs.get(r)!.profile!.categoryUsPerRequest[c],
              0,
            ) / paired.length,
        )
      : null;
  const sum = (cats: readonly ProfileCategory[]) => (incrementUs ? cats.reduce((t, c) => t + incrementUs[c], 0) : null);
  const offMainUs = previous ? pairedMean(group, previous, offMain) : null;
  const mainPlaced = sum(PROFILE_CATEGORIES.filter((c) => c !== 'unmapped'));
  const overheads = values.map((m) => m.profile!.cpuUsPerRequest - m.cpuUsPerRequest).filter((v) => Number.isFinite(v));
  const profilerThreads = values.flatMap((m) => {
    const threads = m.profile!.threadCpuUsPerRequest;
    return threads ? [threads.profiler] : [];
  });
  const last = [...mine.entries()].sort(([a], [b]) => b - a)[0][1].profile!;
  return {
    rounds: mine.size,
    categoryUs,
    incrementUs,
    offMainUs,
    placedUs: mainPlaced !== null && offMainUs !== null ? mainPlaced + offMainUs : mainPlaced,
    tracingUs: sum(TRACING_CATEGORIES),
    profiledOverMeasuredUs: overheads.length > 0 ? median(overheads) : null,
    profilerThreadUs: profilerThreads.length > 0 ? median(profilerThreads) : null,
    flame: last.flame,
    files: last.files,
  };
}

/**
 * What is placed over a path, from its first layer to its last, paired by the rounds both profiled: the profiles'
 * main-thread categories plus the measured windows' CPU off the main thread (where read).
 */
export function placedOverPath(first: Group, last: Group): number | null {
  const a = profiledRounds(first);
  const b = profiledRounds(last);
  const rounds = [...b.keys()].filter((r) => a.has(r));
  if (rounds.length === 0) return null;
  const placed = (m: TrialMetrics) =>
    PROFILE_CATEGORIES.filter((c) => c !== 'unmapped').reduce((t, c) => t + m.profile!.categoryUsPerRequest[c], 0) +
    (offMain(m) ?? 0);
  return rounds.reduce((t, r) => t + placed(b.get(r)!) - placed(a.get(r)!), 0) / rounds.length;
}

/** Share of the measured total the profile may leave unplaced and still count as explaining it. */
export const MAX_REMAINDER_SHARE = 0.25;

/** Whether the profile explains a path's measured total: the check that replaced "the increments add up". */
export type ProfileCheck =
  | {
      status: 'explained' | 'unexplained';
      cellIds: string[];
      measured: Estimate;
      placedUs: number;
      /** measured − placed: CPU the profile cannot place (other threads, the kernel outside the main thread). */
      remainderUs: number;
      message: string;
    }
  | { status: 'unmeasured'; cellIds: string[]; message: string };

/**
 * The profiled windows' placed CPU (every category but unmapped) against the measured total of the unprofiled windows:
 * two separate measurements, so this can fail. Explained when the placed total lies inside the measured interval or
 * leaves less than 25% of the estimate unplaced (a narrow interval alone would fail a profile off by a few µs).
 */
export function checkProfile(
  cellIds: string[],
  measured: Estimate | null,
  placedUs: number | null,
  level: number,
): ProfileCheck {
  const name = `${cellIds[0]} → ${cellIds[cellIds.length - 1]}`;
  if (!measured)
    return {
      status: 'unmeasured',
      cellIds,
      message: `${name}: the measured total has fewer than 2 paired rounds; run 3 or more.`,
    };
  if (placedUs === null)
    return {
      status: 'unmeasured',
      cellIds,
      message: `${name}: no round profiled both ends (profile.cells: attribution or --profile).`,
    };
  const remainderUs = measured.estimate - placedUs;
  const share =
    measured.estimate !== 0 ? Math.abs(remainderUs) / Math.abs(measured.estimate) : Number.POSITIVE_INFINITY;
  const within = placedUs >= measured.ci.low && placedUs <= measured.ci.high;
  const pct = (v: number) => `${(v * 100).toFixed(0)}%`;
  const numbers = `measured ${measured.estimate.toFixed(1)} µs/req (${Math.round(level * 100)}%: ${measured.ci.low.toFixed(1)} to ${measured.ci.high.toFixed(1)}), the profile places ${placedUs.toFixed(1)}, remainder ${remainderUs.toFixed(1)} (${Number.isFinite(share) ? pct(share) : '–'})`;
  const explained = within || share < MAX_REMAINDER_SHARE;
  return {
    status: explained ? 'explained' : 'unexplained',
    cellIds,
    measured,
    placedUs,
    remainderUs,
    message: explained
      ? `${name}: ${numbers}: the profile explains the measured total.`
      : `${name}: ${numbers}: the profile does not explain it (outside the interval, and ${pct(MAX_REMAINDER_SHARE)} or more unplaced); the remainder is CPU off the main thread or a difference between the profiled and the measured windows.`,
  };
}
