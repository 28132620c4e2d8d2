import type { Environment, Results } from '../results/types.js';
import { groupTrials, roundValues, unknownRounds } from '../stats/analyse.js';
import { unpairedDifference, unpairedRatio } from '../stats/interval.js';
import { appliesTo, isCount } from '../stats/metrics.js';
import type { Analysis, Estimate, MetricName } from '../stats/types.js';
import { fewRoundsNote } from './evaluate.js';
import { noValidReasons, type NoValidReason } from './cell-errors.js';
import { errorCheck, intervalCheck, type Subject, unmeasuredCheck, verdictsOf } from './judge.js';
import type { Check, CrossMachine, Verdicts } from './types.js';
import { median } from '../stats/interval.js';

/**
 * Metrics a regression or A/B gate judges by default. Left out: p50 (moves with p99 and says less about tracing),
 * p99.9 (at 500 req/s for 3 s it is the second-worst request: noise), GC total and event-loop p99 (diagnostics that
 * show in the analysis); with a 95% interval each extra noisy metric adds a few percent of false alarms to an A/A gate.
 */
export const GATE_METRICS: readonly MetricName[] = [
  'cpuUsPerRequest',
  'latencyUs.p99',
  'rssPeakBytes',
  'spans.dropped',
  'spans.lostInTransit',
];

export interface CompareOptions {
  /** Largest tolerated relative worsening, as a fraction. @default 0.05 */
  threshold: number;
  /** Recorded for symmetry with `analyse`; the intervals draw no random numbers. */
  seed?: number;
  /** Confidence level. @default 0.95 */
  level?: number;
  /** Metrics to judge. @default GATE_METRICS */
  metrics?: readonly MetricName[];
}

const key = (cellId: string, variant?: string) => (variant === undefined ? cellId : `${cellId}@${variant}`);

/**
 * One regression-style check: relative change against `threshold` for measures, absolute change against 0 for counts
 * (no more spans lost than the base). Lower is better for every metric we judge.
 */
function changeCheck(
  subject: Subject,
  metric: MetricName,
  relative: Estimate | null,
  absolute: Estimate | null,
  threshold: number,
  roundsHad: number,
  unknownRounds = 0,
  noValid?: string,
): Check {
  if (noValid) {
    const limit = isCount(metric)
      ? { text: '+0', value: 0 }
      : { text: `+${+(threshold * 100).toFixed(4)}%`, value: threshold * 100 };
    return errorCheck(subject, isCount(metric) ? 'spans' : '%', 'change', limit, noValid);
  }
  if (isCount(metric)) {
    const limit = { text: '+0', value: 0, strict: false };
    if (unknownRounds > 0)
      return unmeasuredCheck(
        subject,
        'spans',
        'change',
        limit,
        `unknown in ${unknownRounds} round${unknownRounds === 1 ? '' : 's'}: the service's SDK was not built by tracebench and the probe could not read this counter (unknown is not 0).`,
      );
    if (!absolute)
      return unmeasuredCheck(
        subject,
        'spans',
        'change',
        limit,
        `only ${roundsHad} usable round${roundsHad === 1 ? '' : 's'}; an interval needs at least 2, run 3 or more.`,
        3,
      );
    return intervalCheck(subject, absolute, 'spans', 1, 'change', limit, (x) => x);
  }
  const limit = { text: `+${+(threshold * 100).toFixed(4)}%`, value: threshold * 100, strict: false };
  if (!relative) {
    const reason = absolute
      ? 'a round measured 0, so a ratio means nothing here.'
      : `only ${roundsHad} usable round${roundsHad === 1 ? '' : 's'}; an interval needs at least 2, run 3 or more.`;
    return unmeasuredCheck(subject, '%', 'change', limit, reason, absolute ? undefined : 3);
  }
  return intervalCheck(subject, relative, '%', 100, 'change', limit, Math.log1p);
}

/** The settings that make two environments "different machines" for a comparison, named with both values. */
export function machineDifferences(a: Environment, b: Environment): string[] {
  const out: string[] = [];
  if (a.cpuModel !== b.cpuModel) out.push(`CPU ${a.cpuModel} vs ${b.cpuModel}`);
  if (a.cores !== b.cores) out.push(`${a.cores} vs ${b.cores} cores`);
  if (a.node !== b.node) out.push(`Node.js ${a.node} vs ${b.node}`);
  // The simulated work is sized per run; calibrations this far apart mean the services did different amounts of it.
  const [x, y] = [a.burnIterationsPerUs, b.burnIterationsPerUs];
  if (x && y && Math.abs(x / y - 1) > 0.05) out.push(`simulated work calibrated at ${x} vs ${y} steps/µs`);
  return out;
}

export function packageDifferences(a: Environment, b: Environment): string[] {
  const names = [...new Set([...Object.keys(a.openTelemetry ?? {}), ...Object.keys(b.openTelemetry ?? {})])].sort();
  return names
    .filter((n) => a.openTelemetry?.[n] !== b.openTelemetry?.[n])
    .map((n) => `${n} ${a.openTelemetry?.[n] ?? 'absent'} → ${b.openTelemetry?.[n] ?? 'absent'}`);
}

/** The shard that measured a cell in merged results (its machine is `environment.machines`); undefined otherwise. */
function shardOf(results: Results, cellId: string, variant?: string): number | undefined {
  return results.cells.find((c) => c.id === cellId && c.variant === variant)?.trials.find((t) => t.shard !== undefined)
    ?.shard;
}

function machineName(results: Results, shard: number | undefined): string {
  const m = shard === undefined ? undefined : results.environment.machines?.find((x) => x.shard === shard);
  return m ? `${m.hostname} (shard ${m.shard})` : results.environment.hostname;
}

/** Median of a metric over the baseline's rounds on one shard (or the whole run): the machine's own level. */
function baselineLevel(results: Results, shard: number | undefined, metric: MetricName): number | null {
  const baseline = results.cells.filter(
    (c) => c.settings.tracing === 'off' && c.settings.instrumentation === undefined,
  );
  const cells = baseline.map((c) => ({
    ...c,
    trials: shard === undefined ? c.trials : c.trials.filter((t) => t.shard === shard),
  }));
  const group = groupTrials(cells).find((g) => g.variant === undefined) ?? groupTrials(cells)[0];
  if (!group) return null;
  const values = roundValues(group, metric).map((v) => v.value);
  return values.length > 0 ? median(values) : null;
}

/**
 * Cells of merged runs measured on different machines: marked, with how far the two machines' baselines differ. Only
 * where a side is merged; two whole runs on different machines get the run-level note instead.
 */
function crossMachine(
  base: Results,
  head: Results,
  cellId: string,
  variant: string | undefined,
  metric: MetricName,
): CrossMachine | undefined {
  if (!base.environment.machines && !head.environment.machines) return undefined;
  const [b, h] = [shardOf(base, cellId, variant), shardOf(head, cellId, variant)];
  const [bName, hName] = [machineName(base, b), machineName(head, h)];
  if (bName.replace(/ \(shard \d+\)$/, '') === hName.replace(/ \(shard \d+\)$/, '')) return undefined;
  const [bl, hl] = [baselineLevel(base, b, metric), baselineLevel(head, h, metric)];
  const shift = bl !== null && hl !== null && bl > 0 ? Number(((hl / bl - 1) * 100).toFixed(1)) : null;
  return { base: bName, head: hName, baselineShiftPercent: shift };
}

/**
 * Regression verdicts of `head` against `base`, two separate runs: per cell (and variant) present in both and per metric,
 * the relative change from unpaired per-round values (Welch's interval on log values). Fail when the whole interval lies
 * above +threshold, pass when it lies below, inconclusive otherwise.
 */
export function compareResults(base: Results, head: Results, options: CompareOptions): Verdicts {
  const level = options.level ?? 0.95;
  const metrics = options.metrics ?? GATE_METRICS;
  const baseGroups = new Map(groupTrials(base.cells).map((g) => [key(g.cellId, g.variant), g]));
  const headGroups = new Map(groupTrials(head.cells).map((g) => [key(g.cellId, g.variant), g]));
  const checks: Check[] = [];
  const notes: string[] = [];

  const machines = machineDifferences(base.environment, head.environment);
  if (machines.length > 0) {
    notes.push(
      `the comparison crosses machines (${machines.join('; ')}): a different CPU or Node.js shifts every metric by an amount the intervals cannot see, often more than a 5% threshold; treat verdicts near the threshold as inconclusive, and gate on a same-run A/B (variants) instead.`,
    );
  }
  const packages = packageDifferences(base.environment, head.environment);
  if (packages.length > 0) notes.push(`OpenTelemetry packages differ: ${packages.join(', ')}.`);
  const onlyBase = [...baseGroups.keys()].filter((k) => !headGroups.has(k));
  const onlyHead = [...headGroups.keys()].filter((k) => !baseGroups.has(k));
  if (onlyBase.length > 0) notes.push(`only in base, not compared: ${onlyBase.join(', ')}.`);
  if (onlyHead.length > 0) notes.push(`only in head, not compared: ${onlyHead.join(', ')}.`);

  const [baseNoValid, headNoValid] = [noValidReasons(base), noValidReasons(head)];
  let fewest = Number.POSITIVE_INFINITY;
  for (const [k, headGroup] of headGroups) {
    const baseGroup = baseGroups.get(k);
    if (!baseGroup) continue;
    const headReason = headNoValid(headGroup.cellId, headGroup.variant);
    const baseReason = baseNoValid(baseGroup.cellId, baseGroup.variant);
    const noValid = headReason ? `head has ${headReason}.` : baseReason ? `base has ${baseReason}.` : undefined;
    for (const metric of metrics) {
      if (!appliesTo(metric, headGroup.settings)) continue;
      const b = roundValues(baseGroup, metric).map((v) => v.value);
      const h = roundValues(headGroup, metric).map((v) => v.value);
      fewest = Math.min(fewest, b.length, h.length);
      const subject: Subject = {
        id: `regression:${metric}:${k}`,
        kind: 'regression',
        cellId: headGroup.cellId,
        ...(headGroup.variant !== undefined ? { variant: headGroup.variant } : {}),
        metric,
        noun: 'change from base',
      };
      const unknown = unknownRounds(baseGroup, metric) + unknownRounds(headGroup, metric);
      const check = changeCheck(
        subject,
        metric,
        unpairedRatio(b, h, level),
        unpairedDifference(b, h, level),
        options.threshold,
        Math.min(b.length, h.length),
        unknown,
        noValid,
      );
      const cross = crossMachine(base, head, headGroup.cellId, headGroup.variant, metric);
      checks.push(
        cross
          ? {
              ...check,
              crossMachine: cross,
              message: `${check.message} Cross-machine: base measured on ${cross.base}, head on ${cross.head}; ${cross.baselineShiftPercent === null ? 'how far the machines differ is unknown' : `their baselines differ by ${cross.baselineShiftPercent > 0 ? '+' : ''}${cross.baselineShiftPercent}%`}, noise this interval does not hold.`,
            }
          : check,
      );
    }
  }
  const few = Number.isFinite(fewest) ? fewRoundsNote(fewest, level) : undefined;
  if (few) notes.push(few);
  return verdictsOf(checks, notes);
}

/**
 * Same-run A/B: for each cell, every head variant against the base variant, paired by round (the analysis' overhead).
 * The recommended gate: both sides share the machine, the rounds and the drift.
 */
export function compareVariants(
  analysis: Analysis,
  options: { threshold: number; metrics?: readonly MetricName[]; noValid?: NoValidReason },
): Verdicts {
  const metrics = options.metrics ?? GATE_METRICS;
  const base = analysis.referenceVariant;
  if (base === undefined)
    return verdictsOf([], ['this run has no variants: nothing to compare as A/B; list variants in the config.']);
  const checks: Check[] = [];
  for (const cell of analysis.cells) {
    if (cell.variant === undefined || cell.variant === base) continue;
    const headReason = options.noValid?.(cell.cellId, cell.variant);
    const baseReason = options.noValid?.(cell.cellId, base);
    const noValid = headReason
      ? `${cell.variant} has ${headReason}.`
      : baseReason
        ? `the base variant ${base} has ${baseReason}.`
        : undefined;
    for (const metric of metrics) {
      const m = cell.metrics[metric];
      if (!m) continue;
      const subject: Subject = {
        id: `ab:${metric}:${cell.cellId}@${cell.variant}`,
        kind: 'ab',
        cellId: cell.cellId,
        variant: cell.variant,
        metric,
        noun: `change from ${base}`,
      };
      // Unknown rounds on either side: the base variant's unknown counters leave the change as unknown as the head's.
      const baseMetric = analysis.cells.find((c) => c.cellId === cell.cellId && c.variant === base)?.metrics[metric];
      const unknown = (m.unknownRounds ?? 0) + (baseMetric?.unknownRounds ?? 0);
      checks.push(
        changeCheck(
          subject,
          metric,
          m.overhead?.relative ?? null,
          m.overhead?.absolute ?? null,
          options.threshold,
          m.overhead?.pairedRounds ?? 0,
          unknown,
          noValid,
        ),
      );
    }
  }
  const notes: string[] = [];
  if (checks.length === 0) notes.push(`no cell has a variant besides the base (${base}): nothing to compare.`);
  const rounds = Math.min(
    ...analysis.cells
      .filter((c) => c.variant !== base)
      .map((c) => c.rounds)
      .filter((r) => r > 0),
  );
  const few = Number.isFinite(rounds) ? fewRoundsNote(rounds, analysis.level) : undefined;
  if (few && checks.length > 0) notes.push(few);
  return verdictsOf(checks, notes);
}
