import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { median } from '../stats/interval.js';
import { roundsToDetect } from '../stats/power.js';
import { formatPct, idleCost, variantCost, type VariantCost } from './probe-cost-stats.js';
import { callgrindAvailable } from '../target/callgrind.js';
import { CPU_ONLY, measureProbeCostInProcess, profileIntervalOf } from './probe-cost-in-process.js';
import {
  FULL_PROBE,
  measureProbeCost,
  NO_PROBE,
  type ProbeCostMeter,
  type ProbeCostOptions,
  type ProbeCostRun,
} from './probe-cost-run.js';

/**
 * `node dist/harness/bench/probe-cost.js [PAIRS] [--variant V]… [--idle] [--in-process] [--meter schedstat|callgrind] [--json FILE]`
 * (`--in-process --variant profile:1000`: a window with V8's sampling profiler at 1000 µs, against the full probe's)
 * (`npm run bench:probe`): what the in-service probe costs the service, measured from outside against the same service
 * without it (fresh processes, `none`), or with `--in-process` against windows of one process that read only their CPU
 * (`cpu`, probe-cost-in-process.ts): CPU time from /proc/PID/task/*\/schedstat, or instructions under callgrind (callgrind.ts). Prints one
 * line per variant to stdout: the median paired overhead with its order-statistic 95% interval, and the geometric mean
 * with its 95% t-interval, which the verdict against 1% is drawn from (as the tool's own are).
 */
const BUDGET_PCT = 1;
const LEVEL = 0.95;

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
const signedPct = (x: number) => `${x >= 0 ? '+' : '−'}${fmt(Math.abs(x), 2)}%`;

/** A verdict that is not settled says how many pairs would settle it, from the spread these pairs showed. */
function settleHint(c: VariantCost): string {
  if (c.verdict !== 'inconclusive') return '';
  const distance = Math.abs(Math.log1p(BUDGET_PCT / 100) - Math.log1p(c.meanPct.estimate / 100));
  const pairs = roundsToDetect(c.meanPct.basis.sd, distance, { level: LEVEL });
  return Number.isFinite(pairs)
    ? `; about ${pairs} pairs would settle it`
    : '; too close to the budget to settle by adding pairs';
}

/** The main thread apart from V8's helpers: where the cost lands says what causes it; wake-ups, what timers cost. */
function mainThreadNote(run: ProbeCostRun, name: string): string {
  const wakeups = median(run.wakeupsPerSecond[name]);
  const wakeupNote = Number.isFinite(wakeups)
    ? `; main thread woke ${fmt(wakeups, 0)}/s (${run.baseline} ${fmt(median(run.wakeupsPerSecond[run.baseline]), 0)}/s)`
    : '';
  const result = variantCost(name, run.mainThread[run.baseline], run.mainThread[name], BUDGET_PCT, LEVEL);
  return (result.status === 'ok' ? `; main thread alone ${formatPct(result.cost.meanPct)}` : '') + wakeupNote;
}

function loadedReport(run: ProbeCostRun): string[] {
  const unit = run.unit === 'µs' ? 'µs' : 'instructions';
  const digits = run.unit === 'µs' ? 1 : 0;
  const lines = [
    `  ${run.baseline.padEnd(26)} ${fmt(median(run.cost[run.baseline]), digits)} ${unit}/request (median)`,
  ];
  for (const name of Object.keys(run.cost).filter((n) => n !== run.baseline)) {
    const result = variantCost(name, run.cost[run.baseline], run.cost[name], BUDGET_PCT, LEVEL);
    if (result.status === 'insufficient') {
      lines.push(`  ${name.padEnd(26)} ${result.reason}`);
      continue;
    }
    const c = result.cost;
    const medianCi = c.medianCiPct ? ` [${signedPct(c.medianCiPct.low)}, ${signedPct(c.medianCiPct.high)}]` : '';
    lines.push(
      `  ${name.padEnd(26)} ${fmt(median(run.cost[name]), digits)} ${unit}/request; overhead median ${signedPct(c.medianPct)}${medianCi}, ` +
        `mean ${formatPct(c.meanPct)} (${LEVEL * 100}% CIs, ${c.pairs} pairs) = ${fmt(c.differenceUs.estimate, digits || 2)} ${unit}/request${mainThreadNote(run, name)}; ` +
        // Under valgrind the probe's self-timed CPU is ~50× its real-time figure: shown only for schedstat.
        `${run.unit === 'µs' ? `self-timed ${fmt(median(run.selfTimedUs[name]), 2)} µs/request (taken off, as a trial does); ` : ''}` +
        `against ${BUDGET_PCT}%: ${c.medianVerdict ? `${c.medianVerdict} by the median's interval, ` : ''}${c.verdict} by the mean's${settleHint(c)}`,
    );
  }
  return lines;
}

function idleReport(run: ProbeCostRun): string[] {
  const unit = run.unit === 'µs' ? 'µs/s' : 'instructions/s';
  const lines = [`  ${run.baseline.padEnd(26)} ${fmt(median(run.cost[run.baseline]), 0)} ${unit} (median)`];
  for (const name of Object.keys(run.cost).filter((n) => n !== run.baseline)) {
    const result = idleCost(name, run.cost[run.baseline], run.cost[name], LEVEL);
    if (result.status === 'insufficient') {
      lines.push(`  ${name.padEnd(26)} ${result.reason}`);
      continue;
    }
    const d = result.differenceUsPerSecond;
    lines.push(
      `  ${name.padEnd(26)} ${fmt(result.medianUsPerSecond, 0)} ${unit}; over baseline ${fmt(d.estimate, 0)} ${unit} [${fmt(d.ci.low, 0)}, ${fmt(d.ci.high, 0)}] (${LEVEL * 100}% CI, ${result.pairs} pairs)${mainThreadNote(run, name)}`,
    );
  }
  return lines;
}

function report(run: ProbeCostRun, options: ProbeCostOptions, loadBefore: number[], loadAfter: number[]): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const quantity = run.unit === 'µs' ? 'CPU µs' : 'instructions';
  const what =
    options.rateRps > 0
      ? `service ${quantity}/request at ${options.rateRps} req/s (open loop)`
      : `idle service ${quantity}/s with the window open`;
  const source =
    run.unit === 'µs'
      ? 'CPU from /proc/PID/task/*/schedstat'
      : 'instructions of all threads under valgrind --tool=callgrind';
  return `${[
    run.baseline === NO_PROBE
      ? `probe cost: ${what}; ${options.pairs} blocks of ${options.warmupMs} ms warm-up + ${options.windowMs} ms window, a fresh process per run, variants shuffled per block (seed ${options.seed}); ${source}; simulated work ${run.burnIterationsPerUs.toFixed(1)} steps/µs`
      : `probe cost of a window's parts: ${what}; one process, ${options.warmupMs} ms warm-up, then ${options.pairs} blocks of ${options.windowMs} ms windows, variants shuffled per block (seed ${options.seed}); ${source}; simulated work ${run.burnIterationsPerUs.toFixed(1)} steps/µs`,
    `load average (1/5/15 min): ${load(loadBefore)} before, ${load(loadAfter)} after`,
    ...(options.rateRps > 0 ? loadedReport(run) : idleReport(run)),
  ].join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      variant: { type: 'string', multiple: true },
      idle: { type: 'boolean', default: false },
      'in-process': { type: 'boolean', default: false },
      meter: { type: 'string', default: 'schedstat' },
      rate: { type: 'string' },
      'warmup-ms': { type: 'string' },
      'window-ms': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const inProcess = values['in-process'];
  // Under callgrind the service runs ~50× slower: a rate it keeps up with, and as many requests of warm-up. In one
  // process, short windows and many pairs: drift within a process is slow, so neighbouring windows pair well.
  const defaults =
    values.meter === 'callgrind'
      ? inProcess
        ? { pairs: 6, rate: 100, warmupMs: 30_000, windowMs: 5000 }
        : { pairs: 3, rate: 100, warmupMs: 30_000, windowMs: 10_000 }
      : inProcess
        ? { pairs: 60, rate: 500, warmupMs: 3000, windowMs: 1000 }
        : { pairs: 40, rate: 1000, warmupMs: 1500, windowMs: 2000 };
  const options: ProbeCostOptions = {
    pairs: Number(positionals[0] ?? defaults.pairs),
    variants: values.variant ?? [FULL_PROBE],
    rateRps: values.idle ? 0 : Number(values.rate ?? defaults.rate),
    warmupMs: Number(values['warmup-ms'] ?? defaults.warmupMs),
    windowMs: Number(values['window-ms'] ?? defaults.windowMs),
    seed: values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31,
    meter: values.meter as ProbeCostMeter,
  };
  const problems = [
    !(Number.isInteger(options.pairs) && options.pairs >= 2) && `pairs: must be an integer ≥ 2, got ${positionals[0]}`,
    positionals.length > 1 &&
      `pairs: give it once, got ${positionals.join(' ')} (npm run bench:probe already passes one; run node dist/harness/bench/probe-cost.js PAIRS …)`,
    !(options.rateRps >= 0) && `--rate: must be a number ≥ 0, got ${values.rate}`,
    !(options.warmupMs >= 0) && `--warmup-ms: must be a number ≥ 0, got ${values['warmup-ms']}`,
    !(options.windowMs > 0) && `--window-ms: must be a number > 0, got ${values['window-ms']}`,
    !Number.isInteger(options.seed) && `--seed: must be an integer, got ${values.seed}`,
    !inProcess &&
      options.variants.includes(NO_PROBE) &&
      `--variant: '${NO_PROBE}' is the baseline every block already runs`,
    inProcess &&
      options.variants.includes(NO_PROBE) &&
      `--variant: '${NO_PROBE}' cannot run in one process with the probe loaded; drop --in-process to compare against no probe`,
    !inProcess &&
      options.variants.some((v) => profileIntervalOf(v) !== undefined) &&
      `--variant profile:US: a profiled window runs in one process only; add --in-process`,
    inProcess &&
      options.variants.includes(CPU_ONLY) &&
      `--variant: '${CPU_ONLY}' is the baseline every block already runs in one process`,
    !['schedstat', 'callgrind'].includes(options.meter) && `--meter: schedstat or callgrind, got ${values.meter}`,
    options.meter === 'callgrind' &&
      !(await callgrindAvailable()) &&
      `--meter callgrind: valgrind is not installed (Debian: apt-get install valgrind)`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    process.stderr.write(`bench:probe: ${problems.join('\n  ')}\n`);
    process.exit(2);
  }
  if (process.stderr.isTTY) options.onBlock = (done) => process.stderr.write(`\rblock ${done}/${options.pairs}`);
  const loadBefore = loadavg();
  const run = await (inProcess ? measureProbeCostInProcess(options) : measureProbeCost(options));
  if (process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(report(run, options, loadBefore, loadavg()));
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify({ options: { ...options, onBlock: undefined }, loadBefore, loadAfter: loadavg(), run }, null, 1) +
        '\n',
    );
}
