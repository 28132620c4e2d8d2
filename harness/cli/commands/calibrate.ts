import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfigPath, loadConfigFile } from '../../config/load.js';
import type { Config } from '../../config/types.js';
import { BATCH_DEFAULTS } from '../../config/schema.js';
import { BASELINE_ID, expandMatrix } from '../../plan/cells.js';
import { buildPlan } from '../../plan/plan.js';
import { runBenchmark } from '../../run/run.js';
import { analyse } from '../../stats/analyse.js';
import { noiseFloor, pairedRelativeDifferences } from '../../stats/power.js';
import { EXIT, RunError, UsageError } from '../errors.js';
import { integerFlag, percentFlag } from '../flags.js';
import { DEFAULT_THRESHOLD, interruptible } from './run.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The config reduced to one traced cell, run as an A/A pair of identical variants in every round. The baseline is left
 * out unless `withBaseline`: the A/A pair is compared with itself, and the baseline would double the trials.
 */
export function calibrationConfig(
  config: Config,
  cellId: string | undefined,
  rounds: number,
  options: { withBaseline?: boolean } = {},
): { config: Config; cellId: string } {
  const cells = expandMatrix(config).cells.filter((c) => c.settings.tracing === 'sdk');
  const cell = cellId ? cells.find((c) => c.id === cellId) : cells[0];
  if (cell?.settings.tracing !== 'sdk')
    throw new UsageError(`--cell ${cellId}: no such traced cell; the config has ${cells.map((c) => c.id).join(', ')}`);
  const { sampler, processor, exporter, propagator } = cell.settings;
  return {
    cellId: cell.id,
    config: {
      ...config,
      // Calibration measures the trials method's round-to-round noise, whatever method the config runs.
      method: { type: 'trials' },
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
        { name: 'a', env: {}, extraCpuUsPerRequest: 0, extraCpuUsPerSpan: 0 },
        { name: 'a-again', env: {}, extraCpuUsPerRequest: 0, extraCpuUsPerSpan: 0 },
      ],
    },
  };
}

/** A/A rounds of one cell: the noise floor of cpuUsPerRequest and the rounds a given threshold needs. */
export async function calibrateCommand(args: string[]): Promise<number> {
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
    `calibrate: ${cellId}, A/A in ${config.rounds} rounds (${buildPlan(config).trials.length} trials${withBaseline ? ', baseline included' : '; the baseline is not needed: --with-baseline adds it'})`,
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
