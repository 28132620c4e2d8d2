import { performance } from 'node:perf_hooks';
import { createHistogramUs, encodeHistogram } from './histogram.js';
import type { OpenLoopCounters, OpenLoopTask, OpenLoopWorkerResult } from './protocol.js';
import { createMixPicker, emptyTruthCounts } from './mix.js';
import { createArrivalSchedule, createDueQueue } from './pacer.js';
import { type PaceState, paceWindow } from './pace-window.js';
import { type Alarm, startAlarm } from './alarm.js';
import { createRawSender } from './raw-sender.js';
import { currentThreadId, enterRealtime } from './realtime.js';
import { createRequestSender } from './request-sender.js';

export { scheduledCount } from './pacer.js';

/** Slack after the last request's own timeout before the drain gives up on it. */
const DRAIN_SLACK_MS = 50;

let alarm: Promise<Alarm> | undefined;

/** One alarm thread per worker thread, started on first use and kept for the worker's later tasks. */
function getAlarm(): Promise<Alarm> {
  alarm ??= startAlarm();
  return alarm;
}

/**
 * Waits for the alarm's wake-up for send `index` (due at `atMs`): earlier ones are for sends already made. A wake-up is
 * posted early by the measured delivery time, so the loop spins the last µs: the send is neither early nor late.
 */
async function waitForAlarm(a: Alarm, index: number, atMs: number): Promise<void> {
  let woken = await a.next();
  while (woken < index) woken = await a.next();
  // Only a wake-up for this very send measures delivery: a later one means the loop itself was behind.
  if (woken === index) a.arrived(performance.now() - atMs);
  while (performance.now() < atMs);
}

/** Piscina task: one worker's share of an open-loop run on a fixed schedule, coordinated-omission safe. */
export default async function runOpenLoop(task: OpenLoopTask): Promise<OpenLoopWorkerResult> {
  const counters: OpenLoopCounters = {
    scheduled: 0,
    sent: 0,
    ok: 0,
    httpErrors: 0,
    socketErrors: 0,
    timeouts: 0,
    expectedErrors: 0,
  };
  let t0 = 0;
  const boundaries = task.phaseBoundariesMs;
  const rec = {
    counters,
    correctedUs: createHistogramUs(),
    uncorrectedUs: createHistogramUs(),
    sendLagUs: createHistogramUs(),
    ...(boundaries
      ? {
          phases: {
            correctedUs: Array.from({ length: boundaries.length + 1 }, createHistogramUs),
            of: (intendedMs: number) => boundaries.filter((b) => intendedMs - t0 >= b).length,
          },
        }
      : {}),
  };
  const sender = task.client === 'node-http' ? createRequestSender(task, rec) : createRawSender(task, rec);
  const picker = task.mix ? createMixPicker(task.mix, task.workerIndex, task.headers) : undefined;
  const due = createDueQueue(createArrivalSchedule(task.arrivals, task.rateRps, task.durationMs, task.arrivalSeed));
  const sleepCell = new Int32Array(new SharedArrayBuffer(4));

  // Started before the window: a thread takes tens of ms to start.
  const threadAlarm = task.pacing === 'thread' ? await getAlarm() : undefined;
  // After the alarm thread started, so it does not inherit the policy: each thread is set, and reset, explicitly.
  const realtime = task.realtime
    ? enterRealtime([currentThreadId(), ...(threadAlarm ? [threadAlarm.threadId] : [])], task.schedulerTool)
    : { record: { state: 'off' } as const, leave() {} };
  let elu = 0;
  try {
    const eluStart = performance.eventLoopUtilization();
    t0 = performance.now();
    const { arrivals, rateRps, durationMs, arrivalSeed: seed } = task;
    threadAlarm?.start({ arrivals, rateRps, durationMs, seed, t0Ms: t0 });
    const stopSendingMs = t0 + task.durationMs + task.timeoutMs;
    const pace: PaceState = { blockedMs: 0, wakeLateMs: 0 };
    const sendDue = (offsetMs: number) => sender.send(t0 + offsetMs, picker?.next());
    if (!threadAlarm) {
      const inFlight = () => sender.inFlight();
      const window = { pacing: task.pacing, t0Ms: t0, stopSendingMs, due, sendDue, inFlight, state: pace, sleepCell };
      counters.scheduled += await paceWindow(window);
    } else {
      for (let nextMs = due.peek(); nextMs !== undefined; nextMs = due.peek()) {
        const nowMs = performance.now();
        if (nowMs > stopSendingMs) break;
        counters.scheduled += due.takeDue(nowMs - t0, sendDue);
        const upcomingMs = due.peek();
        if (upcomingMs === undefined) break;
        if (t0 + upcomingMs > performance.now()) await waitForAlarm(threadAlarm, counters.scheduled, t0 + upcomingMs);
      }
    }
    threadAlarm?.stop();
    counters.scheduled += due.discardRest();
    const eluDelta = performance.eventLoopUtilization(eluStart);
    // Blocking in Atomics.wait and spinning through empty turns read as busy to the event loop: pacing, not the generator's work.
    elu =
      eluDelta.idle + eluDelta.active > 0
        ? Math.max(0, eluDelta.active - pace.blockedMs) / (eluDelta.idle + eluDelta.active)
        : 0;

    await sender.drain(performance.now() + task.timeoutMs + DRAIN_SLACK_MS);
  } finally {
    // Also when a send throws: a pool thread must not stay real-time.
    realtime.leave();
  }
  sender.close();
  return {
    counters,
    histograms: {
      corrected: encodeHistogram(rec.correctedUs),
      uncorrected: encodeHistogram(rec.uncorrectedUs),
      sendLag: encodeHistogram(rec.sendLagUs),
    },
    elu,
    realtime: realtime.record,
    truth: picker?.counts ?? emptyTruthCounts(),
    ...(rec.phases ? { phaseHistograms: rec.phases.correctedUs.map(encodeHistogram) } : {}),
  };
}
