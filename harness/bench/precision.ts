import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { estimateMdc, nestedMdc, nestedRatio, pooledPrior, type NestedPair } from '../stats/nested.js';
import { mean, meanEstimate, standardDeviation } from '../stats/interval.js';
import { simulatedFalseAlarms, simulatedMdc } from '../stats/resample.js';
import { decide, sequentialRatio } from '../stats/sequential.js';
import { INJECTION_BASE_US, precisionRun } from './precision-run.js';
import { describePlacement } from '../target/placement.js';
import type { WindowsResult } from '../run/windows.js';

/**
 * `npm run bench:precision`: how small a change a same-run A/B of the default traced cell can see with the windows
 * method on this machine. An A/A run gives the noise (within and between processes), the minimum detectable change by
 * measuring time, and A/A false alarms from a simulation driven by its pairs; runs with a cost injected into B
 * (`--inject 3,5`: percent of the A/A's CPU per request; `--accuracy`: 200 µs) show power and bias.
 */
const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '4' },
    window: { type: 'string', default: '2' },
    block: { type: 'string', default: '4' },
    'lead-in': { type: 'string', default: '2' },
    seconds: { type: 'string', default: '180' },
    warmup: { type: 'string', default: '40' },
    'steady-tolerance': { type: 'string' },
    'head-start': { type: 'string', default: '30' },
    'steady-half-seconds': { type: 'string' },
    inject: { type: 'string', default: '' },
    'level-us': { type: 'string' },
    accuracy: { type: 'boolean', default: false },
    'warmup-check': { type: 'boolean', default: false },
    'skip-aa': { type: 'boolean', default: false },
    out: { type: 'string' },
    placement: { type: 'string', default: 'split' },
    'warmup-sets': { type: 'string' },
    'keep-warm': { type: 'string' },
    'node-options': { type: 'string' },
    pool: { type: 'string' },
    meter: { type: 'string', default: 'cpu' },
    'inject-span-us': { type: 'string', default: '' },
    rate: { type: 'string' },
  },
});

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}%`;
/** The warm-up check's verdict on an interval of the change: all of it within ±5%. */
const withinFivePct = (ci: { low: number; high: number }) =>
  Math.max(Math.abs(ci.low), Math.abs(ci.high)) <= 0.05 ? 'within' : 'not shown within';
// With each pair's block, which the A/A simulation draws whole.
const nested = (r: WindowsResult): (NestedPair & { block: number; atSeconds: number })[] =>
  r.pairs
    .filter((p) => p.valid)
    .map((p) => ({ cluster: p.process, logRatio: p.logRatio, block: p.block, atSeconds: p.atSeconds }));
const runs: Record<string, unknown> = {};
const why = (w: WindowsResult['pairs'][number]['a']) => ({
  gcCount: w.report.gc.pauseCount,
  gcMs: w.report.gc.pauseTotalMs,
  heapUsedEndBytes: w.report.heapUsedEndBytes,
  rssEndBytes: w.report.rssEndBytes,
  threadCpuUs: w.report.threadCpuUs ?? null,
});

async function run(
  label: string,
  injectUsPerRequest: number,
  extra: { baseline?: boolean; headStartSeconds?: number; seconds?: number } = {},
): Promise<WindowsResult> {
  const started = Date.now();
  const result = await precisionRun({
    processes: Number(values.processes),
    windowSeconds: Number(values.window),
    windowsPerBlock: Number(values.block),
    leadInSeconds: Number(values['lead-in']),
    maxSeconds: extra.seconds ?? Number(values.seconds),
    ...extra,
    maxPairs: 10_000,
    warmupMaxSeconds: Number(values.warmup),
    ...(values['steady-tolerance'] ? { steadyTolerance: Number(values['steady-tolerance']) } : {}),
    ...(values['steady-half-seconds'] ? { steadyHalfSeconds: Number(values['steady-half-seconds']) } : {}),
    injectUsPerRequest,
    placement: values.placement === 'none' ? 'none' : 'split',
    ...(values['node-options'] ? { serviceEnv: { NODE_OPTIONS: values['node-options'] } } : {}),
    ...(values['warmup-sets'] ? { warmupSetsAtOnce: Number(values['warmup-sets']) } : {}),
    ...(values['keep-warm'] ? { keepWarmShare: Number(values['keep-warm']) } : {}),
    ...(values.meter === 'instructions' ? { meter: 'instructions' as const } : {}),
    ...(values.rate ? { rateRps: Number(values.rate) } : {}),
    log: (l) => console.error(`  ${l}`),
  });
  const valid = result.pairs.filter((p) => p.valid);
  const pairs = nested(result);
  const e = nestedRatio(pairs);
  const s = sequentialRatio(pairs);
  const levelUs = valid.reduce((t, p) => t + p.a.cpuUsPerRequest, 0) / Math.max(1, valid.length);
  const levelCount = valid.reduce((t, p) => t + p.a.countPerRequest, 0) / Math.max(1, valid.length);
  console.log(
    `${label}: ${valid.length}/${result.pairs.length} valid pairs in ${result.elapsedSeconds.toFixed(0)} s (${result.measuringSeconds.toFixed(0)} s in blocks); A ${levelUs.toFixed(0)} µs CPU/req${Number.isFinite(levelCount) ? `, ${(levelCount / 1e6).toFixed(3)} M instructions/req` : ''}`,
  );
  console.log(`  placement: ${describePlacement(result.placement)}`);
  for (const w of result.warnings) console.log(`  ! ${w}`);
  if (e)
    console.log(
      `  B/A ${pct(e.estimate)} [${pct(e.ci.low)}, ${pct(e.ci.high)}] (${e.clusters} sets, df ${e.df.toFixed(0)}); within-set SD per pair ${pct(e.withinSd)}, between-set SD ${pct(e.betweenSd)} (${(100 * e.betweenShare).toFixed(0)}% of the variance)${s ? `; sequential [${pct(s.ci.low)}, ${pct(s.ci.high)}]` : ''}`,
    );
  if (e) console.log(`  at a 1% limit: ${decide(e.ci, 0.01)}; sequential: ${s ? decide(s.ci, 0.01) : 'inconclusive'}`);
  const c = calibration ? nestedRatio(pairs, 0.95, calibration) : null;
  if (c && calibration) {
    const cs = sequentialRatio(pairs, { prior: calibration });
    const mdc = estimateMdc(c);
    console.log(
      `  with the --pool runs as calibration (SD ${pct(Math.sqrt(calibration.betweenVar))}, df ${calibration.df}): ${c.prior}, B/A ${pct(c.estimate)} [${pct(c.ci.low)}, ${pct(c.ci.high)}] (df ${c.df.toFixed(0)}), could detect ${pct(mdc)}; at a 1% limit: ${decide(c.ci, 0.01)}; sequential ${cs ? `[${pct(cs.ci.low)}, ${pct(cs.ci.high)}]: ${decide(cs.ci, 0.01)}` : 'none'}`,
    );
  }
  // The trimmed means set bursts aside; the ratio of all CPU over all requests keeps them (e.g. extra garbage
  // collection a change causes), so the two disagreeing by more than the interval would flag a cost trimmed away.
  const per = (side: 'a' | 'b') =>
    valid.reduce((t, p) => t + p[side].cpuUs, 0) /
    Math.max(
      1,
      valid.reduce((t, p) => t + p[side].requests, 0),
    );
  if (valid.length > 0) console.log(`  ratio of totals (untrimmed): ${pct(per('b') / per('a') - 1)}`);
  runs[label] = {
    ...result,
    pairs: result.pairs.map(({ a, b, ...p }) => ({
      ...p,
      a: a.cpuUsPerRequest,
      b: b.cpuUsPerRequest,
      aRequests: a.requests,
      bRequests: b.requests,
      aCount: a.count,
      bCount: b.count,
      // What moved a window's cost, per side: collections, heap, and CPU by thread (main vs V8's helpers).
      aWhy: why(a),
      bWhy: why(b),
    })),
    tookMs: Date.now() - started,
  };
  return result;
}

/** A window pair as `--out` saves it. */
interface SavedPair {
  process: number;
  block: number;
  atSeconds: number;
  logRatio: number;
  valid: boolean;
  /** CPU µs per request and requests of each side; the collections of each window (files written since 2026-12-07). */
  a: number;
  b: number;
  aRequests: number;
  bRequests: number;
  aWhy?: { gcCount: number };
  bWhy?: { gcCount: number };
}
/** Every saved window with its collections, by process (file, run, side, set): what moves a process's level. */
const windowsByProcess = new Map<string, { cpuUsPerRequest: number; scavengesPerKiloRequest: number }[]>();
const aaRuns: (NestedPair & { block: number; atSeconds: number })[][] = [];
let levelUs = values['level-us'] ? Number(values['level-us']) : Number.NaN;
const WARMUP_LABEL = 'warm-up check: baseline, steady-state warm-up (B) vs a head start (A)';
const warmupRuns: (NestedPair & { block: number })[][] = [];
// Earlier runs' `--out` files: their A/A pairs join this run's (if any) to estimate the between-process SD, their
// warm-up checks this run's to compare the two warm-ups over more process sets than one run can warm.
for (const file of values.pool ? values.pool.split(',') : []) {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { pairs: SavedPair[] }>;
  const of = (label: string) =>
    saved[label].pairs
      .filter((p) => p.valid)
      .map((p) => ({ cluster: p.process, logRatio: p.logRatio, block: p.block, atSeconds: p.atSeconds }));
  // Earlier files named the warm-up check after its 30 s head start.
  const warmup = Object.keys(saved).find((label) => label.startsWith('warm-up check'));
  if (saved['A/A']) aaRuns.push(of('A/A'));
  if (warmup) warmupRuns.push(of(warmup));
  for (const [label, run] of Object.entries(saved))
    for (const p of run.pairs)
      for (const side of ['a', 'b'] as const) {
        const collections = p[`${side}Why`]?.gcCount;
        if (!p.valid || collections === undefined) continue;
        const key = `${file} ${label} ${side}${p.process}`;
        windowsByProcess.set(key, [
          ...(windowsByProcess.get(key) ?? []),
          { cpuUsPerRequest: p[side], scavengesPerKiloRequest: (1000 * collections) / p[`${side}Requests`] },
        ]);
      }
  if (!saved['A/A'] && !warmup) throw new Error(`${file} has no A/A run or warm-up check (write one with --out)`);
}
// What `run --calibration` would pool with each run of this invocation: the between-process variance of the --pool
// files' A/A runs, which never saw these runs.
const calibration = aaRuns.length > 0 ? pooledPrior(aaRuns) : null;
if (!values['skip-aa']) {
  const aa = await run('A/A', 0);
  const pairs = nested(aa);
  const e = nestedRatio(pairs);
  levelUs = aa.pairs.filter((p) => p.valid).reduce((t, p) => t + p.a.cpuUsPerRequest, 0) / Math.max(1, pairs.length);
  if (e) {
    const firstWindow = Math.min(...aa.pairs.map((p) => p.atSeconds));
    console.log(`  warm-up until the first window: ${firstWindow.toFixed(0)} s`);
    const P = Number(values.processes);
    for (const minutes of [1, 2, 3, 5]) {
      const n = aa.pairs.filter((p) => p.valid && p.atSeconds + Number(values.window) <= minutes * 60).length;
      const perSecond = pairs.length / Math.max(1, aa.elapsedSeconds - firstWindow);
      const projected = Math.max(n, Math.floor((minutes * 60 - firstWindow) * perSecond));
      console.log(
        `  MDC (95%, 80% power) at ${minutes} min wall (warm-up included): ${pct(nestedMdc(e.withinSd, e.betweenSd, projected, P))} from ${projected} pairs${projected > n ? ' (projected from the pair rate)' : ''}`,
      );
    }
    const sim = simulatedFalseAlarms(pairs, { pairs: pairs.length, runs: 1000, seed: 1 });
    console.log(
      `  simulated A/A from these pairs, block by block (1000 runs of ${sim.pairs} pairs): false alarms ${(100 * sim.fixed).toFixed(1)}% read once, ${(100 * sim.sequential).toFixed(1)}% sequential looked at after every pair`,
    );
    const mdc = simulatedMdc(pairs, { pairs: pairs.length, runs: 1000, seed: 2 });
    console.log(
      `  MDC by simulation (runs of ${pairs.length} pairs like this one, its own between-set SD): ${pct(mdc)}`,
    );
  }
  aaRuns.push(pairs);
}
if (windowsByProcess.size > 0) {
  // A process's young generation is resized as it runs; its windows cluster at ~3, ~6 and ~12 collections per 1,000
  // requests. Within each process that shows both sides of 8, how much dearer its windows with more collections are.
  const apart = [...windowsByProcess.values()].flatMap((windows) => {
    const many = windows.filter((w) => w.scavengesPerKiloRequest > 8);
    const few = windows.filter((w) => w.scavengesPerKiloRequest <= 8);
    if (many.length < 4 || few.length < 4) return [];
    const meanLog = (ws: typeof windows) => ws.reduce((t, w) => t + Math.log(w.cpuUsPerRequest), 0) / ws.length;
    return [meanLog(many) - meanLog(few)];
  });
  if (apart.length > 1) {
    const se = standardDeviation(apart) / Math.sqrt(apart.length);
    console.log(
      `collections and level: within ${apart.length} processes, windows with over 8 collections per 1,000 requests cost ${pct(Math.expm1(mean(apart)))} CPU a request (SE ${pct(se)}) against the same process's windows with fewer`,
    );
  }
}
if (aaRuns.length > 1) {
  // One run's 4 sets give the between-process variance 3 degrees of freedom; a method's resolution is better told by
  // pooling it over runs and simulating what runs like each one detect, wide cluster-level intervals included.
  const betweenSd = Math.sqrt(pooledPrior(aaRuns)?.betweenVar ?? 0);
  const withPrior: number[][] = [];
  const mdcs = aaRuns.map((pairs, i) =>
    simulatedMdc(pairs, { pairs: pairs.length, runs: 1000, seed: 3 + i, betweenSd }),
  );
  const alarms = aaRuns.map((pairs, i) =>
    simulatedFalseAlarms(pairs, { pairs: pairs.length, runs: 1000, seed: 50 + i, betweenSd }),
  );
  console.log(`pooled over ${aaRuns.length} A/A runs: between-set SD ${pct(betweenSd)}`);
  aaRuns.forEach((pairs, i) => {
    console.log(
      `  run ${i + 1}: ${pairs.length} pairs, MDC by simulation ${pct(mdcs[i])}; false alarms ${(100 * alarms[i].fixed).toFixed(1)}% read once, ${(100 * alarms[i].sequential).toFixed(1)}% sequential`,
    );
  });
  // Not stats/interval's median, which leaves out Infinity: here it is a run that could not detect any change.
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
  console.log(
    `  MDC (95%, 80% power) by simulation, runs as long as these: median ${pct(median(mdcs))}, largest ${pct(Math.max(...mdcs))}`,
  );
  // By measuring time: runs as many pairs as each measured run had by then (its noise drawn from all its pairs); a run
  // that had all its pairs by then is the one already simulated above.
  const window = Number(values.window);
  // Pairs a run had measured, whole windows, by `minutes` of wall time (warm-up included).
  const pairsBy = (pairs: readonly { atSeconds: number }[], minutes: number) =>
    pairs.filter((p) => p.atSeconds + window <= minutes * 60).length;
  for (const minutes of [1, 2, 3]) {
    const byRun = aaRuns.map((pairs, i) => {
      const n = pairsBy(pairs, minutes);
      return n === pairs.length
        ? mdcs[i]
        : simulatedMdc(pairs, { pairs: Math.max(n, 1), runs: 1000, seed: 7 + i, betweenSd });
    });
    console.log(
      `  at ${minutes} min wall (warm-up included): median ${pct(median(byRun))}, largest ${pct(Math.max(...byRun))} over the ${aaRuns.length} runs`,
    );
  }
  // With a calibration (`run --calibration`): each run judged with the other runs pooled as its prior, so no prior saw
  // the run it judges; simulated runs draw set offsets of the SD pooled over all runs and are judged with that prior.
  const priors = aaRuns.map((_, i) => pooledPrior(aaRuns.filter((__, j) => j !== i)));
  console.log(`with the other ${aaRuns.length - 1} runs pooled as a calibration (run --calibration):`);
  aaRuns.forEach((pairs, i) => {
    const prior = priors[i];
    if (!prior) return;
    const e = nestedRatio(pairs, 0.95, prior);
    const alarms = simulatedFalseAlarms(pairs, { pairs: pairs.length, runs: 1000, seed: 50 + i, betweenSd, prior });
    const byMinutes = [1, 2, 3].map((minutes) =>
      simulatedMdc(pairs, { pairs: Math.max(pairsBy(pairs, minutes), 1), runs: 1000, seed: 7 + i, betweenSd, prior }),
    );
    console.log(
      `  run ${i + 1}: calibration SD ${pct(Math.sqrt(prior.betweenVar))} (df ${prior.df}): ${e ? `${e.prior}, B/A ${pct(e.estimate)} [${pct(e.ci.low)}, ${pct(e.ci.high)}] (df ${e.df.toFixed(0)})` : 'no interval'}; MDC by simulation at 1/2/3 min ${byMinutes.map(pct).join(' / ')}; false alarms ${(100 * alarms.fixed).toFixed(1)}% read once, ${(100 * alarms.sequential).toFixed(1)}% sequential`,
    );
    withPrior.push(byMinutes);
  });
  for (const [k, minutes] of [1, 2, 3].entries()) {
    const byRun = withPrior.map((m) => m[k]);
    console.log(
      `  MDC at ${minutes} min wall with a calibration: median ${pct(median(byRun))}, largest ${pct(Math.max(...byRun))} over the ${byRun.length} runs`,
    );
  }
}
for (const p of values.inject ? values.inject.split(',').map(Number) : []) {
  if (!Number.isFinite(levelUs)) throw new Error('--inject needs the A/A run first, or --level-us');
  const us = Math.round((p / 100) * levelUs);
  await run(`+${p}% injected (${us} µs/req: B spends ${INJECTION_BASE_US + us}, A ${INJECTION_BASE_US})`, us);
}
// With the instruction meter: fixed work per span (a spin on the CPU clock would count valgrind's slowness).
for (const us of values['inject-span-us'] ? values['inject-span-us'].split(',').map(Number) : []) {
  if (values.meter !== 'instructions') throw new Error('--inject-span-us is for --meter instructions; use --inject');
  await run(`+${us} µs of fixed work per span in B`, us);
}
if (values.accuracy) {
  const r = await run('accuracy: +200 µs/req injected', 200);
  const valid = r.pairs.filter((p) => p.valid);
  const trimmedDiff = valid.map((p) => p.b.cpuUsPerRequest - p.a.cpuUsPerRequest).sort((x, y) => x - y);
  const k = Math.floor(0.2 * trimmedDiff.length);
  const kept = trimmedDiff.slice(k, trimmedDiff.length - k);
  const recovered = kept.reduce((t, x) => t + x, 0) / Math.max(1, kept.length);
  console.log(`  recovered ${recovered.toFixed(1)} µs/req of 200 (${pct(recovered / 200 - 1)})`);
}
if (values['warmup-check']) {
  // Side by side: A's baseline service loaded alone for 30 s before the joint warm-up, B's declared warm by the steady
  // test; the same windows then measure both. Within 5% means the figures this method reports are a warmed service's.
  // The reference's warm-up is its head start plus the joint warm-up (until B is steady, ~20 s for the baseline):
  // `--head-start 10` makes it the issue's "30 s of warm-up", the default 30 about 50 s.
  const head = Number(values['head-start']);
  const r = await run(WARMUP_LABEL, 0, { baseline: true, headStartSeconds: head });
  (runs[WARMUP_LABEL] as Record<string, unknown>).headStartSeconds = head;
  const joint = Math.max(...r.warmups.map((w) => w.warmupSeconds));
  console.log(`  A warmed ${head} s alone + ${joint} s with B (${head + joint} s); B ${joint} s`);
  const e = nestedRatio(nested(r));
  if (e)
    console.log(
      `  steady-state warm-up vs 30 s: ${pct(e.estimate)} [${pct(e.ci.low)}, ${pct(e.ci.high)}]: ${withinFivePct(e.ci)} ±5%`,
    );
  warmupRuns.push(nested(r));
}
if (warmupRuns.length > 0) {
  // Each set's first block: the windows right after B was declared steady, the ones a run that decides early (npm
  // start's) measures, against A warmed 30 s longer in the same seconds. One figure per set: its mean log ratio.
  const firsts = warmupRuns.flatMap((pairs) =>
    [...new Set(pairs.map((p) => p.cluster))].map((c) => {
      const own = pairs.filter((p) => p.cluster === c);
      const first = Math.min(...own.map((p) => p.block));
      const block = own.filter((p) => p.block === first);
      return block.reduce((t, p) => t + p.logRatio, 0) / block.length;
    }),
  );
  // A t-interval of the sets' mean log ratio, read as a change.
  const t = meanEstimate(firsts, 0.95);
  if (t) {
    const ci = { low: Math.expm1(t.ci.low), high: Math.expm1(t.ci.high) };
    console.log(
      `first block after the steady test, over ${firsts.length} sets of ${warmupRuns.length} run(s): steady-state warm-up vs 30 s ${pct(Math.expm1(t.estimate))} [${pct(ci.low)}, ${pct(ci.high)}] (t, df ${firsts.length - 1}; per set ${firsts.map((x) => pct(Math.expm1(x))).join(' ')}): ${withinFivePct(ci)} ±5%`,
    );
  }
}
if (warmupRuns.length > 1) {
  // Every run's sets are independent pairs of processes: together they are one nested sample of many sets, which
  // averages out how much the baseline's processes differ (5-9% between sets within one run).
  const all = warmupRuns.flatMap((pairs, i) => pairs.map((p) => ({ ...p, cluster: 1000 * i + p.cluster })));
  const e = nestedRatio(all);
  if (e)
    console.log(
      `warm-up check pooled over ${warmupRuns.length} runs (${e.clusters} sets, ${e.pairs} pairs): steady-state warm-up vs 30 s ${pct(e.estimate)} [${pct(e.ci.low)}, ${pct(e.ci.high)}] (df ${e.df.toFixed(0)}; between-set SD ${pct(e.betweenSd)}): ${withinFivePct(e.ci)} ±5%`,
    );
}
if (values.out) writeFileSync(values.out, JSON.stringify(runs));
