import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { median } from '../stats/interval.js';
import { roundsToDetect } from '../stats/power.js';
import { formatPct, idleCost, variantCost, type VariantCost } from './probe-cost-stats.js';
import { callgrindAvailable } from './callgrind.js';
import { FULL_PROBE, measureProbeCost, NO_PROBE, type ProbeCostMeter, type ProbeCostOptions, type ProbeCostRun } from './probe-cost-run.js';

/**
 * `node dist/harness/target/probe-cost.js [PAIRS] [--variant V]… [--idle] [--meter schedstat|callgrind] [--json FILE]`
 * (`npm run bench:probe`): what the in-service probe costs the service, measured from outside against the same service
 * without it: CPU time from /proc/PID/task/*\/schedstat, or instructions under callgrind (callgrind.ts). Prints one
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
  return Number.isFinite(pairs) ? `; about ${pairs} pairs would settle it` : '; too close to the budget to settle by adding pairs';
}

/** Callgrind counts the main thread apart: where the cost lands says what causes it. */
function mainThreadNote(run: ProbeCostRun, name: string): string {
  if (run.unit !== 'instructions') return '';
  const result = variantCost(name, run.mainThread[NO_PROBE], run.mainThread[name], BUDGET_PCT, LEVEL);
  return result.status === 'ok' ? `; main thread alone ${formatPct(result.cost.meanPct)}` : '';
}

function loadedReport(run: ProbeCostRun): string[] {
  const unit = run.unit === 'µs' ? 'µs' : 'instructions';
  const digits = run.unit === 'µs' ? 1 : 0;
  const lines = [`  ${NO_PROBE.padEnd(26)} ${fmt(median(run.cost[NO_PROBE]), digits)} ${unit}/request (median)`];
  for (const name of Object.keys(run.cost).filter((n) => n !== NO_PROBE)) {
    const result = variantCost(name, run.cost[NO_PROBE], run.cost[name], BUDGET_PCT, LEVEL);
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
        `${run.unit === 'µs' ? `self-timed ${fmt(median(run.selfTimedUs[name]), 2)} µs/request; ` : ''}${c.verdict} against ${BUDGET_PCT}%${settleHint(c)}`,
    );
  }
  return lines;
}

function idleReport(run: ProbeCostRun): string[] {
  const unit = run.unit === 'µs' ? 'µs/s' : 'instructions/s';
  const lines = [`  ${NO_PROBE.padEnd(26)} ${fmt(median(run.cost[NO_PROBE]), 0)} ${unit} (median)`];
  for (const name of Object.keys(run.cost).filter((n) => n !== NO_PROBE)) {
    const result = idleCost(name, run.cost[NO_PROBE], run.cost[name], LEVEL);
    if (result.status === 'insufficient') {
      lines.push(`  ${name.padEnd(26)} ${result.reason}`);
      continue;
    }
    const d = result.differenceUsPerSecond;
    lines.push(`  ${name.padEnd(26)} ${fmt(result.medianUsPerSecond, 0)} ${unit}; over baseline ${fmt(d.estimate, 0)} ${unit} [${fmt(d.ci.low, 0)}, ${fmt(d.ci.high, 0)}] (${LEVEL * 100}% CI, ${result.pairs} pairs)`);
  }
  return lines;
}

function report(run: ProbeCostRun, options: ProbeCostOptions, loadBefore: number[], loadAfter: number[]): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const quantity = run.unit === 'µs' ? 'CPU µs' : 'instructions';
  const what = options.rateRps > 0 ? `service ${quantity}/request at ${options.rateRps} req/s (open loop)` : `idle service ${quantity}/s with the window open`;
  const source = run.unit === 'µs' ? 'CPU from /proc/PID/task/*/schedstat' : 'instructions of all threads under valgrind --tool=callgrind';
  return [
    `probe cost: ${what}; ${options.pairs} blocks of ${options.warmupMs} ms warm-up + ${options.windowMs} ms window, variants shuffled per block (seed ${options.seed}); ${source}; simulated work ${run.burnIterationsPerUs.toFixed(1)} steps/µs`,
    `load average (1/5/15 min): ${load(loadBefore)} before, ${load(loadAfter)} after`,
    ...(options.rateRps > 0 ? loadedReport(run) : idleReport(run)),
  ].join('\n') + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      variant: { type: 'string', multiple: true },
      idle: { type: 'boolean', default: false },
      meter: { type: 'string', default: 'schedstat' },
      rate: { type: 'string' },
      'warmup-ms': { type: 'string' },
      'window-ms': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'string' },
    },
  });
  // Under callgrind the service runs ~50× slower: a rate it keeps up with, and as many requests of warm-up.
  const defaults = values.meter === 'callgrind' ? { pairs: 3, rate: 100, warmupMs: 30_000, windowMs: 10_000 } : { pairs: 40, rate: 1000, warmupMs: 1500, windowMs: 2000 };
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
    positionals.length > 1 && `pairs: give it once, got ${positionals.join(' ')} (npm run bench:probe already passes one; run node dist/harness/target/probe-cost.js PAIRS …)`,
    !(options.rateRps >= 0) && `--rate: must be a number ≥ 0, got ${values.rate}`,
    !(options.warmupMs >= 0) && `--warmup-ms: must be a number ≥ 0, got ${values['warmup-ms']}`,
    !(options.windowMs > 0) && `--window-ms: must be a number > 0, got ${values['window-ms']}`,
    !Number.isInteger(options.seed) && `--seed: must be an integer, got ${values.seed}`,
    options.variants.includes(NO_PROBE) && `--variant: '${NO_PROBE}' is the baseline every block already runs`,
    !['schedstat', 'callgrind'].includes(options.meter) && `--meter: schedstat or callgrind, got ${values.meter}`,
    options.meter === 'callgrind' && !(await callgrindAvailable()) && `--meter callgrind: valgrind is not installed (Debian: apt-get install valgrind)`,
  ].filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) {
    process.stderr.write(`bench:probe: ${problems.join('\n  ')}\n`);
    process.exit(2);
  }
  if (process.stderr.isTTY) options.onBlock = (done) => process.stderr.write(`\rblock ${done}/${options.pairs}`);
  const loadBefore = loadavg();
  const run = await measureProbeCost(options);
  if (process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(report(run, options, loadBefore, loadavg()));
  if (values.json) writeFileSync(values.json, JSON.stringify({ options: { ...options, onBlock: undefined }, loadBefore, loadAfter: loadavg(), run }, null, 1) + '\n');
}
