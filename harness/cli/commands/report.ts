import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Results } from '../../results/types.js';
import { judgeRun } from '../../budget/judge-run.js';
import { viewFilesIn, writeViews } from '../../report/views.js';
import { rebuildResults, ResultsStore, RUN_HEADER_FILE } from '../../run/store.js';
import { RunError, UsageError } from '../errors.js';
import { percentFlag } from '../flags.js';
import { prepareOutputFile, refuseOverwrites, statIfAny, type PathRole } from '../out-paths.js';
import { readResults, resultsIssues } from '../read-results.js';
import { DEFAULT_THRESHOLD } from './run.js';

/** RESULTS.json as given, or DIR/results.json for a run's (or a micro run's) folder. */
function resultsFile(path: string): string {
  const file = resolve(path);
  return statIfAny(file)?.isDirectory() ? join(file, 'results.json') : file;
}

/** A killed run's folder: results.json absent, its per-trial log and header present. */
function rebuildable(file: string): boolean {
  const dir = dirname(file);
  return basename(file) === 'results.json' && !existsSync(file) && existsSync(join(dir, 'results.jsonl'));
}

/**
 * Rebuilds report.html (and, beside the results, summary.md and junit.xml) from a results.json without re-running; for
 * a run killed before it wrote results.json, rebuilds that first from results.jsonl, marked interrupted. Never writes
 * over an input.
 */
export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string' }, threshold: { type: 'string' } },
  });
  if (positionals.length !== 1)
    throw new UsageError(
      'report takes one RESULTS.json or the folder that holds it; e.g. tracebench report reports/latest',
    );
  const threshold = percentFlag('threshold', values.threshold, DEFAULT_THRESHOLD);
  const file = resultsFile(positionals[0]);
  const rebuild = rebuildable(file);
  const dir = dirname(file);
  const inputs: PathRole[] = rebuild
    ? [
        { name: 'results.jsonl', path: join(dir, 'results.jsonl') },
        { name: RUN_HEADER_FILE, path: join(dir, RUN_HEADER_FILE) },
      ]
    : [{ name: 'RESULTS', path: file }];
  const files = values.out ? { reportHtml: resolve(values.out) } : viewFilesIn(dir);
  refuseOverwrites(
    [
      ...Object.values(files).map((path) => ({ name: values.out ? '--out' : `the view ${basename(path)}`, path })),
      ...(rebuild ? [{ name: 'results.json', path: file }] : []),
    ],
    inputs,
  );
  if (values.out) prepareOutputFile('--out', values.out);
  let results: Results;
  if (rebuild) {
    const rebuilt = rebuildResults(dir);
    const issues = resultsIssues(rebuilt.results);
    if (issues.length > 0)
      throw new RunError(`${dir}: results.jsonl cannot be rebuilt into results (${issues.slice(0, 3).join('; ')})`);
    results = rebuilt.results;
    new ResultsStore(dir).writeResults(results);
    const cut = results.interrupted!;
    const skipped =
      rebuilt.skippedLines > 0
        ? `; ${rebuilt.skippedLines} unreadable line${rebuilt.skippedLines === 1 ? '' : 's'} left out (cut short when the run was killed)`
        : '';
    process.stderr.write(
      `rebuilt ${file} from results.jsonl: interrupted after ${cut.trialsFinished} of ${cut.trialsPlanned} trials${skipped}\n`,
    );
  } else {
    if (!existsSync(file))
      throw new UsageError(
        `${file}: no such file (and no results.jsonl beside it to rebuild from); pass a results.json or a run's folder`,
      );
    results = readResults(file);
  }
  const judged = judgeRun(results, { threshold });
  writeViews(files, results, judged);
  process.stderr.write(`report: ${files.reportHtml}\n`);
  return 0;
}
