import { formatMeasured } from '../budget/format.js';
import { metricLabel, resolutionSentence } from '../budget/judge.js';
import type { Check, Verdicts } from '../budget/types.js';

/** Characters XML 1.0 cannot carry at all (controls other than tab, newline, return; lone surrogates; U+FFFE/FFFF). */
const NOT_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text or attribute value, escaped; newlines and tabs kept as character references so attributes keep them. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

const SUITES: { kind: Check['kind']; name: string }[] = [
  { kind: 'cell', name: 'cells' },
  { kind: 'budget', name: 'budgets' },
  { kind: 'regression', name: 'regressions' },
  { kind: 'ab', name: 'same-run A/B' },
];

/** `CPU µs/request (cpuUsPerRequest) @ always_on~batch~otlp-http-protobuf@head`. */
function caseName(c: Check): string {
  const windows = c.method === 'windows' ? ' (windows method)' : '';
  return `${metricLabel(c.metric)} (${c.metric}) @ ${c.cellId}${c.variant !== undefined ? `@${c.variant}` : ''}${windows}`;
}

/** `measured +14.2% (95% CI +11% to +17.5%), limit +10%`: what a CI log line shows first. */
function failureMessage(c: Check): string {
  return `measured ${formatMeasured(c)}, limit ${c.limit.text}`;
}

/** A windows comparison's case says what the run could detect, whatever its verdict, and how it was measured. */
function windowsTestcase(c: Check, open: string): string {
  const resolution = `resolution: ${resolutionSentence(c)}`;
  if (c.verdict === 'pass')
    return `${open}>\n      <system-out>${escapeXml(`${c.message}\n${resolution}`)}</system-out>\n    </testcase>`;
  if (c.verdict === 'fail')
    return `${open}>\n      <failure message="${escapeXml(failureMessage(c))}" type="${c.kind}">${escapeXml(`${c.message}\n${resolution}\ncheck: ${c.id}`)}</failure>\n    </testcase>`;
  return `${open}>\n      <skipped message="${escapeXml(`inconclusive: ${c.message} ${resolution}`)}" />\n    </testcase>`;
}

function testcase(c: Check): string {
  const open = `    <testcase classname="tracebench.${c.kind}" name="${escapeXml(caseName(c))}" time="0"`;
  if (c.method === 'windows') return windowsTestcase(c, open);
  if (c.verdict === 'pass') return `${open} />`;
  if (c.verdict === 'error') {
    return `${open}>\n      <error message="${escapeXml(c.message)}" type="no-valid-trial">${escapeXml(`${c.message}\ncheck: ${c.id}`)}</error>\n    </testcase>`;
  }
  if (c.verdict === 'fail') {
    return `${open}>\n      <failure message="${escapeXml(failureMessage(c))}" type="${escapeXml(c.kind)}">${escapeXml(`${c.message}\ncheck: ${c.id}`)}</failure>\n    </testcase>`;
  }
  const advice =
    c.roundsToSettle !== undefined ? `; about ${c.roundsToSettle} rounds in all would likely settle it` : '';
  // Without a value, the reason (e.g. an unknown span counter) is the only thing worth reading.
  const why = Number.isFinite(c.measured.estimate) ? '' : ` (${c.message})`;
  return `${open}>\n      <skipped message="${escapeXml(`inconclusive: ${failureMessage(c)}${why}${advice}`)}" />\n    </testcase>`;
}

const RANK: Record<Check['verdict'], number> = { error: 0, fail: 1, inconclusive: 2, pass: 3 };

/**
 * JUnit XML for CI test reporters: one testsuite per kind of check (cells with no valid trial first), one testcase per
 * check, errors then failures first; `error` (nothing valid to judge) is an `<error>` with the reason; `fail` is a
 * `<failure>` whose message gives the measured value, interval and limit; `inconclusive` is `<skipped>`. Notes go to
 * each suite's system-out.
 */
export function renderJUnit(verdicts: Verdicts): string {
  const suites = SUITES.map(({ kind, name }) => ({
    name,
    checks: verdicts.checks.filter((c) => c.kind === kind).sort((a, b) => RANK[a.verdict] - RANK[b.verdict]),
  })).filter((s) => s.checks.length > 0);
  const notes =
    verdicts.notes.length > 0 ? `    <system-out>${escapeXml(verdicts.notes.join('\n'))}</system-out>\n` : '';
  const count = (checks: Check[], verdict: Check['verdict']) => checks.filter((c) => c.verdict === verdict).length;
  const body = suites.map(
    (s) =>
      `  <testsuite name="tracebench ${escapeXml(s.name)}" tests="${s.checks.length}" failures="${count(s.checks, 'fail')}" errors="${count(s.checks, 'error')}" skipped="${count(s.checks, 'inconclusive')}" time="0">\n` +
      `${s.checks.map(testcase).join('\n')}\n${notes}  </testsuite>`,
  );
  const { pass, fail, inconclusive, error } = verdicts.counts;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="tracebench" tests="${pass + fail + inconclusive + error}" failures="${fail}" errors="${error}" skipped="${inconclusive}" time="0">\n` +
    `${body.length ? `${body.join('\n')}\n` : ''}</testsuites>\n`
  );
}
