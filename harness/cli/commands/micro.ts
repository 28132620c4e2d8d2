import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gateFails } from '../../budget/judge.js';
import { loadBudgetsFile } from '../../budget/load.js';
import { microResultsDocument, MICRO_ONLY_NAME } from '../../micro/document.js';
import { parseSlowPrimitive, runMicro, type MicroResults } from '../../micro/index.js';
import { judgeRun } from '../../budget/judge-run.js';
import { viewFilesIn, writeViews } from '../../report/views.js';
import { newRunId, ResultsStore } from '../../run/store.js';
import { EXIT, UsageError } from '../errors.js';
import { integerFlag } from '../flags.js';
import { DEFAULT_THRESHOLD, appendStepSummary, interruptible } from './run.js';

/** Three fresh isolates per suite: the fewest that give compare an interval over rounds (see budget/micro-compare.ts). */
export const DEFAULT_MICRO_ROUNDS = 3;

const ns = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} µs` : `${x.toFixed(1)} ns`);

function table(results: MicroResults): string[] {
  const lines = ['task                                       p50/op      mean/op     ±rme  samples  rounds  spread'];
  for (const suite of results.suites)
    if (suite.status === 'error') lines.push(`${suite.suite} (round ${suite.round + 1}): FAILED: ${suite.error}`);
  for (const t of results.tasks) {
    lines.push(
      `${`${t.suite}/${t.task}`.padEnd(40)} ${ns(t.nsPerOp.p50).padStart(10)} ${ns(t.nsPerOp.mean).padStart(11)} ${t.marginOfErrorPct.toFixed(1).padStart(6)}% ${String(t.samples).padStart(8)} ${String(t.roundsNsPerOp.length).padStart(7)} ${t.roundSpreadPct.toFixed(0).padStart(6)}%`,
    );
  }
  lines.push('', 'published claims vs measured here:');
  for (const c of results.claims)
    lines.push(
      c.status === 'measured'
        ? `  ${c.operation.padEnd(34)} claimed ${ns(c.claimedNs.low)}–${ns(c.claimedNs.high)}, measured ${ns(c.measuredNs)} (×${c.ratio.toFixed(2)} of the midpoint)`
        : `  ${c.operation.padEnd(34)} not measured: ${c.reason}`,
    );
  return lines;
}

/**
 * tinybench suites of the SDK's primitives, each in its own worker, for a number of rounds; writes results.json (a
 * micro section, no cells) with summary.md, report.html and junit.xml, prints ns/op and the claims table, and judges
 * the absolute micro.nsPerOp limits of --budgets (exit 1 when one fails).
 */
export async function microCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      suite: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      out: { type: 'string' },
      budgets: { type: 'string' },
      strict: { type: 'boolean', default: false },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`micro takes no arguments (got '${positionals.join(' ')}'); use --suite NAME`);
  const rounds = integerFlag('rounds', values.rounds, 1) ?? DEFAULT_MICRO_ROUNDS;
  const budgets = values.budgets ? await loadBudgetsFile(values.budgets) : [];
  // Test-only, read here at the edge: slows one primitive so a compare can be shown to catch it.
  const slow = process.env.TRACEBENCH_TEST_SLOW_PRIMITIVE;
  const interrupt = interruptible();
  try {
    const micro = await runMicro({
      suites: values.suite,
      profile: values.quick ? 'quick' : 'default',
      rounds,
      signal: interrupt.signal,
      ...(slow ? { slowPrimitive: parseSlowPrimitive(slow) } : {}),
    });
    const results = microResultsDocument(micro, newRunId(MICRO_ONLY_NAME, new Date(micro.startedAt)), budgets);
    // No `latest` link: it stays with the last `tracebench run`, which a micro run must not hide.
    const store = new ResultsStore(resolve(values.out ?? 'reports', results.runId));
    store.writeResults(results);
    const judged = judgeRun(results, { threshold: DEFAULT_THRESHOLD });
    const files = viewFilesIn(store.dir);
    writeViews(files, results, judged);
    appendStepSummary(files.summaryMd);
    const { pass, fail, inconclusive } = judged.verdicts.counts;
    const checks =
      pass + fail + inconclusive > 0 ? [`checks: ${fail} fail, ${inconclusive} inconclusive, ${pass} pass`] : [];
    process.stdout.write(
      `${[
        ...table(micro),
        '',
        ...checks,
        `results: ${store.jsonPath}`,
        `report:  ${files.reportHtml}`,
        `summary: ${files.summaryMd}`,
      ].join('\n')}\n`,
    );
    if (micro.status === 'interrupted') return EXIT.interrupted;
    return gateFails(judged.verdicts, { strict: values.strict }) ? EXIT.checkFailed : EXIT.ok;
  } finally {
    interrupt.dispose();
  }
}
