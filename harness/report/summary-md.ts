import { describePlacement } from '../target/placement.js';
import { formatInterval, formatValue } from '../budget/format.js';
import { metricLabel, resolutionSentence } from '../budget/judge.js';
import type { Check, Verdicts } from '../budget/types.js';
import { uninstrumentedWarning } from '../results/summary.js';
import type { Results } from '../results/types.js';
import { UNKNOWN_SPANS_NOTE } from '../results/span-counts.js';
import type { Analysis, CellAnalysis } from '../stats/types.js';
import { studyRun, type RunStudies } from './studies.js';
import { outageTable } from './outage.js';
import { resolutionChecks } from './resolution.js';
import { profileMd } from './summary-profile.js';
import { samplingMd } from './summary-sampling.js';
import { attributionLinesMd, attributionMd, claimsMd, microTasksMd } from './summary-micro.js';
import { windowsMd, windowsWarningLines } from './summary-windows.js';

/** GitHub takes at most 1 MiB per step summary; stop well before, leaving room for what follows a truncated table. */
export const SUMMARY_MAX_BYTES = 900_000;
const RESERVE_BYTES = 4_000;
/** Longest text taken from a config or a message into one table cell. */
const MAX_CELL_CHARS = 400;

/** Text from configs, names and messages, safe in a table cell: no markup, no HTML, no line breaks, bounded. */
export function escapeMarkdown(text: string): string {
  const clipped = text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text;
  return clipped
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/** Cell ids read best as code; anything that could break out of a code span is escaped text instead. */
function code(text: string): string {
  return /^[\w.~@-]{1,200}$/.test(text) ? `\`${text}\`` : escapeMarkdown(text);
}

const cellName = (cellId: string, variant?: string) => code(variant === undefined ? cellId : `${cellId}@${variant}`);

/** Appends lines until the byte budget is spent; a table that does not fit ends with a note saying what was left out. */
class Writer {
  private readonly lines: string[] = [];
  private bytes = 0;
  truncated = false;

  constructor(private readonly maxBytes: number) {}

  /** Adds a line if it fits before the reserve; false once the budget is spent. */
  add(line: string): boolean {
    const size = Buffer.byteLength(line, 'utf8') + 1;
    if (this.bytes + size > this.maxBytes - RESERVE_BYTES) {
      this.truncated = true;
      return false;
    }
    this.lines.push(line);
    this.bytes += size;
    return true;
  }

  /** Always added: closing tags and truncation notes, paid from the reserve. */
  force(line: string): void {
    this.lines.push(line);
    this.bytes += Buffer.byteLength(line, 'utf8') + 1;
  }

  table(header: string[], rows: string[][]): void {
    if (!this.add(`| ${header.join(' | ')} |`) || !this.add(`|${header.map(() => ' --- ').join('|')}|`)) return;
    for (let i = 0; i < rows.length; i++) {
      if (!this.add(`| ${rows[i].join(' | ')} |`)) {
        this.force('');
        this.force(
          `_${(rows.length - i).toLocaleString('en-US')} more rows not shown: this summary is capped at ${Math.round(this.maxBytes / 1000)} KB (GitHub's step summary takes at most 1 MiB). Every check is in junit.xml and results.json._`,
        );
        return;
      }
    }
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** `run interrupted after 4 of 9 trials`, `run failed`, or nothing for a complete run. */
export function runStatusText(results: Results): string {
  if (results.status === 'complete') return '';
  const cut = results.interrupted;
  if (results.status === 'interrupted' && cut)
    return `run interrupted after ${cut.trialsFinished} of ${cut.trialsPlanned} trials${cut.rebuiltFrom ? `, rebuilt from ${cut.rebuiltFrom}` : ''}`;
  return `run ${results.status}`;
}

function headline(results: Results, verdicts: Verdicts): string {
  const { pass, fail, inconclusive, error } = verdicts.counts;
  const total = pass + fail + inconclusive + error;
  const run = results.status === 'complete' ? '' : ` (${runStatusText(results)})`;
  const name = escapeMarkdown(results.config?.name ?? results.runId);
  if (total === 0) return `## ℹ️ tracebench ${name}: no checks${run}: no budgets or comparisons were given`;
  const counts = `${error > 0 ? `${error} error · ` : ''}${fail} failed · ${inconclusive} inconclusive · ${pass} passed`;
  if (error > 0)
    return `## 🛑 tracebench ${name}: nothing valid to judge in ${error === 1 ? '1 check' : `${error} checks`}: ${counts}${run}`;
  if (fail > 0) return `## ❌ tracebench ${name}: ${counts}${run}`;
  if (inconclusive > 0) return `## ⚠️ tracebench ${name}: no failures, ${counts}${run}`;
  return `## ✅ tracebench ${name}: all ${pass} checks pass${run}`;
}

const KIND: Record<Check['kind'], string> = { budget: 'budget', regression: 'regression', ab: 'A/B', cell: 'cell' };

function checkRow(c: Check, last: string): string[] {
  const measured = !Number.isFinite(c.measured.estimate)
    ? 'not measured'
    : c.judgedOn === 'rounds'
      ? `worst round ${formatValue(c.measured.estimate, c.measured.unit)}`
      : formatValue(c.measured.estimate, c.measured.unit, c.of === 'change');
  const interval =
    c.judgedOn !== 'rounds'
      ? formatInterval(c)
      : c.measured.low === c.measured.high
        ? `every round ${formatValue(c.measured.high, c.measured.unit)}`
        : `rounds from ${formatInterval({ ...c, of: 'value' })}`;
  return [
    cellName(c.cellId, c.variant),
    escapeMarkdown(metricLabel(c.metric)),
    KIND[c.kind],
    escapeMarkdown(measured),
    escapeMarkdown(interval),
    escapeMarkdown(c.limit.text),
    last,
  ];
}

function overheadCell(cell: CellAnalysis): string {
  const rel = cell.metrics.cpuUsPerRequest?.overhead?.relative;
  if (!rel) return cell.cellId === cell.referenceCellId && cell.variant === cell.referenceVariant ? 'reference' : '–';
  const pct = (x: number) => formatValue(x * 100, '%', true);
  return escapeMarkdown(`${pct(rel.estimate)} (${pct(rel.ci.low)} to ${pct(rel.ci.high)})`);
}

function trialsCell(results: Results, cell: CellAnalysis): string {
  const trials = results.cells
    .filter((c) => c.id === cell.cellId)
    .flatMap((c) => c.trials.filter((t) => (t.variant ?? (c as { variant?: string }).variant) === cell.variant));
  return `${trials.filter((t) => t.status === 'ok').length}/${trials.length}`;
}

function cellRows(results: Results, analysis: Analysis): string[][] {
  return analysis.cells.map((cell) => {
    const cpu = cell.metrics.cpuUsPerRequest;
    const p99 = cell.metrics['latencyUs.p99'];
    const dropped = cell.metrics['spans.dropped'];
    // A round with unknown drops makes the worst round unknown: shown as –, never 0.
    const worstDropped =
      dropped?.values.length && !dropped.unknownRounds ? Math.max(...dropped.values.map((v) => v.value)) : Number.NaN;
    return [
      cellName(cell.cellId, cell.variant),
      trialsCell(results, cell),
      cpu ? escapeMarkdown(formatValue(cpu.median, 'µs')) : '–',
      overheadCell(cell),
      p99 ? escapeMarkdown(formatValue(p99.median, 'µs')) : '–',
      Number.isFinite(worstDropped) ? String(worstDropped) : '–',
    ];
  });
}

/**
 * The GitHub step summary: the verdict in one line, failures first (value, interval, limit), then inconclusive checks
 * with the rounds that would settle them, the passes and a per-cell table folded away. Capped at SUMMARY_MAX_BYTES.
 */
export function renderSummaryMarkdown(
  results: Results,
  verdicts: Verdicts,
  analysis: Analysis,
  maxBytes = SUMMARY_MAX_BYTES,
  studies: RunStudies = studyRun(results, analysis),
): string {
  const w = new Writer(maxBytes);
  const env = results.environment;
  const errors = verdicts.checks.filter((c) => c.verdict === 'error');
  const failed = verdicts.checks.filter((c) => c.verdict === 'fail');
  const inconclusive = verdicts.checks.filter((c) => c.verdict === 'inconclusive');
  const passed = verdicts.checks.filter((c) => c.verdict === 'pass');
  const rounds = Math.max(0, ...analysis.cells.map((c) => c.rounds));
  const CHECK_HEADER = ['cell', 'metric', 'check', 'measured', `${Math.round(analysis.level * 100)}% CI`, 'limit'];

  const micro = results.micro;
  const microOnly = results.cells.length === 0 && micro !== undefined;
  const windows = results.windows;
  const what = microOnly
    ? `micro run ${results.runId} · ${micro.suiteNames.length} suite${micro.suiteNames.length === 1 ? '' : 's'} × ${micro.rounds} round${micro.rounds === 1 ? '' : 's'} (${micro.profile} profile)`
    : windows
      ? `windows run ${results.runId} · ${windows.length} comparison${windows.length === 1 ? '' : 's'}`
      : `run ${results.runId} · ${rounds} rounds`;
  const intervals = windows ? 'window pairs nested in process sets' : "Student's t over rounds";
  w.add(headline(results, verdicts));
  w.add('');
  // The why first: a cell with nothing valid to judge explains every error check below it.
  if (errors.length > 0) {
    // A cell's own error explains the checks on it and against it; without one (compare), each error says its reason.
    const cells = errors.filter((c) => c.kind === 'cell');
    const reasons = [
      ...new Set(
        (cells.length > 0 ? cells : errors).map(
          (c) => `${cellName(c.cellId, c.variant)}: ${escapeMarkdown(c.message)}`,
        ),
      ),
    ];
    for (const reason of reasons) if (!w.add(`- 🛑 ${reason}`)) break;
    w.add('');
  }
  w.add(
    escapeMarkdown(
      `${what} · ${env?.cpuModel ?? '?'}, ${env?.cores ?? '?'} cores, Node.js ${env?.node ?? '?'}${env?.placement ? ` · ${describePlacement(env.placement)}` : ''} · ${Math.round(analysis.level * 100)}% intervals (${intervals})`,
    ),
  );
  w.add('');

  if (errors.length > 0) {
    w.add(`### 🛑 Error (${errors.length}): nothing valid was measured to judge`);
    w.add('');
    w.add(
      'Every trial of these cells (or of the reference they are compared with) was invalid or crashed, so no figure could be judged; the run exits 3. Fix the cause above and rerun.',
    );
    w.add('');
    w.table(
      [...CHECK_HEADER, 'why'],
      errors.map((c) => checkRow(c, escapeMarkdown(c.message))),
    );
    w.add('');
  }
  const uninstrumented = results.cells.flatMap((c) => {
    const warning = uninstrumentedWarning(c);
    return warning ? [`${cellName(c.id, c.variant)}: ${escapeMarkdown(warning)}`] : [];
  });
  if (uninstrumented.length > 0) {
    w.add(
      `### ⚠️ No spans in ${uninstrumented.length === 1 ? 'a traced cell' : `${uninstrumented.length} traced cells`}`,
    );
    w.add('');
    for (const line of uninstrumented) if (!w.add(`- ${line}`)) break;
    w.add('');
  }
  if (failed.length > 0) {
    w.add(`### ❌ Failed (${failed.length})`);
    w.add('');
    w.table(
      [...CHECK_HEADER, 'why'],
      failed.map((c) => checkRow(c, escapeMarkdown(c.message))),
    );
    w.add('');
  }
  if (inconclusive.length > 0) {
    w.add(`### ⚠️ Inconclusive (${inconclusive.length}): ${windows ? 'measure longer' : 'add rounds'} to settle`);
    w.add('');
    w.add(
      windows
        ? 'The interval straddles the limit: the run cannot tell. Inconclusive checks do not fail the job unless `--strict` is given; rerun with a longer `method.maxMinutes` (or `--until-decided --max-minutes N`) to settle them.'
        : 'The interval straddles the limit: the run cannot tell. Inconclusive checks do not fail the job unless `--strict` is given; rerun with the rounds shown (in all) to settle them.',
    );
    w.add('');
    w.table(
      [...CHECK_HEADER, 'rounds to settle'],
      inconclusive.map((c) => checkRow(c, c.roundsToSettle !== undefined ? String(c.roundsToSettle) : '–')),
    );
    w.add('');
  }
  if (windows && windows.length > 0 && w.add('### Same-run A/B (windows method)')) {
    w.add('');
    w.add(
      'Both sides’ services run as live process sets, warmed once until steady, and are measured in paired windows over the same seconds. The interval is the sequential one when the run could stop as soon as it was decided (until decided), else the nested one (windows in process sets); “could detect” is the smallest change the nested interval would find (95% confidence, 80% power).',
    );
    w.add('');
    const table = windowsMd(windows, escapeMarkdown, code);
    w.table(table.header, table.rows);
    w.add('');
    for (const line of windowsWarningLines(windows, escapeMarkdown)) if (!w.add(`- ⚠️ ${line}`)) break;
    w.add('');
  }
  const resolved = resolutionChecks(verdicts);
  if (resolved.length > 0) {
    w.add('### Resolution: the smallest change each comparison could detect');
    w.add('');
    w.add(
      "From each check's own interval: a real change this size or larger would be detected in 80% of runs like this one.",
    );
    w.add('');
    for (const c of resolved)
      if (!w.add(`- ${cellName(c.cellId, c.variant)} (${KIND[c.kind]}): ${escapeMarkdown(resolutionSentence(c))}`))
        break;
    w.add('');
  }
  if (verdicts.notes.length > 0) {
    w.add('### Notes');
    w.add('');
    for (const note of verdicts.notes) if (!w.add(`- ${escapeMarkdown(note)}`)) break;
    w.add('');
  }
  if (passed.length > 0 && w.add(`<details><summary>✅ Passed (${passed.length})</summary>`)) {
    w.add('');
    w.table(
      CHECK_HEADER,
      passed.map((c) => checkRow(c, '')).map((r) => r.slice(0, -1)),
    );
    w.force('');
    w.force('</details>');
    w.force('');
  }
  const { sampling } = studies;
  if (sampling && w.add('### Sampling: error traces kept against cost')) {
    w.add('');
    const table = samplingMd(sampling, escapeMarkdown);
    w.table(table.header, table.rows);
    w.add('');
    for (const line of table.lines) if (!w.add(`- ${line}`)) break;
    w.add('');
  }
  const outage = studies.outage;
  const outageFigures = outage ? outageTable(outage) : undefined;
  if (outageFigures && w.add(`### ${escapeMarkdown(outageFigures.title)}`)) {
    w.add('');
    w.table(
      outageFigures.header,
      outageFigures.rows.map(([cell, ...rest]) => [code(cell), ...rest]),
    );
    w.add('');
    w.add(
      'Medians over rounds. Growth is the Theil–Sen slope of the per-second samples over the whole window; p99 is corrected latency of the requests sent before and during the outage; recovery is from the outage’s end to the first export the backend accepted (the baseline sends none).',
    );
    w.add('');
  }
  const attribution = studies.attribution?.model;
  if (attribution && w.add('### Attribution: CPU per request each layer adds')) {
    w.add('');
    const table = attributionMd(attribution, escapeMarkdown);
    w.table(table.header, table.rows);
    w.add('');
    const profile = profileMd(attribution);
    if (
      profile &&
      w.add('Where each increment goes, by the profiled windows (µs per request over the layer beneath):')
    ) {
      w.add('');
      w.table(
        profile.header.map(escapeMarkdown),
        profile.rows.map((r) => r.map(escapeMarkdown)),
      );
      w.add('');
    }
    for (const line of attributionLinesMd(attribution)) if (!w.add(`- ${escapeMarkdown(line)}`)) break;
    if (attribution.microTasks.length > 0)
      w.add(`- ${escapeMarkdown(`prediction built from the micro tasks ${attribution.microTasks.join(', ')}.`)}`);
    w.add('');
  }
  if (micro && w.add('### Micro-benchmarks: published claims vs measured here')) {
    w.add('');
    const claims = claimsMd(micro, escapeMarkdown);
    w.table(claims.header, claims.rows);
    w.add('');
    if (
      w.add(
        `<details><summary>Micro-benchmark tasks (${micro.tasks.length}): timer-corrected ns per operation, medians over rounds</summary>`,
      )
    ) {
      w.add('');
      const tasks = microTasksMd(micro);
      w.table(tasks.header, tasks.rows);
      w.force('');
      w.force('</details>');
      w.force('');
    }
  }
  if (
    results.cells.length > 0 &&
    !windows &&
    w.add('<details><summary>Cells: CPU per request, overhead, p99 latency, dropped spans</summary>')
  ) {
    w.add('');
    const reference =
      analysis.referenceVariant !== undefined
        ? `the same cell of ${analysis.referenceVariant}`
        : (analysis.cells[0]?.referenceCellId ?? 'baseline');
    w.add(
      escapeMarkdown(
        `Medians over rounds; CPU overhead against ${reference}, paired by round, with its ${Math.round(analysis.level * 100)}% interval.`,
      ),
    );
    w.add('');
    w.table(
      ['cell', 'ok trials', 'CPU µs/req', 'CPU overhead (CI)', 'p99 latency', 'dropped (worst round)'],
      cellRows(results, analysis),
    );
    if (analysis.cells.some((c) => c.metrics['spans.dropped']?.unknownRounds))
      w.add(`\n${escapeMarkdown(UNKNOWN_SPANS_NOTE)}`);
    w.force('');
    w.force('</details>');
  }
  if (results.notes?.length > 0 && w.add('')) {
    if (w.add(`<details><summary>Run notes (${results.notes.length})</summary>`)) {
      w.add('');
      for (const note of results.notes) if (!w.add(`- ${escapeMarkdown(note)}`)) break;
      w.force('');
      w.force('</details>');
    }
  }
  if (w.truncated) {
    w.force('');
    w.force(
      `_This summary was cut at ${Math.round(maxBytes / 1000)} KB; the full verdicts are in junit.xml and results.json._`,
    );
  }
  return w.text();
}
