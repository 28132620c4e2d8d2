import { performance } from 'node:perf_hooks';
import { createHistogramUs, encodeHistogram } from './histogram.js';
import type { OpenLoopCounters, OpenLoopTask, OpenLoopWorkerResult } from './protocol.js';
import { createMixPicker, emptyTruthCounts } from './mix.js';
import { createRequestSender } from './request-sender.js';
import type { Pacing } from './types.js';

/** Slack after the last request's own timeout before the drain gives up on it. */
const DRAIN_SLACK_MS = 50;

/** Requests whose intended time `i / rate` falls inside `[0, durationMs)`; the epsilon absorbs float error. */
export function scheduledCount(rateRps: number, durationMs: number): number {
  return Math.max(0, Math.ceil((durationMs * rateRps) / 1000 - 1e-9));
}

/** Waits about `ms`; below a millisecond, `spin` takes one event-loop turn where a timer would sleep a whole one. */
function pause(ms: number, pacing: Pacing): Promise<void> {
  return new Promise((resolve) => {
    if (pacing === 'spin' && ms < 1) setImmediate(resolve);
    else setTimeout(resolve, Math.max(0, Math.floor(ms)));
  });
}

/** Piscina task: one worker's share of an open-loop run on a fixed schedule, coordinated-omission safe. */
export default async function runOpenLoop(task: OpenLoopTask): Promise<OpenLoopWorkerResult> {
  const counters: OpenLoopCounters = { scheduled: 0, sent: 0, ok: 0, httpErrors: 0, socketErrors: 0, timeouts: 0, expectedErrors: 0 };
  const rec = { counters, correctedUs: createHistogramUs(), uncorrectedUs: createHistogramUs(), sendLagUs: createHistogramUs() };
  const sender = createRequestSender(task, rec);
  const picker = task.mix ? createMixPicker(task.mix, task.workerIndex, task.headers) : undefined;
  const intervalMs = 1000 / task.rateRps;
  counters.scheduled = scheduledCount(task.rateRps, task.durationMs);

  const eluStart = performance.eventLoopUtilization();
  const t0 = performance.now();
  // Catching up never skips a request, but a generator that far behind stops: the rest count as scheduled, not sent.
  const stopSendingMs = t0 + task.durationMs + task.timeoutMs;
  let next = 0;
  while (next < counters.scheduled) {
    const nowMs = performance.now();
    if (nowMs > stopSendingMs) break;
    while (next < counters.scheduled && t0 + next * intervalMs <= nowMs) {
      sender.send(t0 + next * intervalMs, picker?.next());
      next++;
    }
    if (next < counters.scheduled) await pause(t0 + next * intervalMs - performance.now(), task.pacing);
  }
  const elu = performance.eventLoopUtilization(eluStart).utilization;

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
