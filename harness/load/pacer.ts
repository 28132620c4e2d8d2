import { mulberry32 } from '../plan/random.js';
import type { Arrivals, Pacing } from './types.js';

/** Intended send times of one worker, as offsets (ms) from the start of its window, in order. */
export interface ArrivalSchedule {
  /** The next intended offset inside `[0, durationMs)`, or undefined once the window is exhausted. */
  next(): number | undefined;
}

/** Requests whose intended time `i / rate` falls inside `[0, durationMs)`; the epsilon absorbs float error. */
export function scheduledCount(rateRps: number, durationMs: number): number {
  return Math.max(0, Math.ceil((durationMs * rateRps) / 1000 - 1e-9));
}

/** Seed of one worker's arrivals: distinct per worker, so the workers' Poisson streams are independent. */
export function workerArrivalSeed(seed: number, workerIndex: number): number {
  return (seed ^ Math.imul(workerIndex + 1, 0x85ebca6b)) >>> 0;
}

/**
 * `uniform`: a metronome at `rateRps`. `poisson`: a Poisson process at `rateRps` conditioned on the uniform schedule's
 * count, so the window holds exactly as many requests and the achieved-rate check stays exact: its arrival times are
 * the order statistics of that many uniform draws over the window (gaps exponential of mean `1000 / rateRps` ms to
 * within 1/count), drawn in order from a seeded PRNG, so the same seed gives the same schedule.
 */
export function createArrivalSchedule(
  arrivals: Arrivals,
  rateRps: number,
  durationMs: number,
  seed: number,
): ArrivalSchedule {
  const count = scheduledCount(rateRps, durationMs);
  let i = 0;
  if (arrivals === 'uniform') {
    const intervalMs = 1000 / rateRps;
    return { next: () => (i < count ? i++ * intervalMs : undefined) };
  }
  const random = mulberry32(seed);
  let at = 0;
  return {
    next() {
      if (i >= count) return undefined;
      // The next of the remaining (count - i) sorted uniforms on [at, 1): its minimum, 1 - V^(1 / remaining).
      at += (1 - at) * (1 - (1 - random()) ** (1 / (count - i)));
      i++;
      return Math.min(at * durationMs, durationMs * (1 - Number.EPSILON));
    },
  };
}

/** How the pacer waits for the next intended send time. */
export type PacerStep =
  | { kind: 'send' }
  /** Sleep on a timer (the event loop idles and serves I/O); fires on a millisecond grid. */
  | { kind: 'timer'; ms: number }
  /** Block the thread in `Atomics.wait` for a sub-millisecond time: no CPU, but no I/O either. */
  | { kind: 'block'; ms: number }
  /** Yield one event-loop turn (I/O is served) and look again: the short spin just before a send. */
  | { kind: 'yield' }
  /** Wait for the alarm thread's wake-up at the next send time; the loop serves I/O meanwhile. */
  | { kind: 'alarm'; ms: number };

/** Tuning of the hybrid pacer, in ms. */
export interface HybridPacerTuning {
  /** Timers fire up to ~1 ms late on their ms grid: with at least this much left, sleep on a timer until ~1 ms before. */
  timerAboveMs: number;
  /** The last stretch is spun (event-loop turns), so a send leaves within one turn; bounds the CPU spent per send. */
  spinBelowMs: number;
  /** Longest block while a response may arrive: a response waits at most this long to be timed. */
  blockSliceMs: number;
  /** Largest wake-up lateness a block is shortened by: the spin before a send stays under `spinBelowMs` plus this. */
  maxWakeLateMs: number;
}

export const HYBRID_TUNING: HybridPacerTuning = {
  timerAboveMs: 2,
  spinBelowMs: 0.02,
  blockSliceMs: 0.05,
  maxWakeLateMs: 0.1,
};

/**
 * What to do with `remainingMs` left until the next send. `hybrid` sleeps on a timer until about a millisecond before,
 * then blocks in sub-millisecond `Atomics.wait`s (whole while nothing is in flight, in slices otherwise, so responses
 * are still timed promptly), then spins the last `spinBelowMs`: the spin is bounded, so the CPU stays near `timer`'s.
 */
export function pacerStep(
  pacing: Pacing,
  remainingMs: number,
  inFlight: number,
  wakeLateMs = 0,
  tuning: HybridPacerTuning = HYBRID_TUNING,
): PacerStep {
  if (remainingMs <= 0) return { kind: 'send' };
  if (pacing === 'timer') return { kind: 'timer', ms: Math.floor(remainingMs) };
  if (pacing === 'thread') return { kind: 'alarm', ms: remainingMs };
  if (pacing === 'spin') return remainingMs < 1 ? { kind: 'yield' } : { kind: 'timer', ms: Math.floor(remainingMs) };
  if (remainingMs >= tuning.timerAboveMs) return { kind: 'timer', ms: Math.floor(remainingMs) - 1 };
  // A block ends late by the kernel's timer slack (~50 µs on Linux): end it that much earlier, so the spin covers the rest.
  const blockMs = remainingMs - tuning.spinBelowMs - Math.min(Math.max(0, wakeLateMs), tuning.maxWakeLateMs);
  if (blockMs <= 0) return { kind: 'yield' };
  return { kind: 'block', ms: inFlight > 0 ? Math.min(blockMs, tuning.blockSliceMs) : blockMs };
}

/** Running estimate of how late blocks wake (ms): an exponential average, so one descheduled wake-up does not skew it. */
export function updateWakeLate(estimateMs: number, requestedMs: number, blockedMs: number): number {
  return estimateMs + 0.1 * (Math.max(0, blockedMs - requestedMs) - estimateMs);
}

/** The schedule seen from the sending loop: the next intended offset, and every request due by now, in order. */
export interface DueQueue {
  /** Offset (ms) of the next request not yet taken, or undefined when none is left. */
  peek(): number | undefined;
  /** Hands every request due at `elapsedMs` (offset <= elapsed) to `onDue`, in order; returns how many. */
  takeDue(elapsedMs: number, onDue: (offsetMs: number) => void): number;
  /** Skips the rest of the schedule; returns how many requests it held. */
  discardRest(): number;
}

export function createDueQueue(schedule: ArrivalSchedule): DueQueue {
  let pending = schedule.next();
  return {
    peek: () => pending,
    takeDue(elapsedMs, onDue) {
      let taken = 0;
      while (pending !== undefined && pending <= elapsedMs) {
        onDue(pending);
        taken++;
        pending = schedule.next();
      }
      return taken;
    },
    discardRest() {
      let rest = 0;
      while (pending !== undefined) {
        rest++;
        pending = schedule.next();
      }
      return rest;
    },
  };
}
