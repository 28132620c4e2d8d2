import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { nestedMdc, nestedRatio, type NestedPair } from '../stats/nested.js';
import { simulatedFalseAlarms } from '../stats/resample.js';
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
    warmup: { type: 'string', default: '30' },
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
  },
});

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}%`;
// With each pair's block, which the A/A simulation draws whole.
const nested = (r: WindowsResult): (NestedPair & { block: number })[] =>
  r.pairs.filter((p) => p.valid).map((p) => ({ cluster: p.process, logRatio: p.logRatio, block: p.block }));
const runs: Record<string, unknown> = {};

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
    injectUsPerRequest,
    placement: values.placement === 'none' ? 'none' : 'split',
    ...(values['node-options'] ? { serviceEnv: { NODE_OPTIONS: values['node-options'] } } : {}),
    ...(values['warmup-sets'] ? { warmupSetsAtOnce: Number(values['warmup-sets']) } : {}),
    ...(values['keep-warm'] ? { keepWarmShare: Number(values['keep-warm']) } : {}),
    log: (l) => console.error(`  ${l}`),
  });
  const valid = result.pairs.filter((p) => p.valid);
  const e = nestedRatio(nested(result));
  const s = sequentialRatio(nested(result));
  const levelUs = valid.reduce((t, p) => t + p.a.cpuUsPerRequest, 0) / Math.max(1, valid.length);
  console.log(
    `${label}: ${valid.length}/${result.pairs.length} valid pairs in ${result.elapsedSeconds.toFixed(0)} s (${result.measuringSeconds.toFixed(0)} s in blocks); A ${levelUs.toFixed(0)} µs CPU/req`,
  );
  console.log(`  placement: ${describePlacement(result.placement)}`);
  for (const w of result.warnings) console.log(`  ! ${w}`);
  if (e)
    console.log(
      `  B/A ${pct(e.estimate)} [${pct(e.ci.low)}, ${pct(e.ci.high)}] (${e.clusters} sets, df ${e.df.toFixed(0)}); within-set SD per pair ${pct(e.withinSd)}, between-set SD ${pct(e.betweenSd)} (${(100 * e.betweenShare).toFixed(0)}% of the variance)${s ? `; sequential [${pct(s.ci.low)}, ${pct(s.ci.high)}]` : ''}`,
    );
  if (e) console.log(`  at a 1% limit: ${decide(e.ci, 0.01)}; sequential: ${s ? decide(s.ci, 0.01) : 'inconclusive'}`);
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
    })),
    tookMs: Date.now() - started,
  };
  return result;
}

let levelUs = values['level-us'] ? Number(values['level-us']) : Number.NaN;
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
    const sim = simulatedFalseAlarms(pairs, pairs.length, 1000, 1);
    console.log(
      `  simulated A/A from these pairs, block by block (1000 runs of ${sim.pairs} pairs): false alarms ${(100 * sim.fixed).toFixed(1)}% read once, ${(100 * sim.sequential).toFixed(1)}% sequential looked at after every pair`,
    );
  }
}
for (const p of values.inject ? values.inject.split(',').map(Number) : []) {
  if (!Number.isFinite(levelUs)) throw new Error('--inject needs the A/A run first, or --level-us');
  const us = Math.round((p / 100) * levelUs);
  await run(`+${p}% injected (${us} µs/req: B spends ${INJECTION_BASE_US + us}, A ${INJECTION_BASE_US})`, us);
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
  const r = await run('warm-up check: baseline, steady-state warm-up (B) vs 30 s head start (A)', 0, {
    baseline: true,
    headStartSeconds: 30,
  });
  const e = nestedRatio(nested(r));
  if (e) {
    const within = Math.max(Math.abs(e.ci.low), Math.abs(e.ci.high)) <= 0.05;
    console.log(
      `  steady-state warm-up vs 30 s: ${pct(e.estimate)} [${pct(e.ci.low)}, ${pct(e.ci.high)}]: ${within ? 'within' : 'not shown within'} ±5%`,
    );
  }
}
if (values.out) writeFileSync(values.out, JSON.stringify(runs));
