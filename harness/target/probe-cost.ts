import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { median } from '../stats/interval.js';
import { roundsToDetect } from '../stats/power.js';
import { formatPct, idleCost, variantCost, type VariantCost } from './probe-cost-stats.js';
import { FULL_PROBE, measureProbeCost, NO_PROBE, type ProbeCostOptions, type ProbeCostRun } from './probe-cost-run.js';

/**
 * `node dist/harness/target/probe-cost.js [PAIRS] [--variant V]… [--idle] [--json FILE]` (`npm run bench:probe`): what
 * the in-service probe costs the service, measured from outside (/proc/PID/task/*\/schedstat) against the same service
 * without it. Prints one line per variant to stdout: the median paired overhead with its order-statistic 95% interval,
 * and the geometric mean with its 95% t-interval, which the verdict against 1% is drawn from (as the tool's own are).
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

function loadedReport(run: ProbeCostRun): string[] {
  const lines = [`  ${NO_PROBE.padEnd(26)} ${fmt(median(run.cpuUs[NO_PROBE]))} µs/request (median)`];
  for (const name of Object.keys(run.cpuUs).filter((n) => n !== NO_PROBE)) {
    const result = variantCost(name, run.cpuUs[NO_PROBE], run.cpuUs[name], BUDGET_PCT, LEVEL);
    if (result.status === 'insufficient') {
      lines.push(`  ${name.padEnd(26)} ${result.reason}`);
      continue;
    }
    const c = result.cost;
    const medianCi = c.medianCiPct ? ` [${signedPct(c.medianCiPct.low)}, ${signedPct(c.medianCiPct.high)}]` : '';
    lines.push(
      `  ${name.padEnd(26)} ${fmt(median(run.cpuUs[name]))} µs/request; overhead median ${signedPct(c.medianPct)}${medianCi}, ` +
        `mean ${formatPct(c.meanPct)} (${LEVEL * 100}% CIs, ${c.pairs} pairs) = ${fmt(c.differenceUs.estimate, 2)} µs/request; ` +
        `self-timed ${fmt(median(run.selfTimedUs[name]), 2)} µs/request; ${c.verdict} against ${BUDGET_PCT}%${settleHint(c)}`,
    );
  }
  return lines;
}

function idleReport(run: ProbeCostRun): string[] {
  const lines = [`  ${NO_PROBE.padEnd(26)} ${fmt(median(run.cpuUs[NO_PROBE]), 0)} µs/s (median)`];
  for (const name of Object.keys(run.cpuUs).filter((n) => n !== NO_PROBE)) {
    const result = idleCost(name, run.cpuUs[NO_PROBE], run.cpuUs[name], LEVEL);
    if (result.status === 'insufficient') {
      lines.push(`  ${name.padEnd(26)} ${result.reason}`);
      continue;
    }
    const d = result.differenceUsPerSecond;
    lines.push(`  ${name.padEnd(26)} ${fmt(result.medianUsPerSecond, 0)} µs/s; over baseline ${fmt(d.estimate, 0)} µs/s [${fmt(d.ci.low, 0)}, ${fmt(d.ci.high, 0)}] (${LEVEL * 100}% CI, ${result.pairs} pairs)`);
  }
  return lines;
}

function report(run: ProbeCostRun, options: ProbeCostOptions, loadBefore: number[], loadAfter: number[]): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const what = options.rateRps > 0 ? `service CPU µs/request at ${options.rateRps} req/s (open loop)` : 'idle service CPU µs/s with the window open';
  return [
    `probe cost: ${what}; ${options.pairs} blocks of ${options.warmupMs} ms warm-up + ${options.windowMs} ms window, variants shuffled per block (seed ${options.seed}); CPU from /proc/PID/task/*/schedstat`,
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
      rate: { type: 'string', default: '1000' },
      'warmup-ms': { type: 'string', default: '1500' },
      'window-ms': { type: 'string', default: '2000' },
      seed: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const options: ProbeCostOptions = {
    pairs: Number(positionals[0] ?? 40),
    variants: values.variant ?? [FULL_PROBE],
    rateRps: values.idle ? 0 : Number(values.rate),
    warmupMs: Number(values['warmup-ms']),
    windowMs: Number(values['window-ms']),
    seed: values.seed !== undefined ? Number(values.seed) : Date.now() % 2 ** 31,
  };
  const problems = [
    !(Number.isInteger(options.pairs) && options.pairs >= 2) && `pairs: must be an integer ≥ 2, got ${positionals[0]}`,
    positionals.length > 1 && `pairs: give it once, got ${positionals.join(' ')} (npm run bench:probe already passes one; run node dist/harness/target/probe-cost.js PAIRS …)`,
    !(options.rateRps >= 0) && `--rate: must be a number ≥ 0, got ${values.rate}`,
    !(options.warmupMs >= 0) && `--warmup-ms: must be a number ≥ 0, got ${values['warmup-ms']}`,
    !(options.windowMs > 0) && `--window-ms: must be a number > 0, got ${values['window-ms']}`,
    !Number.isInteger(options.seed) && `--seed: must be an integer, got ${values.seed}`,
    options.variants.includes(NO_PROBE) && `--variant: '${NO_PROBE}' is the baseline every block already runs`,
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
