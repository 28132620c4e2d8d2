import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Results } from '../../results/types.js';
import { judgeRun, viewFilesIn, writeViews } from '../../report/views.js';
import { mergeShards } from '../../run/merge.js';
import { rebuildResults, ResultsStore } from '../../run/store.js';
import { EXIT, UsageError } from '../errors.js';
import { percentFlag } from '../flags.js';
import { prepareOutputDir, refuseOverwrites, statIfAny } from '../out-paths.js';
import { readResults, resultsIssues } from '../read-results.js';
import { appendStepSummary, DEFAULT_THRESHOLD } from './run.js';
import { gateErrors, gateFails } from '../../budget/judge.js';

/** A shard's results: DIR/results.json, or rebuilt from DIR/results.jsonl when the shard was killed before writing it. */
function readShard(path: string): Results {
  const given = resolve(path);
  const dir = statIfAny(given)?.isDirectory() ? given : undefined;
  const file = dir ? join(dir, 'results.json') : given;
  if (existsSync(file)) return readResults(file);
  if (dir && existsSync(join(dir, 'results.jsonl'))) {
    const { results } = rebuildResults(dir);
    const issues = resultsIssues(results);
    if (issues.length > 0)
      throw new UsageError(`${path}: results.jsonl cannot be rebuilt (${issues.slice(0, 3).join('; ')})`);
    process.stderr.write(`${path}: no results.json; rebuilt from results.jsonl, marked interrupted\n`);
    return results;
  }
  throw new UsageError(`${path}: no results.json (nor results.jsonl) there; pass each shard's run folder`);
}

/**
 * One results.json (and summary.md, junit.xml, report.html) from the folders of a plan's shards; exit 2 when they are
 * not shards of one plan run by one tracebench, or a shard is given twice or missing (unless --allow-missing).
 */
export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      threshold: { type: 'string' },
      'allow-missing': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0 || !values.out)
    throw new UsageError(
      "merge takes the shards' run folders and --out DIR; e.g. tracebench merge shard-1 shard-2 shard-3 --out merged",
    );
  const threshold = percentFlag('threshold', values.threshold, DEFAULT_THRESHOLD);
  const out = prepareOutputDir('--out', values.out);
  const files = { ...viewFilesIn(out), resultsJson: join(out, 'results.json') };
  refuseOverwrites(
    Object.values(files).map((path) => ({ name: '--out', path })),
    positionals.flatMap((p) => [
      { name: p, path: join(resolve(p), 'results.json') },
      { name: p, path: resolve(p) },
    ]),
  );
  const results = mergeShards(
    positionals.map((from) => ({ from, results: readShard(from) })),
    { allowMissing: values['allow-missing'] },
  );
  prepareOutputDir('--out', values.out, { create: true });
  new ResultsStore(out).writeResults(results);
  const judged = judgeRun(results, { threshold });
  writeViews(files, results, judged);
  appendStepSummary(files.summaryMd);
  for (const note of results.notes.slice(-3)) process.stderr.write(`note: ${note}\n`);
  const { pass, fail, inconclusive, error } = judged.verdicts.counts;
  process.stderr.write(
    `merged ${results.shards!.length} shards (${results.cells.length} cells, status ${results.status}): ${error > 0 ? `${error} error, ` : ''}${fail} fail, ${inconclusive} inconclusive, ${pass} pass\nresults: ${files.resultsJson}\nsummary: ${files.summaryMd}\n`,
  );
  // A shard that did not finish leaves cells short of rounds: the merge is not a whole run.
  if (results.status !== 'complete' || results.notes.some((n) => n.includes('--allow-missing'))) return EXIT.runFailed;
  if (gateErrors(judged.verdicts)) return EXIT.runFailed;
  return gateFails(judged.verdicts, { strict: values.strict }) ? EXIT.checkFailed : EXIT.ok;
}
