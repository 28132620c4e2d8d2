import { parentPort, workerData } from 'node:worker_threads';
import { ALARM, type AlarmShared, alarmViews, hrNowMs } from './alarm.js';

/**
 * The alarm thread: sleeps in `Atomics.wait` (a futex: sub-millisecond, no CPU) until shortly before the time the
 * sender armed, spins the rest on the clock, then posts one message, which wakes the sender's event loop at once.
 * It does nothing else, so nothing delays its wake-up but the kernel.
 */
function run(shared: AlarmShared): void {
  const { control, times } = alarmViews(shared);
  for (;;) {
    const seq = Atomics.load(control, ALARM.seq);
    const state = Atomics.load(control, ALARM.state);
    if (state === ALARM.stop) return;
    if (state !== ALARM.armed) {
      Atomics.wait(control, ALARM.seq, seq);
      continue;
    }
    const atMs = times[ALARM.atMs]!;
    const lateMs = times[ALARM.wakeLateMs]!;
    const sleepMs = atMs - hrNowMs() - shared.spinMs - lateMs;
    if (sleepMs > 0) {
      const before = hrNowMs();
      if (Atomics.wait(control, ALARM.seq, seq, sleepMs) === 'timed-out') {
        const overMs = Math.min(Math.max(0, hrNowMs() - before - sleepMs), shared.maxWakeLateMs);
        times[ALARM.wakeLateMs] = lateMs + 0.1 * (overMs - lateMs);
      }
      continue;
    }
    while (hrNowMs() < atMs) {
      // The last few µs: a futex wake-up is tens of µs late, the clock is not.
    }
    if (Atomics.compareExchange(control, ALARM.state, ALARM.armed, ALARM.idle) === ALARM.armed)
      parentPort!.postMessage(0);
  }
}

run(workerData as AlarmShared);
