import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Judged } from '../budget/judge-run.js';
import type { Results } from '../results/types.js';
import { writeHtmlReport } from './html/render.js';
import { renderJUnit } from './junit.js';
import { studyRun } from './studies.js';
import { renderSummaryMarkdown, SUMMARY_MAX_BYTES } from './summary-md.js';

export { judgeRun, type Judged } from '../budget/judge-run.js';

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
  const studies = studyRun(results, judged.analysis);
  const { analysis, verdicts } = judged;
  if (files.summaryMd)
    writeFileSync(files.summaryMd, renderSummaryMarkdown(results, verdicts, analysis, SUMMARY_MAX_BYTES, studies));
  if (files.junitXml) writeFileSync(files.junitXml, renderJUnit(verdicts));
  if (files.reportHtml) writeHtmlReport(files.reportHtml, { results, analysis, verdicts, studies });
}
