import { statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { judgeRun, viewFilesIn, writeViews } from '../../report/views.js';
import { UsageError } from '../errors.js';
import { percentFlag } from '../flags.js';
import { readResults } from '../read-results.js';
import { DEFAULT_THRESHOLD } from './run.js';

/** RESULTS.json as given, or DIR/results.json for a run's (or a micro run's) folder. */
function resultsFile(path: string): string {
  const file = resolve(path);
  return statSync(file, { throwIfNoEntry: false })?.isDirectory() ? join(file, 'results.json') : file;
}

/** Rebuilds report.html (and, beside the results, summary.md and junit.xml) from a results.json without re-running. */
export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, threshold: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('report takes one RESULTS.json or the folder that holds it; e.g. tracebench report reports/latest');
  const file = resultsFile(positionals[0]);
  const results = readResults(file);
  const judged = judgeRun(results, { threshold: percentFlag('threshold', values.threshold, DEFAULT_THRESHOLD) });
  const files = values.out ? { reportHtml: resolve(values.out) } : viewFilesIn(dirname(file));
  writeViews(files, results, judged);
  process.stderr.write(`report: ${files.reportHtml}\n`);
  return 0;
}
