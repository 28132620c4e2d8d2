import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gateFails } from '../../budget/judge.js';
import { loadBudgetsFile } from '../../budget/load.js';
import { microResultsDocument, MICRO_ONLY_NAME } from '../../micro/document.js';
import {
  parseSlowPrimitive,
  runMicro,
  taskId,
  type MicroResults,
  type MicroTaskSummary,
  type MicroVariant,
} from '../../micro/index.js';
import { parseVariantFlag, variantsFromConfig } from '../../micro/variants.js';
import { loadConfigFile } from '../../config/load.js';
import { formatMeasured } from '../../budget/format.js';
import { DEFAULT_MICRO_THRESHOLD } from '../../budget/micro-compare.js';
import type { Check } from '../../budget/types.js';
import { resolutionLines } from '../../report/resolution.js';
import { judgeRun } from '../../budget/judge-run.js';
import { viewFilesIn, writeViews } from '../../report/views.js';
import { newRunId, ResultsStore } from '../../run/store.js';
import { EXIT, UsageError } from '../errors.js';
import { integerFlag, percentFlag } from '../flags.js';
import { DEFAULT_THRESHOLD, appendStepSummary, interruptible } from './run.js';

/** Three fresh isolates per suite: the fewest that give compare an interval over rounds (see budget/micro-compare.ts). */
export const DEFAULT_MICRO_ROUNDS = 3;

const ns = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} µs` : `${x.toFixed(1)} ns`);

/** Micro A/B: each task's median ns/op on both sides and the judged change, worst verdict first. */
function abTable(results: MicroResults, checks: readonly Check[]): string[] {
  const [base, head] = results.variants ?? [];
  if (!base || !head) return [];
  const p50 = (tasks: MicroTaskSummary[], id: string) => tasks.find((t) => taskId(t) === id)?.nsPerOp.p50;
  const rank = { error: 0, fail: 1, inconclusive: 2, pass: 3 };
  const ab = checks.filter((c) => c.kind === 'ab').sort((a, b) => rank[a.verdict] - rank[b.verdict]);
  const lines = [
    '',
    `A/B: ${head.name} against ${base.name} (median ns/op, change with its ${Math.round((ab[0]?.measured.level ?? 0.95) * 100)}% interval over rounds)`,
    `${'task'.padEnd(34)} ${base.name.slice(0, 10).padStart(10)} ${head.name.slice(0, 10).padStart(10)}  ${'change (CI)'.padEnd(36)} verdict`,
  ];
  for (const c of ab) {
    const [b, h] = [p50(base.tasks, c.cellId), p50(head.tasks, c.cellId)];
    lines.push(
      `${c.cellId.padEnd(34)} ${(b === undefined ? '–' : ns(b)).padStart(10)} ${(h === undefined ? '–' : ns(h)).padStart(10)}  ${formatMeasured(c).padEnd(36)} ${c.verdict}`,
    );
  }
  return lines;
}

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
 * the absolute micro.nsPerOp limits of --budgets (exit 1 when one fails). With two `--variant NAME=DIR`, every suite
 * runs against each variant's `@opentelemetry/*` packages, interleaved, and each task's change is judged (A/B); with
 * `--config FILE`, the config's variants are the two sides, each with the packages its entry resolves.
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
      variant: { type: 'string', multiple: true },
      config: { type: 'string' },
      threshold: { type: 'string' },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`micro takes no arguments (got '${positionals.join(' ')}'); use --suite NAME`);
  const rounds = integerFlag('rounds', values.rounds, 1) ?? DEFAULT_MICRO_ROUNDS;
  const budgets = values.budgets ? await loadBudgetsFile(values.budgets) : [];
  if (values.config && values.variant)
    throw new UsageError('--config and --variant both name the variants: give one or the other');
  const parsed = values.config
    ? variantsFromConfig((await loadConfigFile(values.config)).variants ?? [], values.config)
    : (values.variant ?? []).map(parseVariantFlag);
  if (values.config && parsed.length === 0)
    throw new UsageError(
      `--config ${values.config}: the config lists no variants; a micro A/B needs two (or give --variant NAME=DIR twice)`,
    );
  const bad = parsed.filter((v): v is string => typeof v === 'string');
  const variants = parsed.filter((v): v is MicroVariant => typeof v !== 'string');
  if (bad.length > 0) throw new UsageError(bad.join('; '));
  if (variants.length === 1)
    throw new UsageError('--variant: a micro A/B needs two, e.g. --variant base=DIR --variant head=DIR');
  const microThreshold = percentFlag('threshold', values.threshold, DEFAULT_MICRO_THRESHOLD);
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
      ...(variants.length > 0 ? { variants } : {}),
    });
    const results = microResultsDocument(micro, newRunId(MICRO_ONLY_NAME, new Date(micro.startedAt)), budgets);
    // No `latest` link: it stays with the last `tracebench run`, which a micro run must not hide.
    const store = new ResultsStore(resolve(values.out ?? 'reports', results.runId));
    store.writeResults(results);
    const judged = judgeRun(results, { threshold: DEFAULT_THRESHOLD, microThreshold });
    const files = viewFilesIn(store.dir);
    writeViews(files, results, judged);
    appendStepSummary(files.summaryMd);
    const { pass, fail, inconclusive } = judged.verdicts.counts;
    const checks =
      pass + fail + inconclusive > 0 ? [`checks: ${fail} fail, ${inconclusive} inconclusive, ${pass} pass`] : [];
    process.stdout.write(
      `${[
        ...table(micro),
        ...abTable(micro, judged.verdicts.checks),
        ...resolutionLines(judged.verdicts),
        ...judged.verdicts.notes.map((n) => `note: ${n}`),
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
