import type { LoadGenerator, OpenLoopOptions } from '../load/types.js';
import { steadyAfter, type SecondPoint, type SteadyStateOptions } from '../stats/steady.js';
import type { RunningService } from '../target/launch.js';
import type { ProbeWindowReport } from '../probe/protocol.js';

/** How long the probe may take to answer a window command: it only reads counters. */
const PROBE_REPLY_MS = 5000;

/** One side of an A/B: a variant or a cell, started as `processes` live process sets. */
export interface WindowSide {
  name: string;
  /** Starts one process set of this side (callees first); the last service is the entry the load goes to. */
  start: (processIndex: number) => Promise<RunningService[]>;
  /**
   * Seconds this side's set is loaded alone before the two sides warm together: bench:precision's reference of a
   * service warmed for 30 s, against one the steady test declared warm. @default 0
   */
  headStartSeconds?: number;
}

export interface WindowsOptions {
  sides: [WindowSide, WindowSide];
  /** Live process sets per side; blocks of windows cycle over them. */
  processes: number;
  windowSeconds: number;
  /** Windows per block: a block loads one process set of each side, together, without a pause. */
  windowsPerBlock: number;
  /** Unmeasured load at the start of each block, after the set idled while other sets were measured. */
  leadInSeconds: number;
  /**
   * Warm-up of each set: chunks of load until its own CPU per request is steady, at most `maxSeconds`; `setsAtOnce`
   * sets are warmed together (each generator then needs that many threads' worth of pool).
   */
  warmup: SteadyStateOptions & { maxSeconds: number; chunkSeconds: number; setsAtOnce: number };
  /**
   * Where services sit (CPU placement): every service is seated `idle` once all are warm; a block seats its set
   * `measured` before its lead-in and `idle` after its last window.
   */
  seat?: (services: RunningService[], seat: 'measured' | 'idle') => void;
  /**
   * Share of the rate that keeps the sets not being measured loaded between their blocks (0: they idle). An idle
   * process is not the one that was measured: its heap shrinks and the next block pays to grow it back.
   * @default KEEP_WARM_SHARE
   */
  keepWarmShare?: number;
  /** Stop after this many pairs. */
  maxPairs: number;
  /** Stop once this much wall time has passed since the first process started (warm-up included). */
  maxSeconds: number;
  /** Load for one stretch on one entry service; `idPrefix` tells warm-up and window requests apart. */
  load: (entry: RunningService, seconds: number, idPrefix: string) => OpenLoopOptions;
  /** One generator per side: both sides are loaded at once. */
  generators: [LoadGenerator, LoadGenerator];
  signal: AbortSignal;
  /**
   * Counts each window in another unit than CPU time (instructions under callgrind): `start` before the window, `stop`
   * after it returns the count over the set's services. Each window then has its own load, started after `start` and
   * finished (every request answered) before `stop`, so counter and requests cover the same work: the count's commands
   * take a moment to reach the process, which under a continuous load would let requests in or out of the count.
   */
  meter?: {
    /** Once every set is warm, before the first block: e.g. switches counting on. */
    begin?: (services: RunningService[]) => Promise<void>;
    start: (services: RunningService[]) => Promise<void>;
    stop: (services: RunningService[]) => Promise<number>;
    /** The warm-up's rate as a multiple of the load's (counting off, a service under valgrind serves more). @default 1 */
    warmupRateFactor?: number;
  };
  /** Called after each pair; true stops the run (a sequential decision was reached). */
  afterPair?: (pairs: WindowPair[]) => boolean;
  log?: (line: string) => void;
}

/** One measured window of one process set. */
export interface WindowMeasurement {
  cpuUs: number;
  requests: number;
  cpuUsPerRequest: number;
  /** What `meter` counted over the window (instructions); null without a meter. */
  count: number | null;
  /** `count / requests`; NaN without a meter or requests. */
  countPerRequest: number;
  windowMs: number;
  report: ProbeWindowReport;
}

/** Windows of the two sides' sets of one index, measured over the same seconds. */
export interface WindowPair {
  index: number;
  /** Process index shared by both windows: the cluster the pair belongs to. */
  process: number;
  block: number;
  /** Seconds since the first process started, at the window's start. */
  atSeconds: number;
  a: WindowMeasurement;
  b: WindowMeasurement;
  /** log(b / a) of CPU per request, or of the meter's count per request; NaN when either is unknown. */
  logRatio: number;
  /**
   * False when either window served under 90% of the requests the load offered in it: the machine could not keep up
   * (on this shared VM, other jobs' builds starved service and generator alike), so CPU per request there is not the
   * service's own. Left out of the statistics and counted.
   */
  valid: boolean;
}

/**
 * Load on the sets waiting for their next block, as a share of the rate: enough allocation that V8 does not treat the
 * process as idle and shrink its heap (docs/precision.md: windows after idling ran 10-40% above the middle ones).
 */
export const KEEP_WARM_SHARE = 0.2;

/** Share of the offered requests a window must serve to count. */
export const MIN_SERVED = 0.9;

export interface ProcessWarmup {
  side: string;
  process: number;
  /** Seconds of warm-up load after which CPU per request was steady; null when it never was within the bound. */
  steadyAfterSeconds: number | null;
  warmupSeconds: number;
  /** CPU per request over the last 4 s of warm-up. */
  lastCpuUsPerRequest: number;
  series: (SecondPoint & { atMs: number })[];
}

export interface WindowsResult {
  warmups: ProcessWarmup[];
  pairs: WindowPair[];
  /** Wall seconds from the first launch to the last window's end. */
  elapsedSeconds: number;
  /** Wall seconds of blocks (lead-ins and windows), warm-up excluded. */
  measuringSeconds: number;
  warnings: string[];
  stoppedBy: 'pairs' | 'time' | 'decided' | 'aborted';
}

const serviceCpuUs = (r: ProbeWindowReport) => Math.max(0, r.cpuUserUs + r.cpuSystemUs - r.probeCpuUs);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const startWindow = (services: RunningService[]) =>
  Promise.all(services.map((s) => s.request({ tb: 'window-start' }, 'window-started', PROBE_REPLY_MS)));

async function endWindow(services: RunningService[]): Promise<WindowMeasurement> {
  const reports = await Promise.all(services.map((s) => s.request({ tb: 'window-end' }, 'window', PROBE_REPLY_MS)));
  const report = reports[reports.length - 1].report;
  const cpuUs = reports.reduce((t, r) => t + serviceCpuUs(r.report), 0);
  return {
    cpuUs,
    requests: report.requests,
    cpuUsPerRequest: report.requests > 0 ? cpuUs / report.requests : Number.NaN,
    count: null,
    countPerRequest: Number.NaN,
    windowMs: report.windowMs,
    report,
  };
}

/** The figure a pair compares: the meter's count per request when there is a meter, else CPU per request. */
const judged = (w: WindowMeasurement) => (w.count === null ? w.cpuUsPerRequest : w.countPerRequest);

/**
 * Load on both sides' sets at once for `seconds` at `rateFactor` times the run's rate, stopped early by `stop`; resolves
 * when both loads have ended.
 */
function loadBoth(
  options: WindowsOptions,
  sets: RunningService[][],
  seconds: number,
  idPrefix: string,
  stop: AbortSignal,
  rateFactor = 1,
) {
  const signal = AbortSignal.any([stop, options.signal]);
  return Promise.all(
    sets.map((services, s) => {
      const load = options.load(services[services.length - 1], seconds, idPrefix);
      return options.generators[s].openLoop({ ...load, rateRps: load.rateRps * rateFactor }, signal).catch((e) => {
        if (!signal.aborted) throw e;
      });
    }),
  );
}

/**
 * Light load on one set of both sides until stopped (`keepWarmShare` of the rate), so a set waiting for its next block
 * stays as it was when measured. `stop` resolves once the load has ended; with no share it does nothing.
 */
function keepWarm(options: WindowsOptions, sets: RunningService[][]): { stop: () => Promise<void> } {
  const share = options.keepWarmShare ?? KEEP_WARM_SHARE;
  if (share <= 0 || options.signal.aborted) return { stop: async () => undefined };
  const halt = new AbortController();
  const loads = loadBoth(options, sets, options.maxSeconds, 'k', halt.signal, share);
  return {
    stop: async () => {
      halt.abort();
      await loads;
    },
  };
}

/** Warms one set of each side together, in chunks of the probe's per-second series, until both are steady or the bound. */
async function warmPair(options: WindowsOptions, p: number, sets: RunningService[][]): Promise<ProcessWarmup[]> {
  const { warmup } = options;
  const series: ProcessWarmup['series'][] = [[], []];
  const steady: (number | null)[] = [null, null];
  let seconds = 0;
  const rate = options.meter?.warmupRateFactor ?? 1;
  await Promise.all(
    sets.map(async (services, s) => {
      const head = options.sides[s].headStartSeconds ?? 0;
      if (head > 0 && !options.signal.aborted) {
        const load = options.load(services[services.length - 1], head, 'w');
        await options.generators[s].openLoop({ ...load, rateRps: load.rateRps * rate }, options.signal);
      }
    }),
  );
  const bound = warmup.maxSeconds;
  while (seconds < bound && steady.some((s) => s === null) && !options.signal.aborted) {
    const chunk = Math.min(warmup.chunkSeconds, bound - seconds);
    await Promise.all(sets.map(startWindow));
    await loadBoth(options, sets, chunk, 'w', new AbortController().signal, rate);
    const ends = await Promise.all(sets.map(endWindow));
    ends.forEach((m, s) => {
      series[s].push(
        ...m.report.series.map((x) => ({ cpuUs: x.cpuUs, requests: x.requests, atMs: seconds * 1000 + x.tMs })),
      );
      const at = steady[s] === null ? steadyAfter(series[s], warmup) : null;
      if (at !== null) steady[s] = Math.round(series[s][at - 1].atMs / 1000);
    });
    seconds += chunk;
  }
  return options.sides.map((side, s) => {
    const tail = series[s].slice(-4);
    const requests = tail.reduce((t, x) => t + x.requests, 0);
    return {
      side: side.name,
      process: p,
      steadyAfterSeconds: steady[s],
      warmupSeconds: seconds,
      lastCpuUsPerRequest: requests > 0 ? tail.reduce((t, x) => t + x.cpuUs, 0) / requests : Number.NaN,
      series: series[s],
    };
  });
}

/**
 * Windows between warm processes. Each side runs `processes` sets, started once and warmed until their own CPU per
 * request is steady. Then blocks cycle over the set index: a block loads set p of both sides at once, without a pause,
 * and cuts back-to-back windows measured over the same seconds on both, so drift and bursts of machine noise hit both
 * alike. Alternating windows A,B,B,A with idle gaps was tried first: 2 s windows after a pause differed by 28% (SD of
 * the pair log ratio, 22 pairs) against ±3% per second in a steadily loaded process (docs/precision.md).
 */
export async function runWindows(options: WindowsOptions): Promise<WindowsResult> {
  const startedMs = performance.now();
  const elapsed = () => (performance.now() - startedMs) / 1000;
  const log = options.log ?? (() => undefined);
  const sets: RunningService[][][] = [];
  const warnings: string[] = [];
  const warmups: ProcessWarmup[] = [];
  const pairs: WindowPair[] = [];
  let measuringSeconds = 0;
  let stoppedBy: WindowsResult['stoppedBy'] = 'pairs';
  let warm: { stop: () => Promise<void> }[] = [];
  const killAll = () => Promise.all(sets.flat(2).map((s) => s.kill()));
  const onAbort = () => void killAll();
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (let p = 0; p < options.processes; p++) {
      const pair: RunningService[][] = [];
      sets.push(pair);
      for (const side of options.sides) pair.push(await side.start(p));
    }
    // Warming is CPU work the JIT needs in requests, not seconds, and the steady test needs 8 s of each series: sets
    // warmed together share that wait. One at a time, 4 sets took 74 s of a 180 s run (docs/precision.md).
    const waves: number[][] = [];
    for (let p = 0; p < options.processes; p += options.warmup.setsAtOnce)
      waves.push(Array.from({ length: Math.min(options.warmup.setsAtOnce, options.processes - p) }, (_, i) => p + i));
    for (const wave of waves) {
      const warmed = await Promise.all(wave.map((p) => warmPair(options, p, sets[p])));
      for (const w of warmed.flat()) {
        const p = w.process;
        warmups.push(w);
        log(
          `${w.side} set ${p + 1}: ${w.steadyAfterSeconds === null ? `not steady after ${w.warmupSeconds} s` : `steady after ${w.steadyAfterSeconds} s`} (${w.lastCpuUsPerRequest.toFixed(0)} µs CPU/req)`,
        );
        if (w.steadyAfterSeconds === null)
          warnings.push(
            `${w.side} set ${p + 1}: CPU per request was still changing after ${w.warmupSeconds} s of warm-up; its windows may include warm-up`,
          );
      }
    }
    if (!options.signal.aborted) options.seat?.(sets.flat(2), 'idle');
    if (!options.signal.aborted) await options.meter?.begin?.(sets.flat(2));
    warm = sets.map((pair) => keepWarm(options, pair));
    const blockSeconds = options.leadInSeconds + options.windowsPerBlock * options.windowSeconds;
    outer: for (let block = 0; ; block++) {
      if (options.signal.aborted) {
        stoppedBy = 'aborted';
        break;
      }
      if (elapsed() + options.leadInSeconds + options.windowSeconds > options.maxSeconds) {
        stoppedBy = 'time';
        break;
      }
      const p = block % options.processes;
      const pair = sets[p];
      const rateRps = options.load(pair[0][pair[0].length - 1], 1, 'm').rateRps;
      const blockStart = performance.now();
      await warm[p].stop();
      options.seat?.(pair.flat(), 'measured');
      const stop = new AbortController();
      const { meter } = options;
      // The load outlasts the windows by a margin and is stopped as soon as the last one has been read; with a meter,
      // the lead-in and each window have their own load (see `meter`).
      const loading = meter ? Promise.resolve([]) : loadBoth(options, pair, blockSeconds + 5, 'm', stop.signal);
      try {
        if (meter) await loadBoth(options, pair, options.leadInSeconds, 'm', stop.signal);
        else await sleep(options.leadInSeconds * 1000);
        for (let w = 0; w < options.windowsPerBlock; w++) {
          if (elapsed() + options.windowSeconds > options.maxSeconds) {
            stoppedBy = 'time';
            break outer;
          }
          // Which side hears first alternates, so neither window is systematically the later by an IPC round trip.
          const order = w % 2 === 0 ? [0, 1] : [1, 0];
          const atSeconds = elapsed();
          if (meter) await Promise.all(pair.map((services) => meter.start(services)));
          for (const s of order) await startWindow(pair[s]);
          if (meter) await loadBoth(options, pair, options.windowSeconds, 'm', stop.signal);
          else await sleep(options.windowSeconds * 1000);
          const ends: WindowMeasurement[] = [];
          for (const s of order) ends[s] = await endWindow(pair[s]);
          if (meter)
            await Promise.all(
              pair.map(async (services, s) => {
                const count = await meter.stop(services);
                ends[s] = {
                  ...ends[s],
                  count,
                  countPerRequest: ends[s].requests > 0 ? count / ends[s].requests : Number.NaN,
                };
              }),
            );
          const [a, b] = ends;
          const logRatio = judged(a) > 0 && judged(b) > 0 ? Math.log(judged(b) / judged(a)) : Number.NaN;
          const offered = (w: WindowMeasurement) => (rateRps * w.windowMs) / 1000;
          const valid = [a, b].every((w) => w.requests >= MIN_SERVED * offered(w)) && Number.isFinite(logRatio);
          pairs.push({ index: pairs.length, process: p, block, atSeconds, a, b, logRatio, valid });
          if (pairs.length >= options.maxPairs) break outer;
          if (options.afterPair?.(pairs)) {
            stoppedBy = 'decided';
            break outer;
          }
        }
      } finally {
        stop.abort();
        await loading;
        measuringSeconds += (performance.now() - blockStart) / 1000;
        options.seat?.(pair.flat(), 'idle');
        warm[p] = keepWarm(options, pair);
      }
    }
  } finally {
    await Promise.all(warm.map((w) => w.stop().catch(() => undefined)));
    options.signal.removeEventListener('abort', onAbort);
    await killAll();
  }
  const invalid = pairs.filter((p) => !p.valid).length;
  if (invalid > 0)
    warnings.push(
      `${invalid} of ${pairs.length} window pairs were left out: a window served under ${MIN_SERVED * 100}% of the offered requests (the machine could not keep up)`,
    );
  return { warmups, pairs, elapsedSeconds: elapsed(), measuringSeconds, warnings, stoppedBy };
}
