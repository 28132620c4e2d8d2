import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

/** Slots of the alarm's shared memory: `control` (Int32) and `times` (Float64, ms on the monotonic clock). */
export const ALARM = {
  seq: 0,
  state: 1,
  idle: 0,
  armed: 1,
  stop: 2,
  atMs: 0,
  wakeLateMs: 1,
} as const;

/** What the alarm thread is started with. */
export interface AlarmShared {
  buffer: SharedArrayBuffer;
  /** The alarm spins on the clock for this long before the armed time (ms), so a futex's wake-up jitter is absorbed. */
  spinMs: number;
  /** Largest wake-up lateness a sleep is shortened by (ms): bounds the spin when the machine stalls the thread once. */
  maxWakeLateMs: number;
}

export function alarmViews(shared: AlarmShared): { control: Int32Array; times: Float64Array } {
  return { control: new Int32Array(shared.buffer, 0, 2), times: new Float64Array(shared.buffer, 8, 2) };
}

/** The monotonic clock in ms, the same in every thread (performance.now() counts from each thread's own start). */
export function hrNowMs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e3 + ns / 1e6;
}

/** A sub-millisecond alarm for one event loop: resolves at a performance.now() time, and the loop serves I/O meanwhile. */
export interface Alarm {
  /** Resolves at `atMs` (this thread's performance.now()), a few µs late; one alarm at a time. */
  wakeAt(atMs: number): Promise<void>;
  /** Ends the alarm thread. */
  close(): Promise<void>;
}

export const ALARM_TUNING = { spinMs: 0.02, maxWakeLateMs: 0.1 };

const ALARM_THREAD = new URL('./alarm-thread.js', import.meta.url);

/**
 * Starts an alarm thread. Node's timers fire on a millisecond grid (libuv polls with a ms timeout); a message from
 * another thread wakes the loop within µs, so that thread keeps the time and the sender's loop only serves sockets.
 */
export async function startAlarm(tuning = ALARM_TUNING): Promise<Alarm> {
  const shared: AlarmShared = { buffer: new SharedArrayBuffer(32), ...tuning };
  const { control, times } = alarmViews(shared);
  times[ALARM.wakeLateMs] = 0.05;
  const worker = new Worker(ALARM_THREAD, { workerData: shared });
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  let onWake: (() => void) | undefined;
  worker.on('message', () => {
    const wake = onWake;
    onWake = undefined;
    wake?.();
  });
  // The alarm's thread must not keep the process alive once nothing waits on it.
  worker.unref();
  const offsetMs = hrNowMs() - performance.now();

  function signal(state: number): void {
    Atomics.store(control, ALARM.state, state);
    Atomics.add(control, ALARM.seq, 1);
    Atomics.notify(control, ALARM.seq);
  }

  return {
    wakeAt(atMs) {
      return new Promise((resolve) => {
        onWake = resolve;
        times[ALARM.atMs] = atMs + offsetMs;
        signal(ALARM.armed);
      });
    },
    async close() {
      signal(ALARM.stop);
      await worker.terminate();
    },
  };
}
