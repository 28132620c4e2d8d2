import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVariants } from '../budget/compare.js';
import { cellErrorChecks, noValidReasons } from '../budget/cell-errors.js';
import { evaluateBudgets } from '../budget/evaluate.js';
import { mergeVerdicts } from '../budget/judge.js';
import { evaluateMicroBudgets } from '../budget/micro.js';
import { evaluateCoverageBudgets } from '../budget/coverage.js';
import type { Verdicts } from '../budget/types.js';
import { crossMachineNote } from '../measure/machines.js';
import type { Results } from '../measure/types.js';
import { analyse } from '../stats/analyse.js';
import type { Analysis } from '../stats/types.js';
import { writeHtmlReport } from './html/render.js';
import { renderJUnit } from './junit.js';
import { renderSummaryMarkdown } from './summary-md.js';

export interface Judged {
  analysis: Analysis;
  verdicts: Verdicts;
}

/**
 * The verdict stage: cells with no valid trial (error), analysis of results.json, its budgets (the config's, with any --budgets file merged in before the
 * run, so results.json holds all of them; micro.nsPerOp limits on its micro section) and, with variants, the A/B checks.
 */
export function judgeRun(results: Results, options: { threshold: number }): Judged {
  const analysis = analyse(results, { seed: results.seed });
  const budgets = results.config.budgets ?? [];
  const sets = [
    cellErrorChecks(results),
    evaluateBudgets(analysis, results, budgets),
    evaluateMicroBudgets(results.micro, budgets, analysis.level),
    evaluateCoverageBudgets(results, budgets),
  ];
  if ((results.config.variants?.length ?? 0) > 1)
    sets.push(compareVariants(analysis, { threshold: options.threshold, noValid: noValidReasons(results) }));
  const verdicts = mergeVerdicts(...sets);
  const cross = crossMachineNote(results);
  if (cross) verdicts.notes.push(cross);
  return { analysis, verdicts };
}

export interface ViewFiles {
  summaryMd: string;
  junitXml: string;
  reportHtml: string;
}

export function viewFilesIn(dir: string): ViewFiles {
  return { summaryMd: join(dir, 'summary.md'), junitXml: join(dir, 'junit.xml'), reportHtml: join(dir, 'report.html') };
}

/** Every view is rebuilt from results.json alone (its config holds the budgets), so `tracebench report` gives the same files. */
export function writeViews(files: Partial<ViewFiles>, results: Results, judged: Judged): void {
  if (files.summaryMd) writeFileSync(files.summaryMd, renderSummaryMarkdown(results, judged.verdicts, judged.analysis));
  if (files.junitXml) writeFileSync(files.junitXml, renderJUnit(judged.verdicts));
  if (files.reportHtml)
    writeHtmlReport(files.reportHtml, { results, analysis: judged.analysis, verdicts: judged.verdicts });
}
