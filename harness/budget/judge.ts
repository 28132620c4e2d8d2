import { METRICS, isMetricName } from '../stats/metrics.js';
import { roundsToDetect } from '../stats/power.js';
import { resolutionOf, resolutionValue } from '../stats/resolution.js';
import type { Estimate, MetricName, Unit } from '../stats/types.js';
import { formatMeasured, formatValue } from './format.js';
import {
  COVERAGE_METRICS,
  MICRO_METRIC,
  type Check,
  type CheckResolution,
  type Verdict,
  type Verdicts,
} from './types.js';

/**
 * Three-valued judgement of an upper bound: pass when the whole interval is within the limit, fail when the whole
 * interval is beyond it, inconclusive when it straddles. `strict` (`<`) makes touching the limit count as beyond.
 */
export function judgeUpper(low: number, high: number, limit: number, strict: boolean): Verdict {
  if (strict ? high < limit : high <= limit) return 'pass';
  if (strict ? low >= limit : low > limit) return 'fail';
  return 'inconclusive';
}

/**
 * Total rounds that would likely (80% power) move the interval off the limit if the estimate holds: the spread the
 * interval came from, and the distance from the estimate to the limit, both on the interval's own scale (`toBasis` maps
 * the estimate's unit there: log1p for a relative change, log for a level, identity for a difference). Undefined when
 * rounds cannot settle it (the estimate sits on the limit) or the scale has no room for the limit (log of 0 or less).
 */
export function roundsToSettle(estimate: Estimate, limit: number, toBasis: (x: number) => number): number | undefined {
  const centre = toBasis(estimate.estimate);
  const edge = toBasis(limit);
  if (!Number.isFinite(edge) || !Number.isFinite(centre)) return undefined;
  const rounds = roundsToDetect(estimate.basis.sd, Math.abs(centre - edge));
  if (!Number.isFinite(rounds)) return undefined;
  return Math.max(rounds, Math.floor(estimate.basis.n) + 1);
}

/**
 * The check's resolution (95% confidence, 80% power) from its own interval: `%` when the interval was drawn on logs,
 * else the check's unit (`scale` maps the estimate there). Null when it cannot be known.
 */
export function checkResolution(
  estimate: Estimate,
  unit: Unit | '%',
  scale: number,
  toBasis: (x: number) => number,
): CheckResolution | null {
  const resolution = resolutionOf(estimate, 0.95, { toBasis });
  if (!resolution) return null;
  const log = resolution.scale === 'log';
  return {
    value: log ? resolutionValue(resolution) : resolution.change * scale,
    unit: log ? '%' : unit,
    level: resolution.level,
    power: resolution.power,
  };
}

export function tally(checks: readonly Check[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, inconclusive: 0, error: 0 };
  for (const c of checks) counts[c.verdict]++;
  return counts;
}

export function verdictsOf(checks: Check[], notes: string[]): Verdicts {
  return { checks, counts: tally(checks), notes };
}

/** Budget, regression and A/B verdicts of one run as one set, for one summary, one junit.xml and one exit code. */
export function mergeVerdicts(...sets: Verdicts[]): Verdicts {
  return verdictsOf(
    sets.flatMap((v) => v.checks),
    [...new Set(sets.flatMap((v) => v.notes))],
  );
}

/** True when a check could not be judged because nothing valid was measured: the run failed (exit 3), whatever else passed. */
export function gateErrors(verdicts: Verdicts): boolean {
  return verdicts.counts.error > 0;
}

/** True when the verdicts should fail the job (exit 1): any fail, or with `strict` any inconclusive too. */
export function gateFails(verdicts: Verdicts, options: { strict?: boolean } = {}): boolean {
  return verdicts.counts.fail > 0 || (options.strict === true && verdicts.counts.inconclusive > 0);
}

export const metricLabel = (metric: string) =>
  isMetricName(metric) ? METRICS[metric as MetricName].label : metric === MICRO_METRIC ? 'ns/op' : metric;

/** True for a check judged on an interval of rounds, whose resolution a view states (known or unknown). */
export const statesResolution = (check: Check) =>
  check.judgedOn === 'interval' &&
  check.kind !== 'cell' &&
  check.verdict !== 'error' &&
  !(COVERAGE_METRICS as readonly string[]).includes(check.metric);

/** `this run could detect changes of ±4.2% in CPU µs/request (95% confidence, 80% power)`, or that it is unknown. */
export function resolutionSentence(check: Pick<Check, 'metric' | 'resolution' | 'measured' | 'method'>): string {
  const what = metricLabel(check.metric);
  const r = check.resolution;
  const { low, high } = check.measured;
  if (!r && check.method === 'windows')
    return `this run's resolution in ${what} is unknown (too few valid window pairs per process set to draw it from)`;
  if (!r)
    return Number.isFinite(low) && low === high
      ? `this run's resolution in ${what} is unknown (every round gave the same value: no spread to draw it from)`
      : `this run's resolution in ${what} is unknown (fewer than 2 rounds: no interval to draw it from)`;
  return `this run could detect changes of ±${formatValue(r.value, r.unit)} in ${what} (${Math.round(r.level * 100)}% confidence, ${Math.round(r.power * 100)}% power)`;
}

/** What a check is about, in one breath: `CPU µs/request overhead`, `latency p99`. */
export interface Subject {
  id: string;
  kind: Check['kind'];
  cellId: string;
  variant?: string;
  metric: string;
  /** `overhead` (budget vs reference), `change` (head vs base), or nothing for the value itself. */
  noun: string;
}

interface LimitSpec {
  text: string;
  /** In the reported unit (percent points for `%`). */
  value: number;
  strict: boolean;
}

function base(subject: Subject) {
  return {
    id: subject.id,
    kind: subject.kind,
    cellId: subject.cellId,
    ...(subject.variant !== undefined ? { variant: subject.variant } : {}),
    metric: subject.metric,
  };
}

const phrase = (subject: Subject) => `${metricLabel(subject.metric)}${subject.noun ? ` ${subject.noun}` : ''}`;

/** The limit in words for each outcome: `within +10%` / `beyond +10%`, `below 5 ms` / `at or above 5 ms`, `at most 0 spans` / `above 0 spans`. */
function limitWords(limit: LimitSpec, unit: Unit | '%', of: Check['of']) {
  const value = formatValue(limit.value, unit, of === 'change');
  if (of === 'change') return { within: `within ${value}`, beyond: `beyond ${value}`, edge: value };
  return limit.strict
    ? { within: `below ${value}`, beyond: `at or above ${value}`, edge: `< ${value}` }
    : { within: `at most ${value}`, beyond: `above ${value}`, edge: `≤ ${value}` };
}

/**
 * A check decided by a confidence interval. `scale` maps the estimate to the reported unit (100 for a fraction to %);
 * `toBasis` maps the estimate's own unit to the scale its interval was drawn on (see roundsToSettle).
 */
export function intervalCheck(
  subject: Subject,
  estimate: Estimate,
  unit: Unit | '%',
  scale: number,
  of: Check['of'],
  limit: LimitSpec,
  toBasis: (x: number) => number,
): Check {
  const measured = {
    estimate: estimate.estimate * scale,
    low: estimate.ci.low * scale,
    high: estimate.ci.high * scale,
    unit,
    level: estimate.ci.level,
  };
  const verdict = judgeUpper(measured.low, measured.high, limit.value, limit.strict);
  const partial = {
    ...base(subject),
    verdict,
    measured,
    of,
    limit: { text: limit.text, value: limit.value },
    judgedOn: 'interval' as const,
    resolution: checkResolution(estimate, unit, scale, toBasis),
  };
  const what = `${phrase(subject)} ${formatMeasured(partial)}`;
  const bound = limitWords(limit, unit, of);
  if (verdict === 'pass') return { ...partial, message: `${what} is ${bound.within} over its whole interval.` };
  if (verdict === 'fail') return { ...partial, message: `${what} is ${bound.beyond} over its whole interval.` };
  const rounds = roundsToSettle(estimate, limit.value / scale, toBasis);
  const had = `this run had ${estimate.basis.n % 1 === 0 ? estimate.basis.n : `about ${Math.round(estimate.basis.n)}`}`;
  const advice =
    rounds !== undefined
      ? `add rounds: about ${rounds} in all would likely settle it (${had}).`
      : `the estimate sits on the limit, so more rounds alone will hardly settle it (${had}); reduce the noise or revisit the limit.`;
  return {
    ...partial,
    message: `${what} straddles ${bound.edge}: ${advice}`,
    ...(rounds !== undefined ? { roundsToSettle: rounds } : {}),
  };
}

/** A check decided on every round's value: counts, or a metric with no spread. */
export function roundsCheck(
  subject: Subject,
  values: readonly number[],
  unit: Unit,
  of: Check['of'],
  limit: LimitSpec,
): Check {
  const worst = Math.max(...values);
  const measured = { estimate: worst, low: Math.min(...values), high: worst, unit, level: 1 };
  const verdict: Verdict = (limit.strict ? worst < limit.value : worst <= limit.value) ? 'pass' : 'fail';
  const partial = {
    ...base(subject),
    verdict,
    measured,
    of,
    limit: { text: limit.text, value: limit.value },
    judgedOn: 'rounds' as const,
    resolution: null,
  };
  const bound = limitWords(limit, unit, of);
  const beyond = values.filter((v) => !(limit.strict ? v < limit.value : v <= limit.value)).length;
  const message =
    verdict === 'pass'
      ? `${phrase(subject)} is ${bound.within} in every one of ${values.length} rounds (worst ${formatValue(worst, unit)}).`
      : `${phrase(subject)} is ${bound.beyond} in ${beyond} of ${values.length} rounds (worst ${formatValue(worst, unit)}).`;
  return { ...partial, message };
}

/** A check that could not be measured: inconclusive, with the reason. */
export function unmeasuredCheck(
  subject: Subject,
  unit: Unit | '%',
  of: Check['of'],
  limit: { text: string; value: number },
  reason: string,
  rounds?: number,
): Check {
  return {
    ...base(subject),
    verdict: 'inconclusive',
    measured: { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, unit, level: Number.NaN },
    of,
    limit,
    judgedOn: 'interval',
    message: `${phrase(subject)}: ${reason}`,
    resolution: null,
    ...(rounds !== undefined ? { roundsToSettle: rounds } : {}),
  };
}

/** A check that cannot be judged because no valid trial was measured (here, or in the reference): error, with the reason. */
export function errorCheck(
  subject: Subject,
  unit: Unit | '%',
  of: Check['of'],
  limit: { text: string; value: number },
  reason: string,
): Check {
  return { ...unmeasuredCheck(subject, unit, of, limit, reason), verdict: 'error' };
}
