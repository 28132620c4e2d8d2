import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { judgeRun } from '../../harness/budget/judge-run.js';
import { renderHtmlReport } from '../../harness/report/html/render.js';
import { studyRun } from '../../harness/report/studies.js';
import { renderSummaryMarkdown, SUMMARY_MAX_BYTES } from '../../harness/report/summary-md.js';
import { viewFilesIn, writeViews } from '../../harness/report/views.js';
import { studyResults } from './fixtures/sampling-fixtures.js';

describe('run studies: drawn once, rendered by every view', () => {
  const results = studyResults();
  const judged = judgeRun(results, { threshold: 0.05 });

  it('the sampling study is drawn from results with coverage', () => {
    assert.ok(studyRun(results, judged.analysis).sampling, 'the fixture compares samplers');
  });

  it('the views render the studies they are handed and draw none themselves', () => {
    const none = { sampling: null, attribution: null, outage: null };
    const md = renderSummaryMarkdown(results, judged.verdicts, judged.analysis, SUMMARY_MAX_BYTES, none);
    assert.doesNotMatch(md, /### Sampling/);
    const page = renderHtmlReport({ results, ...judged, studies: none });
    assert.doesNotMatch(page, /id="section-sampling"/);
    const full = renderHtmlReport({ results, ...judged, studies: studyRun(results, judged.analysis) });
    assert.match(full, /id="section-sampling"/);
  });

  it('writeViews gives summary.md and report.html the same study', () => {
    const dir = mkdtempSync(join(os.tmpdir(), 'tb-studies-'));
    try {
      const files = viewFilesIn(dir);
      writeViews(files, results, judged);
      assert.match(readFileSync(files.summaryMd, 'utf8'), /### Sampling: error traces kept against cost/);
      assert.match(readFileSync(files.reportHtml, 'utf8'), /id="section-sampling"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
