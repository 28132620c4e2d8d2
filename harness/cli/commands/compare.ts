import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareResults } from '../../budget/compare.js';
import { gateFails } from '../../budget/judge.js';
import { renderJUnit } from '../../report/junit.js';
import { renderSummaryMarkdown } from '../../report/summary-md.js';
import { analyse } from '../../stats/analyse.js';
import { EXIT, UsageError } from '../errors.js';
import { percentFlag } from '../flags.js';
import { readResults } from '../read-results.js';
import { DEFAULT_THRESHOLD, appendStepSummary } from './run.js';

/** Regression verdicts of HEAD against BASE, per cell present in both; exit 1 when one fails. */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { threshold: { type: 'string' }, strict: { type: 'boolean', default: false }, summary: { type: 'string' }, junit: { type: 'string' } },
  });
  if (positionals.length !== 2) throw new UsageError('compare takes BASE and HEAD results.json files; e.g. tracebench compare main/results.json pr/results.json');
  const [base, head] = positionals.map((p) => readResults(resolve(p)));
  const threshold = percentFlag('threshold', values.threshold, DEFAULT_THRESHOLD);
  const verdicts = compareResults(base, head, { threshold, seed: head.seed });
  for (const check of [...verdicts.checks].sort((a, b) => (a.verdict === 'fail' ? -1 : 0) - (b.verdict === 'fail' ? -1 : 0)))
    process.stdout.write(`${check.verdict.toUpperCase().padEnd(12)} ${check.cellId}${check.variant ? ` [${check.variant}]` : ''}: ${check.message}\n`);
  for (const note of verdicts.notes) process.stdout.write(`note: ${note}\n`);
  const { pass, fail, inconclusive } = verdicts.counts;
  process.stdout.write(`${fail} fail, ${inconclusive} inconclusive, ${pass} pass (threshold +${(threshold * 100).toFixed(1)}%)\n`);
  if (values.summary) {
    writeFileSync(values.summary, renderSummaryMarkdown(head, verdicts, analyse(head, { seed: head.seed })));
    appendStepSummary(values.summary);
  }
  if (values.junit) writeFileSync(values.junit, renderJUnit(verdicts));
  return gateFails(verdicts, { strict: values.strict }) ? EXIT.checkFailed : EXIT.ok;
}
