import type { Config } from '../config/types.js';
import type { MicroSection } from '../micro/types.js';
import type { PercentilesUs, RealtimeRecord } from '../load/types.js';
import type { CellSettings } from '../plan/types.js';
import type { TruthCounts } from '../load/mix.js';
import type { TraceIntegrity } from './trace-integrity.js';
import type { Coverage } from './coverage.js';
import type { CoverageSummary } from './coverage-summary.js';
import type { TailStats } from '../sink/tail/types.js';
import type { GcPauses, LoopDelayUs, ProbeSecond, SpanCounts, ThreadCpu } from '../probe/protocol.js';
import type { Environment, ShardMachine } from './environment.js';
import type { TrialProfile } from './profile-types.js';

export type { Environment, ShardMachine };

/**
 * Bumped on any incompatible change to results.json / results.jsonl; upgrade.ts reads the one before (2: heapUsedBytes
 * became heapUsedPeakBytes, gcPauseMs { count, total, max } became gc { pauseCount, pauseTotalMs, pauseMaxMs }).
 */
export const RESULTS_SCHEMA_VERSION = 2;

/**
 * A span's fate: the service's counters (each null where unknown, never 0: see `SpanCount`) and the sink's count,
 * which is always known. Summed over services or taken over rounds, a figure with any unknown term is unknown.
 */
export interface SpanFate extends SpanCounts {
  /** Counted by the sink. */
  received: number;
}

/** One service process of a multi-service workload, over the measured window. */
export interface ServiceMetrics {
  /** CPU (user + system) of this process in the window, less the probe's self-timed work (`probeCpuUs`). */
  cpuUs: number;
  /** This process's CPU divided by the requests the entry service served: the services' shares add up to the total. */
  cpuUsPerRequest: number;
  /** Requests this process served in the window (its own, not the entry's). */
  requests: number;
  rssPeakBytes: number;
  /** The used heap's peak in the window. */
  heapUsedPeakBytes: number;
  gc: GcPauses;
  eventLoopDelayUs: LoopDelayUs;
  spans: SpanCounts;
}

export interface TrialMetrics {
  /**
   * CPU (user + system) of every service process in the window, less the probe's self-timed work (`probeCpuUs`),
   * divided by the requests the entry service served.
   */
  cpuUsPerRequest: number;
  /** As read in the window, the probe's own work included. */
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Requests the service started inside the measured window. */
  requests: number;
  windowMs: number;
  targetRps: number;
  achievedRps: number;
  latencyUs: { corrected: PercentilesUs; uncorrected: PercentilesUs };
  sendLagUs: PercentilesUs;
  /** `expectedErrors`: 5xx answers to requests drawn to fail (the workload's error rate), not failures. */
  load: {
    sent: number;
    ok: number;
    httpErrors: number;
    expectedErrors?: number;
    socketErrors: number;
    timeouts: number;
    generatorEluMax: number;
    /** Whether the generator's pacing threads ran at SCHED_FIFO (`load.realtime`); absent in results written before it. */
    realtime?: RealtimeRecord;
  };
  /** What the generator drew per request: the ground truth that coverage is measured against. */
  truth?: TruthCounts;
  /** Per service process, by service name (one entry for a single-service workload); absent in results written before multi-service workloads. */
  services?: Record<string, ServiceMetrics>;
  /** Traces assembled from what the sink received (complete, broken, requests split across traces); absent when no span reached the sink. */
  traces?: TraceIntegrity;
  /** What the backend kept of the window's requests, against ground truth (reference service only). */
  coverage?: Coverage;
  /** Tail sampling's decisions and buffering cost, when the cell tail-samples in the sink. */
  tail?: TailStats;
  /** Memory figures add up the service processes; event-loop delay and the series are the entry service's. */
  rssPeakBytes: number;
  rssStartBytes: number;
  /** The used heap's peak in the window. */
  heapUsedPeakBytes: number;
  gc: GcPauses;
  eventLoopDelayUs: LoopDelayUs;
  /** Added up over the service processes. */
  spans: SpanFate;
  /**
   * The sink's view: `bytes` as sent (compressed, when the exporter compresses), `uncompressedBytes` after decompression
   * (absent in results written before compression was measured).
   */
  sink: { requests: number; bytes: number; rejectedRequests: number; uncompressedBytes?: number };
  /** Whose spans reached the sink during the trial, by trial id; absent in results written before attribution. */
  spanAttribution?: SpanAttribution;
  /** CPU the probe timed of its own work in the window (series points, queue-depth reads); not in `cpuUsPerRequest`. */
  probeCpuUs: number;
  /** Closed-loop saturation throughput (autocannon), when the config asks for it. */
  maxThroughputRps?: number;
  /** Per-second series inside the window. */
  series: ProbeSecond[];
  /**
   * Sustained RSS growth, bytes a minute: the Theil–Sen slope of the entry service's per-second RSS (robust to GC
   * saw-teeth) over the second half of the outage, or of the window without one (results/outage.ts growthSpanMs: bounded
   * buffers fill and level off, a leak keeps climbing); null with fewer than 3 points there. Absent in results written
   * before it.
   */
  rssGrowthBytesPerMinute?: number | null;
  /** The same slope of the used heap, bytes a minute. */
  heapGrowthBytesPerMinute?: number | null;
  /** The backend outage of `sink.outage` and what it did to this trial; absent without one. */
  outage?: OutageMetrics;
  /**
   * The window's CPU by thread, every service's (Linux schedstat): the main thread and the others (V8's GC and compiler
   * workers, libuv's pool); null where it could not be read; absent from older results.
   */
  threadCpuUs?: ThreadCpu | null;
  /** The profiled window after the measured one, when the cell was profiled (`profile` in the config, `--profile`). */
  profile?: TrialProfile;
  /** HDR histograms (µs, compressed base64) for later views. */
  histograms: { corrected: string; uncorrected: string };
}

/** A backend outage inside the window (sink setting `outage`) and how the trial fared across it. */
export interface OutageMetrics {
  mode: 'down' | 'error' | 'timeout';
  /** The outage, seconds from the window's start. */
  fromSeconds: number;
  toSeconds: number;
  /** Corrected latency p99 of the requests intended before, during and after the outage, µs; null when none was answered. */
  latencyP99Us: { before: number | null; during: number | null; after: number | null };
  /** `during − before`, µs; null when either is unknown. */
  latencyP99IncreaseUs: number | null;
  /**
   * Seconds from the outage's end until the sink accepted the trial's first export again; null when none was accepted
   * before the window ended (the backend returned, the exporter did not get through in time, or the outage outlasted it).
   */
  recoverySeconds: number | null;
  /** What the sink did to the trial's export requests (whole trial, warm-up and drain included). */
  sink: {
    rejectedRequests: number;
    hungRequests: number;
    resetRequests: number;
    resetConnections: number;
    spansUnanswered: number;
  };
}

/**
 * The sink tells trials apart by the `tracebench.trial.id` resource attribute each service gets through
 * OTEL_RESOURCE_ATTRIBUTES: `spans.received` counts only this trial's spans; the rest are listed here.
 */
export interface SpanAttribution {
  /** Of `spans.received`, spans with no trial id (a service that ignores OTEL_RESOURCE_ATTRIBUTES): assumed this trial's. */
  unattributedSpans: number;
  /** This trial's spans the `slow` sink still held unanswered when they were counted: not in `received`; they land late. */
  pendingSpans: number;
  /** Spans of earlier trials, by trial id, that arrived during this one after their own trial was counted; not in `received`. */
  lateFromEarlierTrials: Record<string, number>;
  /** Spans with no trial id that arrived while this trial sent none (a baseline): some other trial's; not in `received`. */
  strayLateSpans: number;
  /** Spans whose trial id is no trial of this run; not in `received`. */
  unknownTrialSpans: number;
}

interface TrialBase {
  runId: string;
  /** The id the trial's services carried as the `tracebench.trial.id` resource attribute; absent in older results. */
  trialId?: string;
  cellId: string;
  /** Set when the run compares variants of the system under test. */
  variant?: string;
  round: number;
  order: number;
  /** The shard (K of `--shard K/N`) that measured the trial; absent in an unsharded run. */
  shard?: number;
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
  heapUsedPeakBytes: number;
  gc: GcPauses;
  eventLoopDelayUs: Omit<LoopDelayUs, 'mean'>;
  spans: SpanFate;
  maxThroughputRps?: number;
  /** Per service process of a multi-service workload: medians over the rounds. */
  services?: Record<string, ServiceSummary>;
  /** Medians of the trials' trace integrity, when spans reached the sink. */
  traces?: { requestsSeen: number; requestsWhole: number; requestsSplit: number; broken: number };
  /** Coverage pooled over the rounds (kept and drawn counts added up), when the trials measured it. */
  coverage?: CoverageSummary;
  /** Medians of the request bytes per received span, when spans reached the sink. */
  sink?: SinkSummary;
}

export interface SinkSummary {
  /** As sent: compressed, when the exporter compresses. */
  wireBytesPerSpan: number;
  /** After decompression; null for trials recorded before the sink measured it. */
  uncompressedBytesPerSpan: number | null;
}

export interface ServiceSummary {
  /** This service's CPU per entry request: the services' shares add up to the cell's. */
  cpuUsPerRequest: number;
  rssPeakBytes: number;
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

/** Which part of a plan a sharded run measured (`tracebench run --shard K/N`). */
export interface ShardRecord {
  /** K, 1-based. */
  index: number;
  /** N. */
  count: number;
  /** The cells this shard measured besides the reference cells every shard runs. */
  cells: string[];
  /** Trials of the whole, unsharded plan. */
  planTrials: number;
}

/** One shard of a merged run, as `tracebench merge` found it. */
export interface MergedShard {
  index: number;
  count: number;
  runId: string;
  status: 'complete' | 'interrupted' | 'failed';
  /** The folder it was read from, as given. */
  from: string;
  trials: number;
  hostname: string;
}

/** How far an interrupted run got. */
export interface RunInterrupted {
  trialsFinished: number;
  trialsPlanned: number;
  /** Set when results.json was rebuilt by `tracebench report` from the per-trial log of a run that was killed. */
  rebuiltFrom?: 'results.jsonl';
}

export interface Results {
  schemaVersion: number;
  runId: string;
  status: 'complete' | 'interrupted' | 'failed';
  /** Set when the run stopped before its last trial (a signal, or a kill that `tracebench report` rebuilt it from). */
  interrupted?: RunInterrupted;
  startedAt: string;
  finishedAt: string;
  configFile: string;
  config: Config;
  seed: number;
  /** Hash of the whole plan (config less budgets, cells, trial order, seed): equal for every shard of one plan. Absent in older results. */
  planHash?: string;
  /** Set when the run measured one shard of the plan. */
  shard?: ShardRecord;
  /** Set by `tracebench merge`: the shards the results were merged from, in shard order. */
  shards?: MergedShard[];
  environment: Environment;
  notes: string[];
  cells: CellResult[];
  /**
   * Micro-benchmarks of the SDK's primitives on the same machine: per suite/task ns/op statistics (mean, p50, p99,
   * margin of error, samples, the near-resolution flag, the worker's thread id) over rounds, and the claims table.
   * `tracebench micro` writes a results document with this section and no cells (config: the defaults with an empty
   * matrix, `rounds` the micro rounds; configFile empty); a run may carry it next to its cells. Absent otherwise.
   */
  micro?: MicroSection;
  /**
   * Comparisons measured by the windows method (`method: windows`): each side's live processes, their warm-up, every
   * window pair, and the nested and sequential intervals of the change in CPU per request. Absent for trial runs; a
   * windows run has cells without trials.
   */
  windows?: WindowsComparison[];
}

/** One window of one side's process set: CPU of every service of the set, requests the entry started. */
export interface WindowRecord {
  cpuUs: number;
  requests: number;
  windowMs: number;
  /** `cpuUs / requests`; null when no request was served. */
  cpuUsPerRequest: number | null;
}

/** Windows of the two sides' sets of one index, measured over the same seconds. */
export interface WindowPairRecord {
  /** Process set index of both windows: the cluster of the nested statistics. */
  process: number;
  block: number;
  /** Seconds since the comparison's first process started, at the window's start. */
  atSeconds: number;
  a: WindowRecord;
  b: WindowRecord;
  /** False when a window served under 90% of the offered requests: left out of the statistics. */
  valid: boolean;
}

/** How one process set warmed up: when its own CPU per request became steady (null: not within the bound). */
export interface WarmupRecord {
  side: string;
  process: number;
  steadyAfterSeconds: number | null;
  warmupSeconds: number;
  /** Over the last 4 s of warm-up; null when no request was served. */
  lastCpuUsPerRequest: number | null;
}

/** An interval of a relative change, as a fraction (0.03 = +3%). */
export interface RelativeInterval {
  estimate: number;
  low: number;
  high: number;
  level: number;
}

/** One comparison by the windows method: side b against side a, for one cell. */
export interface WindowsComparison {
  cellId: string;
  /** Side names: variant names, or `baseline` and the cell id for a traced cell against the baseline. */
  a: string;
  b: string;
  processes: number;
  windowSeconds: number;
  warmups: WarmupRecord[];
  pairs: WindowPairRecord[];
  /** Fixed-length interval (nested: windows in processes); null with too few pairs. */
  nested:
    | (RelativeInterval & {
        pairs: number;
        clusters: number;
        df: number;
        withinSd: number;
        betweenSd: number;
        betweenShare: number;
        /** Minimum detectable change (95%, 80% power) of this comparison with the pairs it measured; null when unknown (under two pairs per set). */
        mdc: number | null;
      })
    | null;
  /** Always-valid interval (may be read after every pair); null with too few pairs. */
  sequential: RelativeInterval | null;
  /**
   * The process calibration the run was given (`method.calibration`) and what became of it: `pooled` with this
   * comparison's own sets (the interval's degrees of freedom are both's), or `misfit`: its sets spread more than the
   * calibration allows, so it was judged on them alone. Absent without a calibration.
   */
  calibration?: { file: string; betweenSd: number; df: number; used: 'pooled' | 'misfit' };
  /** The limit on the increase (fraction) the verdict judges. */
  limit: number;
  /**
   * The `cpuUsPerRequest: +N%` budgets covering this comparison (a traced cell against the baseline, or a variant's cell
   * against the first variant's), each judged on its interval; `limit` is then the tightest. Absent: method.limitPct.
   */
  budgets?: { index: number; text: string; limit: number }[];
  /**
   * Which interval the verdict was drawn from: `sequential` when the run looked after every pair (untilDecided), else
   * `nested`. Absent from results written before it was recorded (sequential then meant stoppedBy 'decided').
   */
  judgedBy?: 'sequential' | 'nested';
  /** From the interval `judgedBy` names (results/windows-interval.ts). */
  verdict: 'pass' | 'fail' | 'inconclusive';
  stoppedBy: 'pairs' | 'time' | 'decided' | 'aborted';
  elapsedSeconds: number;
  warnings: string[];
}
