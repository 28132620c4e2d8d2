import { performance } from 'node:perf_hooks';
import { createHistogramUs, encodeHistogram } from './histogram.js';
import type { OpenLoopCounters, OpenLoopTask, OpenLoopWorkerResult } from './protocol.js';
import { createMixPicker, emptyTruthCounts } from './mix.js';
import { createArrivalSchedule, createDueQueue, pacerStep, type PacerStep } from './pacer.js';
import { createRequestSender } from './request-sender.js';

export { scheduledCount } from './pacer.js';

/** Slack after the last request's own timeout before the drain gives up on it. */
const DRAIN_SLACK_MS = 50;

/** Carries out one wait step; returns the ms spent blocked (the thread idle, but counted busy by the event loop). */
function wait(step: PacerStep, cell: Int32Array): Promise<number> {
  switch (step.kind) {
    case 'send':
      return Promise.resolve(0);
    case 'timer':
      return new Promise((resolve) => setTimeout(() => resolve(0), Math.max(0, step.ms)));
    case 'yield':
      return new Promise((resolve) => setImmediate(() => resolve(0)));
    case 'block': {
      const start = performance.now();
      // Nothing ever notifies this cell: the wait is a sub-millisecond sleep, which timers cannot do.
      Atomics.wait(cell, 0, 0, step.ms);
      const blockedMs = performance.now() - start;
      // One event-loop turn after every block, so responses that arrived meanwhile are timed before the next one.
      return new Promise((resolve) => setImmediate(() => resolve(blockedMs)));
    }
  }
}

/** Piscina task: one worker's share of an open-loop run on a fixed schedule, coordinated-omission safe. */
export default async function runOpenLoop(task: OpenLoopTask): Promise<OpenLoopWorkerResult> {
  const counters: OpenLoopCounters = { scheduled: 0, sent: 0, ok: 0, httpErrors: 0, socketErrors: 0, timeouts: 0, expectedErrors: 0 };
  const rec = { counters, correctedUs: createHistogramUs(), uncorrectedUs: createHistogramUs(), sendLagUs: createHistogramUs() };
  const sender = createRequestSender(task, rec);
  const picker = task.mix ? createMixPicker(task.mix, task.workerIndex, task.headers) : undefined;
  const due = createDueQueue(createArrivalSchedule(task.arrivals, task.rateRps, task.durationMs, task.arrivalSeed));
  const sleepCell = new Int32Array(new SharedArrayBuffer(4));

  const eluStart = performance.eventLoopUtilization();
  const t0 = performance.now();
  // Catching up never skips a request, but a generator that far behind stops: the rest count as scheduled, not sent.
  const stopSendingMs = t0 + task.durationMs + task.timeoutMs;
  let blockedMs = 0;
  for (let nextMs = due.peek(); nextMs !== undefined; nextMs = due.peek()) {
    const nowMs = performance.now();
    if (nowMs > stopSendingMs) break;
    counters.scheduled += due.takeDue(nowMs - t0, (offsetMs) => sender.send(t0 + offsetMs, picker?.next()));
    const upcomingMs = due.peek();
    if (upcomingMs === undefined) break;
    blockedMs += await wait(pacerStep(task.pacing, t0 + upcomingMs - performance.now(), sender.inFlight()), sleepCell);
  }
  counters.scheduled += due.discardRest();
  const eluDelta = performance.eventLoopUtilization(eluStart);
  // Time blocked in Atomics.wait reads as busy to the event loop, though the thread slept: it is not the generator's work.
  const elu = eluDelta.idle + eluDelta.active > 0 ? Math.max(0, eluDelta.active - blockedMs) / (eluDelta.idle + eluDelta.active) : 0;

  await sender.drain(performance.now() + task.timeoutMs + DRAIN_SLACK_MS);
  sender.close();
  return {
    counters,
    histograms: {
      corrected: encodeHistogram(rec.correctedUs),
      uncorrected: encodeHistogram(rec.uncorrectedUs),
      sendLag: encodeHistogram(rec.sendLagUs),
    },
    elu,
    truth: picker?.counts ?? emptyTruthCounts(),
  };
}
