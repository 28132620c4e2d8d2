import type { Config } from '../config/types.js';
import type { PercentilesUs } from '../load/types.js';
import type { CellSettings } from '../plan/types.js';
import type { ProbeSecond, SpanCounts } from '../target/protocol.js';

/** Bumped on any incompatible change to results.json / results.jsonl. */
export const RESULTS_SCHEMA_VERSION = 1;

export interface SpanFate extends SpanCounts {
  /** Counted by the sink. */
  received: number;
}

export interface TrialMetrics {
  /** Service CPU (user + system) in the window divided by the requests it served in the window. */
  cpuUsPerRequest: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Requests the service started inside the measured window. */
  requests: number;
  windowMs: number;
  targetRps: number;
  achievedRps: number;
  latencyUs: { corrected: PercentilesUs; uncorrected: PercentilesUs };
  sendLagUs: PercentilesUs;
  load: { sent: number; ok: number; httpErrors: number; socketErrors: number; timeouts: number; generatorEluMax: number };
  rssPeakBytes: number;
  rssStartBytes: number;
  heapUsedBytes: number;
  gcPauseMs: { count: number; total: number; max: number };
  eventLoopDelayUs: { p50: number; p99: number; max: number; mean: number };
  spans: SpanFate;
  sink: { requests: number; bytes: number; rejectedRequests: number };
  probeCpuUs: number;
  /** Closed-loop saturation throughput (autocannon), when the config asks for it. */
  maxThroughputRps?: number;
  /** Per-second series inside the window. */
  series: ProbeSecond[];
  /** HDR histograms (µs, compressed base64) for later views. */
  histograms: { corrected: string; uncorrected: string };
}

interface TrialBase {
  runId: string;
  cellId: string;
  /** Set when the run compares variants of the system under test. */
  variant?: string;
  round: number;
  order: number;
  startedAt: string;
  wallMs: number;
  warnings: string[];
}

/** `ok`: measured and trustworthy; `invalid`: measured, but a check says the numbers do not measure the service. */
export type TrialRecord =
  | (TrialBase & { status: 'ok' | 'invalid'; metrics: TrialMetrics })
  | (TrialBase & { status: 'failed'; error: string; stderrTail: string[] });

export interface CellSummary {
  /** Trials that counted (status ok). */
  trials: number;
  invalidTrials: number;
  failedTrials: number;
  cpuUsPerRequest: number;
  latencyUs: { corrected: Omit<PercentilesUs, 'count' | 'mean'>; uncorrected: Omit<PercentilesUs, 'count' | 'mean'> };
  achievedRps: number;
  rssPeakBytes: number;
  heapUsedBytes: number;
  gcPauseMs: { count: number; total: number; max: number };
  eventLoopDelayUs: { p50: number; p99: number; max: number };
  spans: SpanFate;
  maxThroughputRps?: number;
}

/** One entry per cell, or per cell and variant in a same-run A/B. */
export interface CellResult {
  id: string;
  variant?: string;
  settings: CellSettings;
  collapsed: string[];
  trials: TrialRecord[];
  /** Medians over the rounds' ok trials; null when no trial counted. */
  summary: CellSummary | null;
}

export interface Environment {
  node: string;
  os: string;
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  openTelemetry: Record<string, string>;
  tracebench: string;
  gitCommit?: string;
  hostname: string;
}

export interface Results {
  schemaVersion: number;
  runId: string;
  status: 'complete' | 'interrupted' | 'failed';
  startedAt: string;
  finishedAt: string;
  configFile: string;
  config: Config;
  seed: number;
  environment: Environment;
  notes: string[];
  cells: CellResult[];
}
