import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfigPath, loadConfigFile } from '../../config/load.js';
import type { Config } from '../../config/types.js';
import { BATCH_DEFAULTS, windowsDefaults } from '../../config/schema.js';
import { calibrationFrom } from '../../results/calibration.js';
import type { Results } from '../../results/types.js';
import { runWindowsBenchmark } from '../../run/run-windows.js';
import { readResults } from '../read-results.js';
import { prepareOutputDir } from '../out-paths.js';
import { BASELINE_ID, expandMatrix } from '../../plan/cells.js';
import { buildPlan, variantMeasures } from '../../plan/plan.js';
import { runBenchmark } from '../../run/run.js';
import { analyse } from '../../stats/analyse.js';
import { noiseFloor, pairedRelativeDifferences } from '../../stats/power.js';
import { EXIT, RunError, UsageError } from '../errors.js';
import { integerFlag, percentFlag } from '../flags.js';
import { DEFAULT_THRESHOLD, interruptible } from './run.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The config reduced to one traced cell, run as an A/A pair of identical variants in every round. The baseline is left
 * out unless `withBaseline`: the A/A pair is compared with itself, and the baseline would double the trials. A config
 * with variants is calibrated on its first (the reference: its entry, env and instrumentation), so the noise measured
 * is that of the service its comparisons run, not of service.entry.
 */
export function calibrationConfig(
  config: Config,
  cellId: string | undefined,
  rounds: number,
  options: { withBaseline?: boolean; method?: Config['method'] } = {},
): { config: Config; cellId: string } {
  const reference = config.variants?.[0];
  const cells = expandMatrix(config).cells.filter((c) => c.settings.tracing === 'sdk' && variantMeasures(c, reference));
  const cell = cellId ? cells.find((c) => c.id === cellId) : cells[0];
  if (cell?.settings.tracing !== 'sdk')
    throw new UsageError(
      `--cell ${cellId}: no such traced cell${reference ? ` measured by variants[0] '${reference.name}'` : ''}; the config has ${cells.map((c) => c.id).join(', ')}`,
    );
  const copy = reference ?? { env: {}, extraCpuUsPerRequest: 0, extraCpuUsPerSpan: 0 };
  const { sampler, processor, exporter, propagator } = cell.settings;
  return {
    cellId: cell.id,
    config: {
      ...config,
      // The trials method's round-to-round noise, whatever method the config runs, unless told the windows method.
      method: options.method ?? { type: 'trials' },
      rounds,
      budgets: [],
      matrix: {
        instrumentation: [cell.settings.instrumentation ?? { type: 'manual' }],
        sampler: [sampler],
        processor: [processor ?? { type: 'batch', ...BATCH_DEFAULTS }],
        exporter: [exporter ?? 'none'],
        propagator: [propagator ?? 'tracecontext'],
        baseline: options.withBaseline === true,
      },
      variants: [
        { ...copy, name: 'a' },
        { ...copy, name: 'a-again' },
      ],
    },
  };
}

/** ` of variants[0] 'base'` when the config has variants (calibrationConfig measures that one), else nothing. */
const referenceOf = (config: Config) => (config.variants ? ` of variants[0] '${config.variants[0].name}'` : '');

/** A/A rounds of one cell: the noise floor of cpuUsPerRequest and the rounds a given threshold needs. */
export async function calibrateCommand(args: string[]): Promise<number> {
  if (args.some((a) => a === '--from' || a.startsWith('--from=') || a.startsWith('--method')))
    return calibrateWindowsCommand(args);
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      cell: { type: 'string' },
      rounds: { type: 'string' },
      threshold: { type: 'string' },
      'with-baseline': { type: 'boolean', default: false },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(`calibrate takes no arguments (got '${positionals.join(' ')}')`);
  const threshold = percentFlag('threshold', values.threshold, DEFAULT_THRESHOLD);
  const configFile = values.config ?? defaultConfigPath();
  const loaded = await loadConfigFile(configFile);
  const withBaseline = values['with-baseline'];
  const { config, cellId } = calibrationConfig(loaded, values.cell, integerFlag('rounds', values.rounds, 2) ?? 6, {
    withBaseline,
  });
  const log = (line: string) => (values.quiet ? undefined : process.stderr.write(`${line}\n`));
  log(
    `calibrate: ${cellId}${referenceOf(loaded)}, A/A in ${config.rounds} rounds (${buildPlan(config).trials.length} trials${withBaseline ? ', baseline included' : '; the baseline is not needed: --with-baseline adds it'})`,
  );
  const interrupt = interruptible();
  try {
    const { results, dir } = await runBenchmark({
      config,
      configFile,
      reportsDir: resolve(values.out ?? 'reports'),
      log,
      signal: interrupt.signal,
    });
    if (results.status === 'failed')
      throw new RunError(
        `every trial failed; see ${dir}/results.jsonl for each error and the service's last stderr lines`,
      );
    const analysis = analyse(results, { seed: results.seed });
    const side = (cell: string, variant: string) =>
      analysis.cells.find((c) => c.cellId === cell && c.variant === variant)?.metrics.cpuUsPerRequest;
    const floorOf = (cell: string) => {
      const [a, b] = [side(cell, 'a'), side(cell, 'a-again')];
      if (!a || !b) throw new RunError(`no A/A pair of ${cell} could be measured; see the trial errors above`);
      return noiseFloor(pairedRelativeDifferences(a, b), { threshold });
    };
    const floor = floorOf(cellId);
    const lines = [
      `noise floor of cpuUsPerRequest for ${cellId} (${floor.rounds} A/A rounds, ${config.load.durationSeconds} s windows at ${config.load.rateRps} req/s):`,
      `  round-to-round spread (sd of paired differences): ${pct(floor.sdRelative)}; mean A/A difference ${pct(floor.meanRelative)}`,
      `  minimum detectable change at ${floor.level * 100}% confidence and ${floor.power * 100}% power:`,
      ...floor.mdcByRounds.map((m) => `    ${String(m.rounds).padStart(3)} rounds: ${pct(m.mdcRelative)}`),
    ];
    if (withBaseline) {
      const baseline = floorOf(BASELINE_ID);
      lines.push(
        `  the baseline's own spread: ${pct(baseline.sdRelative)} (minimum detectable change ${pct(baseline.mdcRelative)} at ${baseline.rounds} rounds)`,
      );
    }
    const needed = floor.roundsForThreshold?.rounds ?? Infinity;
    lines.push(
      Number.isFinite(needed)
        ? `recommendation: to detect a ${pct(threshold)} change, run ${needed} rounds of ${config.load.durationSeconds} s windows (longer windows lower the spread only where it comes from sampling, not from drift)`
        : `recommendation: a ${pct(threshold)} change is below this machine's noise floor; raise the threshold, lengthen load.durationSeconds, or use a quieter machine`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    return results.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  } finally {
    interrupt.dispose();
  }
}

/**
 * `calibrate --method windows`: A/A windows comparisons of one traced cell (`--runs`, each method.maxMinutes long),
 * or `--from` earlier windows results, pooled into a calibration.json of how much the service's processes differ on
 * this machine (results/calibration.ts), which `run --calibration FILE` (or method.calibration) pools with each
 * comparison's own few sets.
 */
async function calibrateWindowsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      method: { type: 'string' },
      from: { type: 'string' },
      config: { type: 'string' },
      cell: { type: 'string' },
      runs: { type: 'string' },
      out: { type: 'string' },
      write: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(`calibrate takes no arguments (got '${positionals.join(' ')}')`);
  if (values.method !== undefined && values.method !== 'windows')
    throw new UsageError(
      `--method ${values.method}: calibrate --method takes windows (the trials method's noise floor is calibrate without --method)`,
    );
  // An empty list (an unset shell variable) must not fall through to minutes of measuring.
  const from = values.from?.split(',').filter(Boolean);
  if (from !== undefined && from.length === 0)
    throw new UsageError('--from takes results.json files, comma-separated (got none)');
  if (from && (values.runs || values.cell || values.config))
    throw new UsageError('--from pools results already measured: it takes no --runs, --cell or --config');
  const log = (line: string) => (values.quiet ? undefined : process.stderr.write(`${line}\n`));
  const reportsDir = prepareOutputDir('--out', values.out ?? 'reports');
  const target = resolve(values.write ?? join(reportsDir, 'calibration.json'));
  const measured: { file: string; results: Results }[] = [];
  let interrupted = false;
  if (from) {
    for (const file of from) measured.push({ file: resolve(file), results: readResults(file) });
  } else {
    const runs = integerFlag('runs', values.runs, 1) ?? DEFAULT_CALIBRATION_RUNS;
    const configFile = values.config ?? defaultConfigPath();
    const loaded = await loadConfigFile(configFile);
    const {
      calibration: _,
      against: __,
      ...method
    } = loaded.method?.type === 'windows' ? loaded.method : windowsDefaults();
    const { config, cellId } = calibrationConfig(loaded, values.cell, 1, {
      method: { ...method, untilDecided: false },
    });
    log(
      `calibrate --method windows: ${cellId}${referenceOf(loaded)}, ${runs} A/A comparisons of ${method.processes} process sets per side, ${method.maxMinutes} min each`,
    );
    const interrupt = interruptible();
    try {
      for (let i = 0; i < runs && !interrupt.signal.aborted; i++) {
        log(`run ${i + 1} of ${runs}`);
        const { results, dir } = await runWindowsBenchmark({
          config,
          configFile,
          reportsDir,
          log,
          signal: interrupt.signal,
        });
        measured.push({ file: join(dir, 'results.json'), results });
      }
      interrupted = interrupt.signal.aborted;
    } finally {
      interrupt.dispose();
    }
  }
  if (interrupted && !measured.some((m) => (m.results.windows ?? []).some((c) => c.nested !== null))) {
    log('calibrate: interrupted before a comparison had an interval; nothing written');
    return EXIT.interrupted;
  }
  const calibration = calibrationFrom(measured);
  writeFileSync(target, `${JSON.stringify(calibration, null, 2)}\n`);
  const sd = (x: number) => `${(100 * Math.sqrt(Math.max(0, x))).toFixed(2)}%`;
  const lines = [
    `between-process SD of a set pair's CPU per request (log scale): ${sd(calibration.betweenVar)}, ${calibration.df} degrees of freedom from ${calibration.sources.length} comparison(s) on ${calibration.host.hostname}:`,
    ...calibration.sources.map(
      (s) =>
        `  ${s.cellId} ${s.b} vs ${s.a}: ${s.sets} sets, ${s.pairs} pairs, ${s.betweenVar < 0 ? 'sets no further apart than their noise' : `${sd(s.betweenVar)} apart`} (${s.file})`,
    ),
    `written: ${target}`,
    `use it: tracebench run --calibration ${target} (or method.calibration in the config); calibrate again when the service, its settings or the machine change`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return interrupted ? EXIT.interrupted : EXIT.ok;
}

/** Comparisons `calibrate --method windows` runs by default: 4 sets each give 3 degrees of freedom, 6 runs 18. */
const DEFAULT_CALIBRATION_RUNS = 6;
