import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compareResults } from '../../budget/compare.js';
import { gateFails, mergeVerdicts } from '../../budget/judge.js';
import { loadBudgetsFile } from '../../budget/load.js';
import { compareMicro, DEFAULT_MICRO_THRESHOLD } from '../../budget/micro-compare.js';
import { renderJUnit } from '../../report/junit.js';
import { renderSummaryMarkdown } from '../../report/summary-md.js';
import { analyse } from '../../stats/analyse.js';
import { EXIT, UsageError } from '../errors.js';
import { percentFlag } from '../flags.js';
import { readResults } from '../read-results.js';
import { DEFAULT_THRESHOLD, appendStepSummary } from './run.js';

/**
 * Regression verdicts of HEAD against BASE: per cell present in both, and per micro-benchmark task present in both
 * (against the micro.nsPerOp limits of --budgets and of HEAD's own budgets, else +10%); exit 1 when one fails.
 */
export async function compareCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { threshold: { type: 'string' }, strict: { type: 'boolean', default: false }, summary: { type: 'string' }, junit: { type: 'string' }, budgets: { type: 'string' } },
  });
  if (positionals.length !== 2) throw new UsageError('compare takes BASE and HEAD results.json files; e.g. tracebench compare main/results.json pr/results.json');
  const [base, head] = positionals.map((p) => readResults(resolve(p)));
  const threshold = percentFlag('threshold', values.threshold, DEFAULT_THRESHOLD);
  const budgets = [...(head.config.budgets ?? []), ...(values.budgets ? await loadBudgetsFile(values.budgets) : [])];
  const verdicts = mergeVerdicts(compareResults(base, head, { threshold, seed: head.seed }), compareMicro(base, head, { budgets, threshold: DEFAULT_MICRO_THRESHOLD }));
  for (const check of [...verdicts.checks].sort((a, b) => (a.verdict === 'fail' ? -1 : 0) - (b.verdict === 'fail' ? -1 : 0)))
    process.stdout.write(`${check.verdict.toUpperCase().padEnd(12)} ${check.cellId}${check.variant ? ` [${check.variant}]` : ''}: ${check.message}\n`);
  for (const note of verdicts.notes) process.stdout.write(`note: ${note}\n`);
  const { pass, fail, inconclusive } = verdicts.counts;
  const micro = base.micro && head.micro ? `, micro +${(DEFAULT_MICRO_THRESHOLD * 100).toFixed(1)}% unless a budget says otherwise` : '';
  process.stdout.write(`${fail} fail, ${inconclusive} inconclusive, ${pass} pass (threshold +${(threshold * 100).toFixed(1)}%${micro})\n`);
  if (values.summary) {
    writeFileSync(values.summary, renderSummaryMarkdown(head, verdicts, analyse(head, { seed: head.seed })));
    appendStepSummary(values.summary);
  }
  if (values.junit) writeFileSync(values.junit, renderJUnit(verdicts));
  return gateFails(verdicts, { strict: values.strict }) ? EXIT.checkFailed : EXIT.ok;
}
