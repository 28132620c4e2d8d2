import type { Environment } from '../results/types.js';
import type { MicroSection, MicroTaskSummary } from '../micro/types.js';
import { unpairedDifference, unpairedRatio } from '../stats/interval.js';
import { machineDifferences, packageDifferences } from './compare.js';
import { intervalCheck, type Subject, unmeasuredCheck, verdictsOf } from './judge.js';
import { microLimits, microSubject, microTaskId, microWhereMatches } from './micro.js';
import { MICRO_METRIC, type Budget, type Check, type Limit, type Verdicts } from './types.js';

/**
 * Default bound on a task's ns/op change against the base when no budget names the task: +10%. Wider than the cells'
 * 5%: on this 2-core machine a primitive's median moved between fresh isolates by 2–20% (span/bare, busy: up to 3×),
 * and three rounds a side cannot draw an interval tighter than that; 48 A/A checks (quick, 3 rounds) gave no fail.
 */
export const DEFAULT_MICRO_THRESHOLD = 0.1;

export interface MicroSide {
  micro?: MicroSection;
  environment: Environment;
}

export interface MicroCompareOptions {
  /** Budgets whose micro.nsPerOp relative (`+10%`) or overhead (`+200ns`) limits replace the default for the tasks they match. */
  budgets?: readonly Budget[];
  /** @default DEFAULT_MICRO_THRESHOLD */
  threshold?: number;
  /** @default 0.95 */
  level?: number;
}

/** Each round's raw median ns/op, in µs: what a change is judged on. */
const rawUs = (t: MicroTaskSummary) => t.roundsRawNsPerOp.map((ns) => ns / 1000);

/**
 * Why rounds and not tinybench's samples: within one isolate thousands of samples give an interval of ±1%, but the
 * same task in a fresh isolate lands several percent (span/bare: up to 3×) away on this shared machine, so an interval
 * over samples calls every rerun a regression. Each round is a fresh worker, so Welch's interval over the rounds'
 * medians (on logs, as compare does for cells) carries that isolate-to-isolate spread. Medians, not tinybench's means:
 * one descheduled sample lasts hundreds of typical ones and drags the mean and its sd with it. Raw medians, not the
 * timer-corrected ones: the correction is itself measured per worker and moved by up to 4 ns between rounds (a third
 * of a 12 ns primitive) while the raw medians held within 2%; the ~1 ns of harness cost left in them only dilutes a
 * change, toward inconclusive, never toward a false fail.
 */
function changeCheck(
  subject: Subject,
  base: MicroTaskSummary,
  head: MicroTaskSummary,
  limit: Limit,
  level: number,
): Check {
  const [bv, hv] = [rawUs(base), rawUs(head)];
  const relative = limit.kind === 'relative';
  const spec = { text: limit.text, value: relative ? limit.value * 100 : limit.value, strict: limit.strict };
  if (bv.length < 2 || hv.length < 2) {
    return unmeasuredCheck(
      subject,
      relative ? '%' : 'µs',
      'change',
      spec,
      `base has ${bv.length} round${bv.length === 1 ? '' : 's'} and head ${hv.length}; an interval needs at least 2 a side: run tracebench micro --rounds 3 or more.`,
      3,
    );
  }
  if (!relative) {
    const difference = unpairedDifference(bv, hv, level);
    return difference
      ? intervalCheck(subject, difference, 'µs', 1, 'change', spec, (x) => x)
      : unmeasuredCheck(subject, 'µs', 'change', spec, 'no interval could be drawn.');
  }
  const ratio = unpairedRatio(bv, hv, level);
  if (!ratio)
    return unmeasuredCheck(subject, '%', 'change', spec, 'a round measured 0 ns, so a ratio means nothing here.');
  return intervalCheck(subject, ratio, '%', 100, 'change', spec, Math.log1p);
}

function notesFor(base: MicroSection, head: MicroSection, baseEnv: Environment, headEnv: Environment): string[] {
  const notes: string[] = [];
  const machines = machineDifferences(baseEnv, headEnv);
  if (machines.length > 0)
    notes.push(
      `the micro-benchmarks cross machines (${machines.join('; ')}): ns/op follows the CPU and the JIT, so a change may be the machine's, not the code's.`,
    );
  const packages = packageDifferences(baseEnv, headEnv);
  if (packages.length > 0) notes.push(`OpenTelemetry packages differ: ${packages.join(', ')}.`);
  if (base.profile !== head.profile)
    notes.push(
      `micro profiles differ (base ${base.profile}, head ${head.profile}): medians compare, but the shorter profile's are noisier.`,
    );
  for (const [side, micro] of [
    ['base', base],
    ['head', head],
  ] as const) {
    if (micro.slowPrimitive)
      notes.push(
        `${side} slowed ${micro.slowPrimitive.task} by ${micro.slowPrimitive.burnNs} ns per operation on purpose (test-only).`,
      );
  }
  const baseIds = new Set(base.tasks.map(microTaskId));
  const headIds = new Set(head.tasks.map(microTaskId));
  const onlyBase = [...baseIds].filter((id) => !headIds.has(id));
  const onlyHead = [...headIds].filter((id) => !baseIds.has(id));
  if (onlyBase.length > 0) notes.push(`micro tasks only in base, not compared: ${onlyBase.join(', ')}.`);
  if (onlyHead.length > 0) notes.push(`micro tasks only in head, not compared: ${onlyHead.join(', ')}.`);
  return notes;
}

/** The default limit as a budget limit: `+10%`. */
function fallbackLimit(threshold: number): Limit {
  return { kind: 'relative', text: `+${+(threshold * 100).toFixed(4)}%`, value: threshold, strict: false };
}

/**
 * Per task in both lists, the change of head's median ns/op over base's against every budget limit that names the
 * task, else the fallback; `subjectOf` names the check.
 */
function taskChecks(
  baseTasks: readonly MicroTaskSummary[],
  headTasks: readonly MicroTaskSummary[],
  options: MicroCompareOptions,
  subjectOf: (task: MicroTaskSummary, tag: string) => Subject,
): Check[] {
  const level = options.level ?? 0.95;
  const fallback = fallbackLimit(options.threshold ?? DEFAULT_MICRO_THRESHOLD);
  const limits = microLimits(options.budgets ?? []).filter((l) => l.limit.kind !== 'absolute');
  const before = new Map(baseTasks.map((t) => [microTaskId(t), t]));
  const checks: Check[] = [];
  for (const task of headTasks) {
    const base = before.get(microTaskId(task));
    if (!base) continue;
    const mine = limits.filter((l) => microWhereMatches(l.where, task));
    const judged =
      mine.length > 0
        ? mine.map((l) => ({ limit: l.limit, tag: `budget[${l.index}]` }))
        : [{ limit: fallback, tag: 'default' }];
    for (const { limit, tag } of judged) checks.push(changeCheck(subjectOf(task, tag), base, task, limit, level));
  }
  return checks;
}

/**
 * Regression verdicts of head's micro-benchmarks against base's: per task in both, the relative change of the median
 * ns/op with Welch's interval over rounds, against every budget limit that names the task, else DEFAULT_MICRO_THRESHOLD.
 * Fail when the whole interval lies beyond the limit, pass when within, inconclusive otherwise.
 */
export function compareMicro(base: MicroSide, head: MicroSide, options: MicroCompareOptions = {}): Verdicts {
  if (!base.micro && !head.micro) return verdictsOf([], []);
  if (!base.micro || !head.micro) {
    return verdictsOf(
      [],
      [
        `only ${base.micro ? 'base' : 'head'} holds micro-benchmarks: nothing to compare them with; run tracebench micro for both.`,
      ],
    );
  }
  const checks = taskChecks(base.micro.tasks, head.micro.tasks, options, (task, tag) =>
    microSubject(`regression:${MICRO_METRIC}:${microTaskId(task)}#${tag}`, 'regression', task, 'change from base'),
  );
  return verdictsOf(checks, notesFor(base.micro, head.micro, base.environment, head.environment));
}

/**
 * Micro A/B of one run (`tracebench micro --variant base=DIR --variant head=DIR`): each task of the second variant
 * against the same task of the first, judged as compare judges two runs. The rounds of the two sides ran interleaved,
 * but each in its own isolate: pairing them by round would spend half the degrees of freedom on a correlation the
 * isolates do not share (their JIT paths are independent), so the interval stays Welch's over rounds.
 */
export function compareMicroVariants(micro: MicroSection, options: MicroCompareOptions = {}): Verdicts {
  const [base, head] = micro.variants ?? [];
  if (!base || !head) return verdictsOf([], []);
  const checks = taskChecks(base.tasks, head.tasks, options, (task, tag) => ({
    ...microSubject(
      `ab:${MICRO_METRIC}:${microTaskId(task)}@${head.name}#${tag}`,
      'ab',
      task,
      `change from ${base.name}`,
    ),
    variant: head.name,
  }));
  const notes: string[] = [];
  const differ = Object.keys({ ...base.packages, ...head.packages })
    .filter((name) => base.packages[name] !== head.packages[name])
    .map((name) => `${name} ${base.packages[name] ?? 'absent'} → ${head.packages[name] ?? 'absent'}`);
  notes.push(
    differ.length > 0
      ? `OpenTelemetry packages of ${base.name} and ${head.name} differ: ${differ.join(', ')}.`
      : `${base.name} and ${head.name} hold the same @opentelemetry/* versions: a change is in the code behind them (a patched or locally built package), not a release.`,
  );
  if (micro.slowPrimitive)
    notes.push(
      `both sides slowed ${micro.slowPrimitive.task} by ${micro.slowPrimitive.burnNs} ns per operation on purpose (test-only).`,
    );
  return verdictsOf(checks, notes);
}
