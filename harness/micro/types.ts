import { SUITE_NAMES } from '../config/vocabulary.js';
import type { Environment } from '../results/environment.js';

/** Bumped on any incompatible change to the micro-benchmark results (2: rounds, and the per-task summary over them). */
export const MICRO_SCHEMA_VERSION = 2;

/** The suites, each run in its own worker thread (a fresh isolate). */
export { SUITE_NAMES };
export type SuiteName = (typeof SUITE_NAMES)[number];

/**
 * How long each task samples. `quick` is for tests and smoke runs; `default` is what `tracebench micro` runs.
 * @default 'default'
 */
export type MicroProfile = 'quick' | 'default';

/** Test-only: makes one primitive slower by spinning after every operation, so a regression gate can be tested. */
export interface SlowPrimitive {
  /** `suite/task`, e.g. `sampler/always-on`. */
  task: string;
  /** CPU burned after each operation, in nanoseconds. */
  burnNs: number;
}

/** One side of a micro A/B: the suites' `@opentelemetry/*` imports resolve from its node_modules. */
export interface MicroVariant {
  /** Names the variant in reports (e.g. base, head); the first is the reference. */
  name: string;
  /** Absolute path of a `node_modules` folder holding `@opentelemetry/*`. */
  nodeModules: string;
}

export interface MicroOptions {
  /** Suites to run, in this order. @default every suite in SUITE_NAMES */
  suites?: string[];
  profile: MicroProfile;
  /**
   * Times every suite runs, each time in a fresh worker; rounds run every suite once, in order. Two or more give an
   * interval over rounds, which is what compare and budgets judge: samples within one isolate cannot show how much a
   * figure moves from one isolate (JIT, heap) to the next, and that is most of the noise between two runs.
   * @default 1
   */
  rounds?: number;
  /** Aborts the suite running now (its worker is terminated) and skips the rest. */
  signal?: AbortSignal;
  /** Test-only slowdown of one primitive; its result carries a warning saying so. */
  slowPrimitive?: SlowPrimitive;
  /**
   * Micro A/B: run every suite against each variant's packages, interleaved within each round (A, B, then B, A in
   * the next, so drift hits both sides alike), each in a fresh worker. Two at most; the first is the reference.
   */
  variants?: MicroVariant[];
}

/** tinybench's statistics converted to nanoseconds per operation. */
export interface NsPerOp {
  mean: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
}

export interface MicroTaskResult {
  suite: SuiteName;
  /** Stable id within the suite, e.g. `bare`; `suite/task` names it across runs (budgets, compare). */
  task: string;
  description: string;
  /** Timer-corrected: the raw value minus the empty task's cost per sample, shared by the operations of a sample. */
  nsPerOp: NsPerOp;
  /** As measured, before the timer correction. */
  rawNsPerOp: NsPerOp;
  /** The timer overhead subtracted from every statistic, per operation. */
  timerOverheadNsPerOp: number;
  /**
   * Process CPU time (user + system) over the measured samples, per operation, less the empty task's per sample: the
   * unit of the run stage's `cpuUsPerRequest`. It counts GC and JIT helper threads (a service pays them too), so it can
   * exceed the wall-clock figures; it ignores time the thread sat descheduled. Node 20 has no per-thread CPU clock: the
   * main thread idles meanwhile and suites never run at the same time, so the process's CPU is the suite's.
   */
  cpuNsPerOp: number;
  /** tinybench's relative margin of error of the mean (95%), in percent. */
  marginOfErrorPct: number;
  /** tinybench samples (timed batches). */
  samples: number;
  /** Operations timed together in one sample: batching keeps each timed interval far above the timer's resolution. */
  opsPerSample: number;
  /** From the corrected mean. */
  opsPerSec: number;
  timerResolutionNs: number;
  /** The mean timed interval of a sample was within 10× of the timer's resolution. */
  nearTimerResolution: boolean;
  warnings: string[];
}

/**
 * The empty task, measured with the same harness: what timing a sample costs with nothing inside it. A task's
 * correction per operation is `(nsPerSample / callsPerSample + nsPerCall) / opsPerCall`.
 */
export interface TimerOverhead {
  /** The two timer reads around a sample (median of the empty task at one call per sample, less one call). */
  nsPerSample: number;
  /** The loop and the (deliberately megamorphic) call of the task function, per call (median, many calls per sample). */
  nsPerCall: number;
  /** Mean of the one-call empty task, for reference. */
  meanNsPerSample: number;
  /** Process CPU time per one-call empty sample: the timer reads plus tinybench's own bookkeeping. */
  cpuNsPerSample: number;
  samples: number;
}

export type MicroSuiteResult =
  | {
      status: 'ok';
      suite: SuiteName;
      /** 0-based round this worker ran in. */
      round: number;
      /** The micro A/B variant whose packages this worker imported; absent without variants. */
      variant?: string;
      /** `worker_threads.threadId` of the isolate the suite ran in: never shared by two suites, never the main thread. */
      workerThreadId: number;
      pid: number;
      /** Smallest non-zero delta between consecutive `process.hrtime.bigint()` calls in the worker. */
      timerResolutionNs: number;
      timerOverhead: TimerOverhead;
      /** Suite-level notes, e.g. a propagator package that is not installed. */
      warnings: string[];
      tasks: MicroTaskResult[];
    }
  | { status: 'error'; suite: SuiteName; round: number; variant?: string; error: string };

/** A published figure next to what this machine measured. */
export type ClaimRow =
  | {
      status: 'measured';
      operation: string;
      claimedNs: { low: number; high: number };
      /** Built from the tasks' timer-corrected median ns/op (see method). */
      measuredNs: number;
      /** measuredNs / the claim's midpoint. */
      ratio: number;
      /** Where the claimed figure comes from. */
      source: string;
      /** `suite/task` ids the measured value is built from. */
      measuredBy: string[];
      /** How measuredNs is computed from those tasks. */
      method: string;
    }
  | {
      status: 'not-measured';
      operation: string;
      claimedNs: { low: number; high: number };
      source: string;
      measuredBy: string[];
      method: string;
      /** Which suite or task was missing or failed. */
      reason: string;
    };

/** What `runMicro` returns: the section results.json holds, with the environment it was measured in. */
export interface MicroResults extends MicroSection {
  kind: 'micro';
  environment: Environment;
}

/** One task over the rounds it ran in: what budgets, compare, the claims and the report read. */
export interface MicroTaskSummary {
  suite: SuiteName;
  task: string;
  description: string;
  /** Median over rounds of each round's timer-corrected statistic. */
  nsPerOp: NsPerOp;
  /** Each round's timer-corrected median ns/op, in round order: the values intervals are drawn from. */
  roundsNsPerOp: number[];
  /** Each round's raw (uncorrected) median ns/op, in round order: the fallback when a corrected value reads 0. */
  roundsRawNsPerOp: number[];
  /** Median over rounds of tinybench's relative margin of error of the mean (95%), in percent. */
  marginOfErrorPct: number;
  /** tinybench samples over every round. */
  samples: number;
  /** Median over rounds of the process CPU per operation (see MicroTaskResult.cpuNsPerOp). */
  cpuNsPerOp: number;
  /** (largest − smallest) / median of the rounds' medians, in percent; 0 with one round. */
  roundSpreadPct: number;
  /** Some round's timed sample was within 10× of the timer's resolution. */
  nearTimerResolution: boolean;
  /** `worker_threads.threadId` of each round's isolate, in round order (with the process id: the isolate's identity). */
  workerThreadIds: number[];
  pid: number;
  /** Distinct warnings of every round. */
  warnings: string[];
}

/**
 * The `micro` section of results.json: the micro-benchmarks of the same machine as the run (or alone, from
 * `tracebench micro`). The environment is the results document's own.
 */
export interface MicroSection {
  /** MICRO_SCHEMA_VERSION. */
  schemaVersion: number;
  /** `interrupted` when an abort stopped the run: the suites that finished are kept. */
  status: 'complete' | 'interrupted';
  profile: MicroProfile;
  /** Rounds asked for; an interrupted run may hold fewer. */
  rounds: number;
  /** Suites asked for, in run order. */
  suiteNames: SuiteName[];
  startedAt: string;
  finishedAt: string;
  /** One entry per suite and round, in run order. */
  suites: MicroSuiteResult[];
  /** Every task summarised over its rounds. */
  tasks: MicroTaskSummary[];
  claims: ClaimRow[];
  /** Test-only: the primitive slowed on purpose, so no one mistakes this run for a measurement. */
  slowPrimitive?: SlowPrimitive;
  /** Micro A/B: each variant's tasks over its rounds; `tasks` and `claims` above are the first variant's. */
  variants?: MicroVariantSection[];
}

/** One variant of a micro A/B in results.json. */
export interface MicroVariantSection {
  name: string;
  nodeModules: string;
  /** Versions of the `@opentelemetry/*` packages in its node_modules (name → version). */
  packages: Record<string, string>;
  tasks: MicroTaskSummary[];
}

/** What the main thread hands a worker: one suite. */
export interface SuiteRequest {
  suite: SuiteName;
  round: number;
  profile: MicroProfile;
  slowPrimitive?: SlowPrimitive;
  /** The variant whose node_modules `@opentelemetry/*` resolves from in this worker. */
  variant?: MicroVariant;
}
