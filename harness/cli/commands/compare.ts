import { existsSync, lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_SERIES_RUNS, poolSeries, type SeriesRun } from '../../budget/series.js';
import { toBencher, toGab } from '../../report/export.js';
import { echo } from '../../text.js';
import { integerFlag } from '../flags.js';
import { statIfAny } from '../out-paths.js';
import { parseArgs } from 'node:util';
import { compareResults } from '../../budget/compare.js';
import { gateErrors, gateFails, mergeVerdicts } from '../../budget/judge.js';
import { loadBudgetsFile } from '../../budget/load.js';
import { compareMicro, DEFAULT_MICRO_THRESHOLD } from '../../budget/micro-compare.js';
import { renderJUnit } from '../../report/junit.js';
import { resolutionLines } from '../../report/resolution.js';
import { renderSummaryMarkdown } from '../../report/summary-md.js';
import { analyse } from '../../stats/analyse.js';
import type { Results } from '../../results/types.js';
import { EXIT, RunError, UsageError } from '../errors.js';
import { percentFlag } from '../flags.js';
import { prepareOutputFile, refuseOverwrites } from '../out-paths.js';
import { readResults } from '../read-results.js';
import { DEFAULT_THRESHOLD, appendStepSummary } from './run.js';

const EXPORTS = ['bencher', 'gab'] as const;

/** A BASE folder that is not a run's own folder (no results.json in it): earlier runs, one sub-folder each. */
function isSeries(path: string): boolean {
  return statIfAny(resolve(path))?.isDirectory() === true && !existsSync(join(resolve(path), 'results.json'));
}

/** Every run folder under a series folder (`latest`, a link to one of them, is skipped so no run counts twice). */
function readSeries(path: string): SeriesRun[] {
  const dir = resolve(path);
  return readdirSync(dir)
    .filter((name) => !lstatSync(join(dir, name)).isSymbolicLink() && existsSync(join(dir, name, 'results.json')))
    .sort()
    .map((name) => ({ from: join(path, name), results: readResults(join(dir, name, 'results.json')) }));
}

const RANK = { error: 0, fail: 1, inconclusive: 2, pass: 3 } as const;

/** A results file with nothing valid in it (every cell's trials invalid or crashed, or no cell at all) cannot be compared. */
function refuseEmpty(side: 'BASE' | 'HEAD', file: string, results: Results): void {
  // A windows run (what npm start runs) measured comparisons, not cells: it is an A/B already, not a side of one.
  if (results.windows)
    throw new UsageError(
      `${side} ${file} is a windows run (method: windows, such as npm start's): its cells hold no trials to compare across runs; compare two versions in one windows run with variants (docs/gating.md), or compare two trials runs (configs/matrix.yaml)`,
    );
  const valid = results.cells.filter((c) => c.trials.some((t) => t.status === 'ok')).length;
  if (valid > 0 || (results.micro?.tasks.length ?? 0) > 0) return;
  const what =
    results.cells.length === 0
      ? 'no cell at all'
      : `${results.cells.length} cell${results.cells.length === 1 ? '' : 's'}, none with a valid trial`;
  throw new RunError(
    `${side} ${file} holds no valid measurement (${what}; run ${results.status}): a run that measured nothing cannot pass a comparison; fix the run (see its summary.md) and compare again`,
  );
}

/**
 * Regression verdicts of HEAD against BASE: per cell present in both, and per micro-benchmark task present in both
 * (against the micro.nsPerOp limits of --budgets and of HEAD's own budgets, else +10%); exit 1 when one fails, 3 when
 * either side holds no valid measurement or a compared cell has no valid trial.
 */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      threshold: { type: 'string' },
      strict: { type: 'boolean', default: false },
      summary: { type: 'string' },
      junit: { type: 'string' },
      budgets: { type: 'string' },
      last: { type: 'string' },
      export: { type: 'string' },
    },
  });
  const exportFormat = values.export;
  if (exportFormat !== undefined && !EXPORTS.includes(exportFormat as (typeof EXPORTS)[number]))
    throw new UsageError(`--export: expected bencher or gab, got "${echo(exportFormat)}"`);
  if (positionals.length !== (exportFormat ? 3 : 2))
    throw new UsageError(
      exportFormat
        ? `compare --export ${exportFormat} takes BASE, HEAD and the FILE to write; e.g. tracebench compare main-runs/ pr/results.json --export ${exportFormat} bench.json`
        : 'compare takes BASE and HEAD results.json files (BASE may be a folder of earlier runs: a baseline series); e.g. tracebench compare main/results.json pr/results.json',
    );
  const exportFile = positionals[2];
  const outputs = [
    ...(values.summary ? [{ name: '--summary', path: values.summary }] : []),
    ...(values.junit ? [{ name: '--junit', path: values.junit }] : []),
    ...(exportFile ? [{ name: `--export ${exportFormat}`, path: exportFile }] : []),
  ];
  refuseOverwrites(outputs, [
    { name: 'BASE', path: positionals[0] },
    { name: 'HEAD', path: positionals[1] },
    ...(values.budgets ? [{ name: '--budgets', path: values.budgets }] : []),
  ]);
  const head = readResults(resolve(positionals[1]));
  const series = isSeries(positionals[0]);
  let base: Results;
  const seriesNotes: string[] = [];
  if (series) {
    const pooled = poolSeries(
      readSeries(positionals[0]),
      head,
      integerFlag('last', values.last, 1) ?? DEFAULT_SERIES_RUNS,
    );
    if (pooled.used.length === 0)
      throw new UsageError(
        `BASE ${positionals[0]}: a folder of runs, but none is a complete run of '${head.config.name}' (${pooled.notes.join(' ')}); pass a folder of earlier runs of the same config`,
      );
    base = pooled.base;
    seriesNotes.push(...pooled.notes);
  } else {
    if (values.last !== undefined) throw new UsageError('--last: only with a BASE folder of runs (a baseline series)');
    base = readResults(resolve(positionals[0]));
  }
  refuseEmpty('BASE', positionals[0], base);
  refuseEmpty('HEAD', positionals[1], head);
  const threshold = percentFlag('threshold', values.threshold, DEFAULT_THRESHOLD);
  const budgets = [...(head.config.budgets ?? []), ...(values.budgets ? await loadBudgetsFile(values.budgets) : [])];
  const verdicts = mergeVerdicts(
    compareResults(base, head, { threshold, seed: head.seed }),
    compareMicro(base, head, { budgets, threshold: DEFAULT_MICRO_THRESHOLD }),
  );
  for (const check of [...verdicts.checks].sort((a, b) => RANK[a.verdict] - RANK[b.verdict]))
    process.stdout.write(
      `${check.verdict.toUpperCase().padEnd(12)} ${check.cellId}${check.variant ? ` [${check.variant}]` : ''}: ${check.message}\n`,
    );
  verdicts.notes.unshift(...seriesNotes);
  for (const line of resolutionLines(verdicts)) process.stdout.write(`${line}\n`);
  for (const note of verdicts.notes) process.stdout.write(`note: ${note}\n`);
  const { pass, fail, inconclusive, error } = verdicts.counts;
  const micro =
    base.micro && head.micro
      ? `, micro +${(DEFAULT_MICRO_THRESHOLD * 100).toFixed(1)}% unless a budget says otherwise`
      : '';
  process.stdout.write(
    `${error > 0 ? `${error} error, ` : ''}${fail} fail, ${inconclusive} inconclusive, ${pass} pass (threshold +${(threshold * 100).toFixed(1)}%${micro})\n`,
  );
  if (values.summary) {
    writeFileSync(
      prepareOutputFile('--summary', values.summary),
      renderSummaryMarkdown(head, verdicts, analyse(head, { seed: head.seed })),
    );
    appendStepSummary(values.summary);
  }
  if (values.junit) writeFileSync(prepareOutputFile('--junit', values.junit), renderJUnit(verdicts));
  if (exportFile)
    writeFileSync(
      prepareOutputFile(`--export ${exportFormat}`, exportFile),
      `${JSON.stringify(exportFormat === 'bencher' ? toBencher(head) : toGab(head), null, 2)}\n`,
    );
  if (gateErrors(verdicts)) return EXIT.runFailed;
  return gateFails(verdicts, { strict: values.strict }) ? EXIT.checkFailed : EXIT.ok;
}
