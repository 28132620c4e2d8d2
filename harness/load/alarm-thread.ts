import { parentPort, workerData } from 'node:worker_threads';
import { ALARM, type AlarmShared, alarmViews, hrNowMs } from './alarm.js';
import { createArrivalSchedule } from './pacer.js';
import { currentThreadId } from './realtime.js';

/**
 * The alarm thread: for every send time of the plan it sleeps in `Atomics.wait` (a futex: sub-millisecond, no CPU)
 * until shortly before, spins the rest on the clock, then posts one message, which wakes the sender's event loop at
 * once. It does nothing else, so nothing delays its wake-ups but the kernel.
 */
function run(shared: AlarmShared): void {
  const { control, plan } = alarmViews(shared);
  // Futex sleeps end late by the kernel's timer slack: a running estimate, so each sleep is shortened by it.
  let lateMs = shared.maxWakeLateMs / 2;
  for (;;) {
    const seq = Atomics.load(control, ALARM.seq);
    const state = Atomics.load(control, ALARM.state);
    if (state === ALARM.stop) return;
    if (state !== ALARM.running) {
      Atomics.wait(control, ALARM.seq, seq);
      continue;
    }
    const t0Ms = plan[ALARM.t0Ms]!;
    const arrivals = Atomics.load(control, ALARM.arrivals) === 1 ? 'poisson' : 'uniform';
    const schedule = createArrivalSchedule(arrivals, plan[ALARM.rateRps]!, plan[ALARM.durationMs]!, plan[ALARM.seed]!);
    let index = 0;
    for (let at = schedule.next(); at !== undefined; at = schedule.next(), index++) {
      const atMs = t0Ms + at - plan[ALARM.leadMs]!;
      for (;;) {
        const sleepMs = atMs - hrNowMs() - shared.spinMs - lateMs;
        if (sleepMs <= 0) break;
        const before = hrNowMs();
        // A new plan, a stop or an end interrupts the sleep.
        if (Atomics.wait(control, ALARM.seq, seq, sleepMs) !== 'timed-out') break;
        const overMs = Math.min(Math.max(0, hrNowMs() - before - sleepMs), shared.maxWakeLateMs);
        lateMs += 0.1 * (overMs - lateMs);
      }
      if (Atomics.load(control, ALARM.seq) !== seq) break;
      while (hrNowMs() < atMs) {
        // The last few µs: a futex wake-up is tens of µs late, the clock is not.
      }
      parentPort!.postMessage(index);
    }
    // The plan is done (or replaced, and then this returns at once): wait for the next one.
    Atomics.wait(control, ALARM.seq, seq);
  }
}

parentPort!.postMessage(currentThreadId());
run(workerData as AlarmShared);
