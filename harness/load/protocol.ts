import type { RequestMix, TruthCounts } from './mix.js';
import type { Arrivals, HttpClient, Pacing, RealtimeRecord, SchedulerTool } from './types.js';

/** What the main thread hands one open-loop worker: its share of the offered rate. */
export interface OpenLoopTask {
  url: string;
  rateRps: number;
  durationMs: number;
  connections: number;
  timeoutMs: number;
  headers: Record<string, string>;
  pacing: Pacing;
  client: HttpClient;
  arrivals: Arrivals;
  /** Run this worker's pacing threads at SCHED_FIFO for the window, with `schedulerTool`. */
  realtime: boolean;
  schedulerTool: SchedulerTool;
  /** Seed of this worker's Poisson arrivals. */
  arrivalSeed: number;
  /** Routes and ground-truth marks; without it every request is a GET of `url`. */
  mix?: RequestMix;
  /** This worker's index, so request ids stay unique across workers. */
  workerIndex: number;
  /** Splits corrected latency by intended send time (ms from the schedule's start); see OpenLoopOptions. */
  phaseBoundariesMs?: number[];
}

/** Outcome counters of one worker; `sent = ok + httpErrors + expectedErrors + socketErrors + timeouts` once drained. */
export interface OpenLoopCounters {
  scheduled: number;
  sent: number;
  ok: number;
  httpErrors: number;
  socketErrors: number;
  timeouts: number;
  /** 5xx answers to requests drawn to fail: the services honoured the mark, so these are not failures. */
  expectedErrors: number;
}

/** What one open-loop worker sends back: counters and compressed base64 µs histograms. */
export interface OpenLoopWorkerResult {
  counters: OpenLoopCounters;
  histograms: { corrected: string; uncorrected: string; sendLag: string };
  /** Event-loop utilization of this worker over its sending window (0..1). */
  elu: number;
  /** What this worker's pacing threads ran at. */
  realtime: RealtimeRecord;
  /** What this worker drew (zero without a mix). */
  truth: TruthCounts;
  /** Corrected latency per phase, encoded; absent without phase boundaries. */
  phaseHistograms?: string[];
}
