import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { Arrivals } from './types.js';

/** Slots of the alarm's shared memory: `control` (Int32) and `plan` (Float64; times in ms on the monotonic clock). */
export const ALARM = {
  seq: 0,
  state: 1,
  arrivals: 2,
  idle: 0,
  running: 1,
  stop: 2,
  t0Ms: 0,
  rateRps: 1,
  durationMs: 2,
  seed: 3,
  leadMs: 4,
} as const;

/** What the alarm thread is started with. */
export interface AlarmShared {
  buffer: SharedArrayBuffer;
  /** The alarm spins on the clock for this long before each send time (ms), absorbing a futex's wake-up jitter. */
  spinMs: number;
  /** Largest wake-up lateness a sleep is shortened by (ms): bounds the spin when the machine stalls the thread once. */
  maxWakeLateMs: number;
}

export function alarmViews(shared: AlarmShared): { control: Int32Array; plan: Float64Array } {
  return { control: new Int32Array(shared.buffer, 0, 4), plan: new Float64Array(shared.buffer, 16, 5) };
}

/** The monotonic clock in ms, the same in every thread (performance.now() counts from each thread's own start). */
export function hrNowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/**
 * hrNowMs() − performance.now(), from the tightest of a few bracketed reads: a single pair of reads was off by up to
 * ~5 µs (first calls, or a preemption between them), enough to post wake-ups earlier than MAX_LEAD_MS.
 */
export function clockOffsetMs(): number {
  let best = { gapMs: Number.POSITIVE_INFINITY, offsetMs: 0 };
  for (let i = 0; i < 8; i++) {
    const before = performance.now();
    const hr = hrNowMs();
    const after = performance.now();
    if (after - before < best.gapMs) best = { gapMs: after - before, offsetMs: hr - (before + after) / 2 };
  }
  return best.offsetMs;
}

/** One worker's schedule, as the alarm thread recomputes it: the same arguments give the sender's own schedule. */
export interface AlarmPlan {
  arrivals: Arrivals;
  rateRps: number;
  durationMs: number;
  seed: number;
  /** The window's start, this thread's performance.now() ms. */
  t0Ms: number;
}

/** Sub-millisecond wake-ups for one event loop, which serves its sockets while it waits. */
export interface Alarm {
  /** The alarm thread's Linux thread id (null off Linux), so its scheduling can be set. */
  readonly threadId: number | null;
  /** Starts posting one wake-up at every intended send time of `plan`; a running plan is stopped first. */
  start(plan: AlarmPlan): void;
  /** Resolves at the next wake-up with the index of its send time in the plan (at once if one came since the last call). */
  next(): Promise<number>;
  /**
   * Reports how late (ms; negative if early) a wake-up reached the loop versus its send time: later wake-ups are
   * posted that much earlier, so the message's own delivery (~20-40 µs here) is taken out of the send lag.
   */
  arrived(lateMs: number): void;
  /** Stops the running plan. */
  stop(): void;
  /** Ends the alarm thread. */
  close(): Promise<void>;
}

/** 20 µs spin; sleeps shortened by the measured futex lateness (~80-90 µs here), at most 100 µs. */
export const ALARM_TUNING = { spinMs: 0.02, maxWakeLateMs: 0.1 };
/** Wake-ups aim this far before the send time (ms), and are posted at most `MAX_LEAD_MS` early: the loop spins the rest. */
export const LEAD_MARGIN_MS = 0.005;
export const MAX_LEAD_MS = 0.1;

const ALARM_THREAD = new URL('./alarm-thread.js', import.meta.url);

/**
 * Starts an alarm thread. Node's timers fire on a millisecond grid (libuv polls with a ms timeout), but a message
 * from another thread wakes the loop within µs: a thread that does nothing but keep the schedule's time posts one at
 * every send time, and the sender's loop only serves sockets.
 */
export async function startAlarm(tuning = ALARM_TUNING): Promise<Alarm> {
  const shared: AlarmShared = { buffer: new SharedArrayBuffer(64), ...tuning };
  const { control, plan } = alarmViews(shared);
  const worker = new Worker(ALARM_THREAD, { workerData: shared });
  // The thread's first message is its thread id.
  const threadId = await new Promise<number | null>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  let waiting: ((index: number) => void) | undefined;
  // The latest wake-up that came while nothing waited: only the latest matters, the loop sends everything due.
  let woken = -1;
  worker.on('message', (index: number) => {
    const wake = waiting;
    waiting = undefined;
    if (wake) wake(index);
    else woken = Math.max(woken, index);
  });
  // The alarm's thread keeps the process alive only while a plan runs.
  worker.unref();
  const offsetMs = clockOffsetMs();
  plan[ALARM.leadMs] = 0;

  function signal(state: number): void {
    Atomics.store(control, ALARM.state, state);
    Atomics.add(control, ALARM.seq, 1);
    Atomics.notify(control, ALARM.seq);
  }

  return {
    threadId,
    start(p) {
      plan[ALARM.t0Ms] = p.t0Ms + offsetMs;
      plan[ALARM.rateRps] = p.rateRps;
      plan[ALARM.durationMs] = p.durationMs;
      plan[ALARM.seed] = p.seed;
      Atomics.store(control, ALARM.arrivals, p.arrivals === 'poisson' ? 1 : 0);
      woken = -1;
      worker.ref();
      signal(ALARM.running);
    },
    next() {
      if (woken >= 0) {
        const index = woken;
        woken = -1;
        return Promise.resolve(index);
      }
      return new Promise((resolve) => {
        waiting = resolve;
      });
    },
    arrived(lateMs) {
      const lead = plan[ALARM.leadMs]! + 0.1 * (lateMs + LEAD_MARGIN_MS);
      plan[ALARM.leadMs] = Math.min(Math.max(0, lead), MAX_LEAD_MS);
    },
    stop() {
      signal(ALARM.idle);
      worker.unref();
    },
    async close() {
      signal(ALARM.stop);
      await worker.terminate();
    },
  };
}
