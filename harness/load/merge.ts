import { encodeHistogram, mergeEncoded, toPercentilesUs } from './histogram.js';
import { addTruthCounts, emptyTruthCounts } from './mix.js';
import { workerArrivalSeed } from './pacer.js';
import type { OpenLoopTask, OpenLoopWorkerResult } from './protocol.js';
import { DEFAULT_SCHEDULER_TOOL } from './realtime.js';
import type { OpenLoopOptions, OpenLoopResult, PercentilesUs, RealtimeRecord, SchedulerTool } from './types.js';

/** Splits the offered rate evenly: one task per worker thread. */
export function splitIntoTasks(
  o: OpenLoopOptions,
  schedulerTool: SchedulerTool = DEFAULT_SCHEDULER_TOOL,
): OpenLoopTask[] {
  return Array.from({ length: o.threads }, (_, workerIndex) => ({
    workerIndex,
    ...(o.mix ? { mix: o.mix } : {}),
    url: o.url,
    rateRps: o.rateRps / o.threads,
    durationMs: o.durationMs,
    connections: o.connections,
    timeoutMs: o.timeoutMs,
    headers: o.headers ?? {},
    pacing: o.pacing ?? 'hybrid',
    client: o.client ?? 'raw',
    arrivals: o.arrivals ?? 'uniform',
    realtime: o.realtime ?? false,
    schedulerTool,
    arrivalSeed: workerArrivalSeed(o.arrivalSeed ?? 0, workerIndex),
    ...(o.phaseBoundariesMs ? { phaseBoundariesMs: o.phaseBoundariesMs } : {}),
  }));
}

function mergedPercentiles(encoded: string[]): { percentiles: PercentilesUs; encoded: string } {
  const histogram = mergeEncoded(encoded);
  const result = { percentiles: toPercentilesUs(histogram), encoded: encodeHistogram(histogram) };
  histogram.destroy();
  return result;
}

function sum(parts: OpenLoopWorkerResult[], pick: (p: OpenLoopWorkerResult) => number): number {
  return parts.reduce((total, p) => total + pick(p), 0);
}

/** The workers' scheduling as one record: refused if any worker was refused, so a partial grant is not read as a full one. */
export function mergeRealtime(records: RealtimeRecord[]): RealtimeRecord {
  const refused = records.find((r) => r.state === 'refused');
  if (refused) return refused;
  const applied = records.filter((r) => r.state === 'applied');
  if (applied.length === 0) return { state: 'off' };
  const threads = applied.reduce((total, r) => total + r.threads, 0);
  return { state: 'applied', policy: 'SCHED_FIFO', priority: applied[0]!.priority, threads };
}

/** Adds the workers' counters and histograms into one result. */
export function mergeOpenLoop(o: OpenLoopOptions, parts: OpenLoopWorkerResult[]): OpenLoopResult {
  const corrected = mergedPercentiles(parts.map((p) => p.histograms.corrected));
  const uncorrected = mergedPercentiles(parts.map((p) => p.histograms.uncorrected));
  const sendLag = mergedPercentiles(parts.map((p) => p.histograms.sendLag));
  const ok = sum(parts, (p) => p.counters.ok);
  const httpErrors = sum(parts, (p) => p.counters.httpErrors);
  const expectedErrors = sum(parts, (p) => p.counters.expectedErrors);
  return {
    targetRps: o.rateRps,
    achievedRps: (ok + httpErrors + expectedErrors) / (o.durationMs / 1000),
    durationMs: o.durationMs,
    scheduled: sum(parts, (p) => p.counters.scheduled),
    sent: sum(parts, (p) => p.counters.sent),
    ok,
    httpErrors,
    socketErrors: sum(parts, (p) => p.counters.socketErrors),
    timeouts: sum(parts, (p) => p.counters.timeouts),
    expectedErrors,
    truth: parts.reduce((into, p) => addTruthCounts(into, p.truth), emptyTruthCounts()),
    latencyCorrectedUs: corrected.percentiles,
    latencyUncorrectedUs: uncorrected.percentiles,
    sendLagUs: sendLag.percentiles,
    generatorEluMax: Math.max(0, ...parts.map((p) => p.elu)),
    realtime: mergeRealtime(parts.map((p) => p.realtime)),
    histograms: { corrected: corrected.encoded, uncorrected: uncorrected.encoded },
    ...(o.phaseBoundariesMs
      ? {
          phases: o.phaseBoundariesMs
            .concat(Number.POSITIVE_INFINITY)
            .map((_, i) => mergedPercentiles(parts.flatMap((p) => p.phaseHistograms?.[i] ?? [])).percentiles),
        }
      : {}),
  };
}
