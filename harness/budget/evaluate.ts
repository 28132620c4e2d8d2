import type { CellResult, Results } from '../results/types.js';
import { tCritical } from '../stats/interval.js';
import { isMetricName, judgedPerRound, METRICS } from '../stats/metrics.js';
import type { Analysis, CellAnalysis, MetricAnalysis, MetricName } from '../stats/types.js';
import { noValidReasons, type NoValidReason } from './cell-errors.js';
import { errorCheck, intervalCheck, roundsCheck, type Subject, unmeasuredCheck, verdictsOf } from './judge.js';
import { whereMatches, whereText } from '../plan/where.js';
import type { Budget, Check, Limit, Verdicts } from './types.js';

const isReference = (cell: CellAnalysis) =>
  cell.cellId === cell.referenceCellId && cell.variant === cell.referenceVariant;

const referenceName = (cell: CellAnalysis) =>
  cell.referenceVariant !== undefined ? `${cell.cellId}@${cell.referenceVariant}` : cell.referenceCellId;

/**
 * One limit on one cell; null when it does not apply (the metric means nothing there, or a relative limit on the
 * reference). `error` when the cell, or the reference a change is measured against, has no valid trial.
 */
function checkLimit(
  subject: Subject,
  cell: CellAnalysis,
  m: MetricAnalysis | undefined,
  metric: MetricName,
  limit: Limit,
  noValid: NoValidReason,
): Check | null {
  if (!m) return null;
  const unit = METRICS[metric].unit;
  const values = m.values.map((v) => v.value);
  const own = noValid(cell.cellId, cell.variant);
  if (limit.kind === 'absolute') {
    const spec = { text: limit.text, value: limit.value, strict: limit.strict };
    if (own) return errorCheck(subject, unit, 'value', spec, `${own}.`);
    // One unknown round is enough: the known rounds cannot vouch for it (unknown is not 0).
    if (m.unknownRounds)
      return unmeasuredCheck(
        subject,
        unit,
        'value',
        spec,
        `unknown in ${m.unknownRounds} round${m.unknownRounds === 1 ? '' : 's'}: the service's SDK was not built by tracebench and the probe could not read this counter, so the limit cannot be judged (unknown is not 0).`,
      );
    if (values.length === 0)
      return unmeasuredCheck(subject, unit, 'value', spec, 'no ok trial was measured in this cell.');
    // Counts are facts of each round, and with no spread an interval adds nothing: hold every round to the limit.
    if (judgedPerRound(metric) || (values.length >= 2 && values.every((v) => v === values[0])))
      return roundsCheck(subject, values, unit, 'value', spec);
    if (!m.level)
      return unmeasuredCheck(
        subject,
        unit,
        'value',
        spec,
        `only ${values.length} round was measured; an interval needs at least 2, run 3 or more.`,
        3,
      );
    return intervalCheck(subject, m.level, unit, 1, 'value', spec, m.level.basis.scale === 'log' ? Math.log : (x) => x);
  }
  if (isReference(cell)) return null;
  const relative = limit.kind === 'relative';
  const spec = { text: limit.text, value: relative ? limit.value * 100 : limit.value, strict: limit.strict };
  const reportUnit = relative ? ('%' as const) : unit;
  const named = { ...subject, noun: `overhead over ${referenceName(cell)}` };
  if (own) return errorCheck(named, reportUnit, 'change', spec, `${own}.`);
  const reference = noValid(cell.referenceCellId, cell.referenceVariant);
  if (reference)
    return errorCheck(named, reportUnit, 'change', spec, `its reference ${referenceName(cell)} has ${reference}.`);
  if (m.unknownRounds) {
    return unmeasuredCheck(
      named,
      reportUnit,
      'change',
      spec,
      `unknown in ${m.unknownRounds} round${m.unknownRounds === 1 ? '' : 's'}: the service's SDK was not built by tracebench and the probe could not read this counter (unknown is not 0).`,
    );
  }
  if (!m.overhead) {
    return unmeasuredCheck(
      named,
      reportUnit,
      'change',
      spec,
      `fewer than 2 rounds could be paired with ${referenceName(cell)}; an interval needs at least 2, run 3 or more.`,
      3,
    );
  }
  if (!relative) return intervalCheck(named, m.overhead.absolute, unit, 1, 'change', spec, (x) => x);
  if (!m.overhead.relative) {
    return unmeasuredCheck(
      named,
      '%',
      'change',
      spec,
      `a paired round measured 0, so a ratio means nothing; write an absolute limit (e.g. +50µs) instead.`,
    );
  }
  return intervalCheck(named, m.overhead.relative, '%', 100, 'change', spec, Math.log1p);
}

/** A note when intervals come from very few rounds: what the t multiplier costs, and what more rounds would buy. */
export function fewRoundsNote(rounds: number, level: number): string | undefined {
  if (rounds < 2 || rounds >= 5) return undefined;
  const now = tCritical(level, rounds - 1);
  const ten = tCritical(level, 9) / Math.sqrt(10);
  return `only ${rounds} rounds: each interval is ±${now.toFixed(2)} standard errors wide, so most checks come out inconclusive; 10 rounds would make intervals about ${(now / Math.sqrt(rounds) / ten).toFixed(1)}× narrower.`;
}

/**
 * Judges every budget on every cell (and variant) it matches: relative and overhead limits against the reference's
 * interval, absolute limits against the level's interval or, for counts and spread-free metrics, every round.
 */
export function evaluateBudgets(analysis: Analysis, results: Results, budgets: readonly Budget[]): Verdicts {
  const settings = new Map<string, CellResult['settings']>(results.cells.map((c) => [c.id, c.settings]));
  const checks: Check[] = [];
  const notes: string[] = [];
  const noValid = noValidReasons(results);
  budgets.forEach((budget, index) => {
    // micro.nsPerOp limits are the micro stage's (evaluateMicroBudgets); a budget of only those scopes no cell.
    const limits = Object.entries(budget.limits).filter(([metric]) => isMetricName(metric)) as [MetricName, Limit][];
    if (limits.length === 0) return;
    const cells = analysis.cells.filter((c) => whereMatches(budget.where, c.cellId, settings.get(c.cellId), c.variant));
    if (cells.length === 0)
      notes.push(
        `budgets[${index}] (${whereText(budget.where)}) matched no cell of this run: check the where keys against the cell ids.`,
      );
    for (const cell of cells) {
      for (const [metric, limit] of limits) {
        const subject: Subject = {
          id: `budget[${index}]:${metric}:${cell.cellId}${cell.variant !== undefined ? `@${cell.variant}` : ''}`,
          kind: 'budget',
          cellId: cell.cellId,
          ...(cell.variant !== undefined ? { variant: cell.variant } : {}),
          metric,
          noun: '',
        };
        const check = checkLimit(subject, cell, cell.metrics[metric], metric, limit, noValid);
        if (check) checks.push(check);
      }
    }
  });
  const rounds = Math.min(...analysis.cells.map((c) => c.rounds).filter((r) => r > 0));
  const few = Number.isFinite(rounds) ? fewRoundsNote(rounds, analysis.level) : undefined;
  if (few && checks.length > 0) notes.push(few);
  return verdictsOf(checks, notes);
}
