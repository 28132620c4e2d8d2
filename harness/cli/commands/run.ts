import { resolve } from 'node:path';
import { appendFileSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gateErrors, gateFails } from '../../budget/judge.js';
import { loadBudgetsFile } from '../../budget/load.js';
import { defaultConfigPath, loadConfigFile } from '../../config/load.js';
import { consoleTable } from '../../report/console-table.js';
import { serviceTable } from '../../report/console-services.js';
import { resolutionLines } from '../../report/resolution.js';
import { judgeRun } from '../../budget/judge-run.js';
import { viewFilesIn, writeViews } from '../../report/views.js';
import { runBenchmark } from '../../run/run.js';
import { describeComparison, runWindowsBenchmark } from '../../run/run-windows.js';
import { windowsDefaults } from '../../config/schema.js';
import { killAllChildren } from '../../target/launch.js';
import { EXIT, UsageError } from '../errors.js';
import { integerFlag, percentFlag } from '../flags.js';
import { prepareOutputDir } from '../out-paths.js';
import { uninstrumentedWarning } from '../../results/summary.js';
import { resumeDefaults } from '../../run/resume.js';
import { resolveShard } from '../shard-flags.js';

export const DEFAULT_THRESHOLD = 0.05;

/** GitHub shows this file on the run's page; read at the edge, like every environment variable. */
export function appendStepSummary(markdownFile: string): void {
  const target = process.env.GITHUB_STEP_SUMMARY;
  if (target) appendFileSync(target, `${readFileSync(markdownFile, 'utf8')}\n`);
}

/** SIGINT/SIGTERM abort the run (what was measured is written); a second one quits at once. */
export function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      killAllChildren();
      process.exit(EXIT.interrupted);
    }
    process.stderr.write(
      `\n${signal}: stopping after killing the running service; writing what was measured so far (again to quit now)\n`,
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/**
 * Flags of the trials method that a windows run would ignore: refused, since a silently ignored --rounds or --shard
 * runs something else than what was asked (each shard would run every comparison).
 */
function refuseTrialsFlags(
  values: { rounds?: string; profile?: boolean; resume?: string },
  shard: unknown,
  configFile: string,
): void {
  const given = [
    values.rounds !== undefined ? '--rounds' : '',
    shard !== undefined ? '--shard/--shards (or TRACEBENCH_SHARD)' : '',
    values.resume !== undefined ? '--resume' : '',
    values.profile ? '--profile' : '',
  ].filter(Boolean);
  if (given.length > 0)
    throw new UsageError(
      `${given.join(', ')}: trials-method option${given.length === 1 ? '' : 's'}, but ${configFile} runs the windows method (method: windows), which measures each comparison until it is decided or its time is up: set method.maxMinutes or --max-minutes instead, or run a trials config such as configs/matrix.yaml`,
    );
}

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      out: { type: 'string' },
      rounds: { type: 'string' },
      seed: { type: 'string' },
      budgets: { type: 'string' },
      threshold: { type: 'string' },
      strict: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'until-decided': { type: 'boolean', default: false },
      'max-minutes': { type: 'string' },
      calibration: { type: 'string' },
      profile: { type: 'boolean', default: false },
      shard: { type: 'string' },
      shards: { type: 'string' },
      resume: { type: 'string' },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`run takes no arguments (got '${positionals.join(' ')}'); use --config FILE`);
  const threshold = percentFlag('threshold', values.threshold, DEFAULT_THRESHOLD);
  const resumed = values.resume ? resumeDefaults(values.resume) : undefined;
  const shard = resolveShard(values, process.env) ?? resumed?.shard;
  const configFile = values.config ?? resumed?.configFile ?? defaultConfigPath();
  const reportsDir = prepareOutputDir('--out', values.out ?? 'reports');
  const config = await loadConfigFile(configFile, {
    rounds: integerFlag('rounds', values.rounds, 1) ?? resumed?.rounds,
    seed: integerFlag('seed', values.seed, 0) ?? resumed?.seed,
  });
  if (values.profile) config.profile = { cells: 'all', intervalUs: config.profile?.intervalUs ?? 1000 };
  // Budgets from a file join the config's, so results.json holds every budget that was judged.
  const maxMinutes = integerFlag('max-minutes', values['max-minutes'], 1);
  if (values['until-decided'] || maxMinutes !== undefined)
    config.method = {
      ...windowsDefaults(),
      ...(config.method?.type === 'windows' ? config.method : {}),
      ...(values['until-decided'] ? { untilDecided: true } : {}),
      ...(maxMinutes !== undefined ? { maxMinutes } : {}),
    };
  if (values.calibration !== undefined) {
    if (config.method?.type !== 'windows')
      throw new UsageError(
        `--calibration is for the windows method (how much its process sets differ); ${configFile} runs the trials method: add --until-decided or --max-minutes N, or set method: { type: windows }`,
      );
    // Relative to where the command runs, as every other flag's path; the config's own is relative to the config.
    config.method = { ...config.method, calibration: resolve(values.calibration) };
  }
  if (config.method?.type === 'windows') refuseTrialsFlags(values, shard, configFile);
  if (values.budgets) config.budgets = [...(config.budgets ?? []), ...(await loadBudgetsFile(values.budgets))];
  const log = (line: string) => {
    if (!values.quiet) process.stderr.write(`${line}\n`);
  };

  const interrupt = interruptible();
  try {
    if (config.method?.type === 'windows') {
      const { results, dir } = await runWindowsBenchmark({
        config,
        configFile,
        reportsDir,
        log,
        signal: interrupt.signal,
      });
      for (const c of results.windows ?? []) process.stdout.write(`${c.cellId}: ${describeComparison(c)}\n`);
      const judged = judgeRun(results, { threshold });
      const files = viewFilesIn(dir);
      writeViews(files, results, judged);
      appendStepSummary(files.summaryMd);
      for (const note of judged.verdicts.notes) log(`note: ${note}`);
      log(`results: ${dir}/results.json\nreport:  ${files.reportHtml}\nsummary: ${files.summaryMd}`);
      if (results.status === 'interrupted') return EXIT.interrupted;
      return gateFails(judged.verdicts, { strict: values.strict }) ? EXIT.checkFailed : EXIT.ok;
    }
    const { results, dir } = await runBenchmark({
      config,
      configFile,
      reportsDir,
      log,
      signal: interrupt.signal,
      ...(shard ? { shard } : {}),
      ...(values.resume ? { resumeDir: values.resume } : {}),
    });
    process.stdout.write(`${consoleTable(results)}\n`);
    for (const cell of results.cells) {
      const warning = uninstrumentedWarning(cell);
      if (warning) process.stdout.write(`warning: ${cell.id}${cell.variant ? ` [${cell.variant}]` : ''}: ${warning}\n`);
    }
    const byService = serviceTable(results);
    if (byService) process.stdout.write(`${byService}\n`);
    const judged = judgeRun(results, { threshold });
    const files = viewFilesIn(dir);
    writeViews(files, results, judged);
    appendStepSummary(files.summaryMd);
    const { pass, fail, inconclusive, error } = judged.verdicts.counts;
    // Errors go to stdout, even with --quiet: they are why the run exits 3.
    for (const check of judged.verdicts.checks)
      if (check.verdict === 'error' && check.kind === 'cell')
        process.stdout.write(`ERROR ${check.cellId}${check.variant ? ` [${check.variant}]` : ''}: ${check.message}\n`);
    for (const line of resolutionLines(judged.verdicts)) process.stdout.write(`${line}\n`);
    log(`checks: ${error > 0 ? `${error} error, ` : ''}${fail} fail, ${inconclusive} inconclusive, ${pass} pass`);
    log(`results: ${dir}/results.json\nreport:  ${files.reportHtml}\nsummary: ${files.summaryMd}`);
    if (results.status === 'interrupted') return EXIT.interrupted;
    if (gateErrors(judged.verdicts)) return EXIT.runFailed;
    return gateFails(judged.verdicts, { strict: values.strict }) ? EXIT.checkFailed : EXIT.ok;
  } finally {
    interrupt.dispose();
  }
}
