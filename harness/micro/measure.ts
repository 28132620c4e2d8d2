import { Bench, type FnReturnedObject, type Statistics } from 'tinybench';
import type { MicroProfile, MicroTaskResult, NsPerOp, SlowPrimitive, SuiteName, TimerOverhead } from './types.js';

/** One primitive to measure, defined by a suite module. */
export interface MicroTask {
  /** Stable id within the suite (kebab-case). */
  name: string;
  description: string;
  /** One call of the primitive; what it returns is kept alive so the engine cannot drop the work. */
  op: () => unknown;
  /** Operations one call performs, e.g. 100 for a serialized batch of 100 spans. @default 1 */
  opsPerCall?: number;
  /** Runs after every timed sample, outside the timing: resets state that samples must not accumulate. */
  afterSample?: () => void | Promise<void>;
  /** Runs once the task is measured: problems that make its figure untrustworthy, as warnings. */
  check?: () => string[] | Promise<string[]>;
}

export interface SuiteDefinition {
  tasks: MicroTask[];
  warnings: string[];
}

interface ProfileSettings {
  /** tinybench `time`: sampling budget per task. */
  timeMs: number;
  /** tinybench `iterations`: minimum samples per task. */
  minSamples: number;
  warmupMs: number;
  warmupSamples: number;
  /** Each of the two calibration passes that warm a task and size its samples. */
  calibrationMs: number;
  /** Samples of the one-call empty task, counted rather than timed: 40 ns samples would take a million to fill a time budget. */
  emptySamples: number;
}

/** Two shared cores: a default run of every suite stays near fifteen seconds, a quick one near five. */
export const PROFILES: Record<MicroProfile, ProfileSettings> = {
  quick: { timeMs: 50, minSamples: 10, warmupMs: 10, warmupSamples: 5, calibrationMs: 5, emptySamples: 10_000 },
  default: { timeMs: 200, minSamples: 32, warmupMs: 50, warmupSamples: 16, calibrationMs: 20, emptySamples: 50_000 },
};

/** A sample is timed over enough calls to last this many timer resolutions, so the timer's grain is <1% of it. */
const SAMPLE_RESOLUTIONS = 100;
/** Long enough that a sample averages several spans, so one scavenge or preemption does not own a sample by itself. */
const MIN_SAMPLE_NS = 10_000;
const MAX_CALLS_PER_SAMPLE = 100_000;
/** Results whose timed interval is within this factor of the timer's resolution are flagged. */
const NEAR_RESOLUTION_FACTOR = 10;
/** Above this relative margin of error the mean is too loose to gate on. */
const NOISY_RME_PCT = 10;

/** Where every op's result goes: a module-level write the optimizer cannot prove dead. */
// biome-ignore lint/correctness/noUnusedVariables: written and never read on purpose, so no op's result is dead code
let sink: unknown;

/** Smallest non-zero delta between consecutive `process.hrtime.bigint()` calls: the finest interval the timer can show. */
export function measureTimerResolutionNs(calls = 200_000): number {
  let smallest = Number.POSITIVE_INFINITY;
  let previous = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) {
    const now = process.hrtime.bigint();
    const delta = Number(now - previous);
    if (delta > 0 && delta < smallest) smallest = delta;
    previous = now;
  }
  return Number.isFinite(smallest) ? smallest : 1;
}

/** Times `calls` calls of `op` in one interval; the same loop for every task and for the empty task. */
function timeCalls(op: () => unknown, calls: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink = op();
  return Number(process.hrtime.bigint() - start);
}

/**
 * The call site inside timeCalls sees every task; making it megamorphic before anything is measured gives every task,
 * the empty one included, the same call cost whatever order they run in, and stops the op being inlined and elided.
 */
function settleCallSite(): void {
  const shapes: Array<() => unknown> = [() => 1, () => 'a', () => null, () => ({}), () => [], () => true, () => 2n];
  for (let round = 0; round < 200; round++) for (const op of shapes) timeCalls(op, 50);
}

/**
 * ns per call, to size samples: a first pass warms the code and grows the chunk, the second times fixed chunks and keeps
 * the fastest. Sized on the fastest, a sample lasts at least the target even once the code is fully optimized; a chunk
 * that ran cold, was descheduled or met a GC cannot shrink every later sample.
 */
async function estimateNsPerCall(task: MicroTask, windowNs: number): Promise<number> {
  let chunk = 1;
  let warmNs = 0;
  while (warmNs < windowNs) {
    warmNs += timeCalls(task.op, chunk);
    await task.afterSample?.();
    if (chunk < 256 && warmNs < windowNs / 4) chunk *= 2;
  }
  let fastest = Number.POSITIVE_INFINITY;
  let ns = 0;
  for (let chunks = 0; ns < windowNs || chunks < 3; chunks++) {
    const chunkNs = timeCalls(task.op, chunk);
    await task.afterSample?.();
    ns += chunkNs;
    fastest = Math.min(fastest, chunkNs / chunk);
  }
  return fastest;
}

/** Calls per sample so that one sample lasts about `targetNs`. */
function callsFor(nsPerCallEstimate: number, targetNs: number): number {
  return Math.min(Math.max(Math.ceil(targetNs / Math.max(nsPerCallEstimate, 0.1)), 1), MAX_CALLS_PER_SAMPLE);
}

interface Sampled {
  stats: Statistics;
  callsPerSample: number;
  /** Process CPU time (user + system) over the measured samples, hooks included, warm-up excluded. */
  cpuNs: number;
}

/** One tinybench run of one task: every sample times `callsPerSample` calls and reports the whole interval. */
async function sample(task: MicroTask, callsPerSampleCount: number, profile: ProfileSettings): Promise<Sampled> {
  const bench = new Bench({
    name: task.name,
    time: profile.timeMs,
    iterations: profile.minSamples,
    warmupTime: profile.warmupMs,
    warmupIterations: profile.warmupSamples,
    throws: true,
  });
  const fn = (): FnReturnedObject => {
    const ms = timeCalls(task.op, callsPerSampleCount) / 1e6;
    return { overriddenDuration: ms, overriddenIterationCost: ms };
  };
  let cpuStart: NodeJS.CpuUsage | undefined;
  let cpuNs = 0;
  bench.add(task.name, fn, {
    async: false,
    ...(task.afterSample ? { afterEach: task.afterSample } : {}),
    beforeAll: (mode) => {
      if (mode === 'run') cpuStart = process.cpuUsage();
    },
    afterAll: (mode) => {
      if (mode !== 'run' || !cpuStart) return;
      const used = process.cpuUsage(cpuStart);
      cpuNs = (used.user + used.system) * 1000;
    },
  });
  await bench.run();
  const result = bench.tasks[0]?.result;
  if (!result || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
    const detail = result?.state === 'errored' ? result.error.message : (result?.state ?? 'no result');
    throw new Error(`task ${task.name}: ${detail}`);
  }
  return { stats: result.latency, callsPerSample: callsPerSampleCount, cpuNs };
}

function targetSampleNs(timerResolutionNs: number): number {
  return Math.max(MIN_SAMPLE_NS, SAMPLE_RESOLUTIONS * timerResolutionNs);
}

/**
 * The empty task twice: one call per sample gives the timer's cost per sample, many calls give the loop's cost per call.
 * Medians, because a GC pause in a sample of nothing says nothing about the timer.
 */
async function measureOverhead(timerResolutionNs: number, profile: ProfileSettings): Promise<TimerOverhead> {
  const empty: MicroTask = { name: 'empty', description: 'nothing', op: () => undefined };
  const looped = await sample(
    empty,
    callsFor(await estimateNsPerCall(empty, profile.calibrationMs * 1e6), targetSampleNs(timerResolutionNs)),
    profile,
  );
  const nsPerCall = Math.max(0, (looped.stats.p50 * 1e6) / looped.callsPerSample);
  const single = await sample(empty, 1, { ...profile, timeMs: 0, minSamples: profile.emptySamples });
  return {
    nsPerSample: Math.max(0, single.stats.p50 * 1e6 - nsPerCall),
    nsPerCall,
    meanNsPerSample: single.stats.mean * 1e6,
    cpuNsPerSample: single.cpuNs / single.stats.samplesCount,
    samples: single.stats.samplesCount,
  };
}

function burn(ns: number): void {
  const until = process.hrtime.bigint() + BigInt(Math.round(ns));
  while (process.hrtime.bigint() < until);
}

function slowed(task: MicroTask, burnNs: number): MicroTask {
  const { op } = task;
  return {
    ...task,
    op: () => {
      const value = op();
      burn(burnNs);
      return value;
    },
  };
}

function perOp(stats: Statistics, divisor: number, minus: number): NsPerOp {
  const convert = (ms: number) => Math.max(0, (ms * 1e6) / divisor - minus);
  return {
    mean: convert(stats.mean),
    p50: convert(stats.p50),
    p99: convert(stats.p99),
    min: convert(stats.min),
    max: convert(stats.max),
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function rounded(ns: NsPerOp): NsPerOp {
  return { mean: round(ns.mean), p50: round(ns.p50), p99: round(ns.p99), min: round(ns.min), max: round(ns.max) };
}

export interface SuiteMeasurement {
  timerResolutionNs: number;
  timerOverhead: TimerOverhead;
  tasks: MicroTaskResult[];
}

/** Measures every task of a suite in this isolate, corrected for the harness's own timer and loop cost. */
export async function measureSuite(
  suite: SuiteName,
  definition: SuiteDefinition,
  profileName: MicroProfile,
  slowPrimitive?: SlowPrimitive,
): Promise<SuiteMeasurement> {
  const profile = PROFILES[profileName];
  const timerResolutionNs = measureTimerResolutionNs();
  settleCallSite();
  const timerOverhead = await measureOverhead(timerResolutionNs, profile);
  const prepared = definition.tasks.map((given) => {
    const isSlowed = slowPrimitive?.task === `${suite}/${given.name}`;
    return { isSlowed, task: isSlowed && slowPrimitive ? slowed(given, slowPrimitive.burnNs) : given, calls: 1 };
  });
  // Every task is warmed and sized before any is measured: code they share is optimized alike whatever their order.
  for (const entry of prepared)
    entry.calls = callsFor(
      await estimateNsPerCall(entry.task, profile.calibrationMs * 1e6),
      targetSampleNs(timerResolutionNs),
    );
  const tasks: MicroTaskResult[] = [];
  for (const { isSlowed, task, calls } of prepared) {
    const opsPerCall = task.opsPerCall ?? 1;
    const { stats, cpuNs } = await sample(task, calls, profile);
    const opsPerSample = calls * opsPerCall;
    const correctionNsPerOp = (timerOverhead.nsPerSample / calls + timerOverhead.nsPerCall) / opsPerCall;
    const cpuNsPerOp = Math.max(
      0,
      (cpuNs / stats.samplesCount - timerOverhead.cpuNsPerSample) / opsPerSample - timerOverhead.nsPerCall / opsPerCall,
    );
    const raw = perOp(stats, opsPerSample, 0);
    const corrected = perOp(stats, opsPerSample, correctionNsPerOp);
    const meanSampleNs = stats.mean * 1e6;
    const nearTimerResolution = meanSampleNs < NEAR_RESOLUTION_FACTOR * timerResolutionNs;
    const warnings = [...((await task.check?.()) ?? [])];
    if (isSlowed)
      warnings.push(
        `slowed on purpose by the test-only option (${slowPrimitive?.burnNs} ns burned per operation): not a real measurement`,
      );
    if (nearTimerResolution) {
      warnings.push(
        `a timed sample lasted ${round(meanSampleNs)} ns, within ${NEAR_RESOLUTION_FACTOR}× of the timer's ${timerResolutionNs} ns resolution: the figure is mostly timer noise`,
      );
    }
    if (corrected.mean === 0) {
      warnings.push(
        'the operation cost less than the harness overhead subtracted from it: the corrected figure reads 0; use the raw figure as an upper bound',
      );
    } else if (correctionNsPerOp > raw.mean / 2) {
      warnings.push(
        `the timer and loop correction (${round(correctionNsPerOp)} ns) is over half the raw figure: trust the order of magnitude, not the digits`,
      );
    }
    if (raw.mean > raw.p99) {
      warnings.push(
        'the mean lies above p99: a few samples stalled (the thread was descheduled, or a long GC ran); p50 is the robust figure',
      );
    }
    if (stats.rme > NOISY_RME_PCT) {
      warnings.push(
        `margin of error ±${round(stats.rme)}% of the mean: the machine was busy or the run too short; rerun with the default profile on a quiet machine before gating on it`,
      );
    }
    tasks.push({
      suite,
      task: task.name,
      description: task.description,
      nsPerOp: rounded(corrected),
      rawNsPerOp: rounded(raw),
      timerOverheadNsPerOp: round(correctionNsPerOp),
      cpuNsPerOp: round(cpuNsPerOp),
      marginOfErrorPct: round(stats.rme),
      samples: stats.samplesCount,
      opsPerSample,
      opsPerSec: round(1e9 / (corrected.mean > 0 ? corrected.mean : raw.mean)),
      timerResolutionNs,
      nearTimerResolution,
      warnings,
    });
  }
  return { timerResolutionNs, timerOverhead, tasks };
}
