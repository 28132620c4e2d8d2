import type { Budget } from '../budget/types.js';
import { UsageError } from '../errors.js';
import type { Cell } from './types.js';
import { whereMatches } from './where.js';

/** One comparison's two sides: a cell of a variant (absent without variants), side b judged against side a. */
export interface WindowsPairing {
  cell: Cell;
  a: { cell: Cell; variant?: number };
  b: { cell: Cell; variant?: number };
}

/**
 * Who is compared with whom: with variants, each traced cell of every later variant against the first variant's same
 * cell; with `against`, every other traced cell against that one; else each traced cell against the baseline.
 */
export function windowsPairings(cells: readonly Cell[], variantCount: number, against?: string): WindowsPairing[] {
  const traced = cells.filter((c) => c.settings.tracing === 'sdk');
  if (against !== undefined) {
    if (variantCount > 0)
      throw new UsageError(
        'method.against compares cells of one service; with variants, each cell is compared across variants: remove one of them',
      );
    const reference = traced.find((c) => c.id === against);
    if (!reference)
      throw new UsageError(
        `method.against: no traced cell '${against}' in this plan; its traced cells: ${traced.map((c) => c.id).join(', ') || 'none'}`,
      );
    return traced.filter((c) => c !== reference).map((cell) => ({ cell, a: { cell: reference }, b: { cell } }));
  }
  if (variantCount > 0)
    return traced.flatMap((cell) =>
      Array.from({ length: variantCount - 1 }, (_, i) => ({
        cell,
        a: { cell, variant: 0 },
        b: { cell, variant: i + 1 },
      })),
    );
  const baseline = cells.find((c) => c.settings.tracing === 'off');
  return baseline ? traced.map((cell) => ({ cell, a: { cell: baseline }, b: { cell } })) : [];
}

/** A `cpuUsPerRequest: +N%` budget that judges a comparison: its index in the config's budgets, text and fraction. */
export interface WindowsBudget {
  index: number;
  text: string;
  /** Largest acceptable increase of CPU per request, as a fraction (0.6 = +60%). */
  limit: number;
}

/** What one comparison is judged against: every budget that covers it, else method.limitPct. */
export interface WindowsLimit {
  /** The tightest limit (a fraction): the comparison's own verdict. */
  value: number;
  /** Every `cpuUsPerRequest: +N%` budget covering the comparison, each judged on it; empty: limitPct. */
  budgets: WindowsBudget[];
}

/** A compared cell as a budget's `where` sees it: with the variant of its B side in a variants run. */
export interface BudgetSubject {
  id: string;
  settings: Cell['settings'];
  variant?: string;
}

/**
 * Who a comparison is, for budgets: a traced cell against the baseline (its overhead), or a cell of a later variant
 * against the first variant's same cell, as the trials method judges `+N%` limits with variants (stats/analyse.ts).
 * Null for `against` (two settings of the matrix): a budget bounds the overhead over a reference, not that.
 */
export function budgetSubject(p: WindowsPairing, variantNames: readonly string[]): BudgetSubject | null {
  if (p.b.variant !== undefined)
    return { id: p.b.cell.id, settings: p.b.cell.settings, variant: variantNames[p.b.variant] };
  return p.a.cell.settings.tracing === 'off' ? { id: p.b.cell.id, settings: p.b.cell.settings } : null;
}

/** The `cpuUsPerRequest: +N%` budgets whose `where` covers the subject, in the config's order. */
export function coveringBudgets(budgets: readonly Budget[], subject: BudgetSubject): WindowsBudget[] {
  return budgets.flatMap((budget, index) => {
    const limit = budget.limits.cpuUsPerRequest;
    return limit?.kind === 'relative' && whereMatches(budget.where, subject.id, subject.settings, subject.variant)
      ? [{ index, text: limit.text, limit: limit.value }]
      : [];
  });
}

/** `+100% (budgets[0])`, or `+60% (budgets[0]), +100% (budgets[3])`; empty without budgets. */
export const budgetsText = (budgets: readonly { index: number; text: string }[] = []): string =>
  budgets.map((b) => `${b.text} (budgets[${b.index}])`).join(', ');

/**
 * What each comparison is judged against: every `cpuUsPerRequest: +N%` budget covering it (budgetSubject), each its
 * own check, the tightest its verdict; a comparison no budget covers (and every `against` one) is judged on limitPct.
 */
export function windowsLimits(
  pairings: readonly WindowsPairing[],
  budgets: readonly Budget[],
  limitPct: number,
  variantNames: readonly string[] = [],
): WindowsLimit[] {
  return pairings.map((p) => {
    const subject = budgetSubject(p, variantNames);
    const covering = subject ? coveringBudgets(budgets, subject) : [];
    if (covering.length === 0) return { value: limitPct / 100, budgets: [] };
    return { value: Math.min(...covering.map((b) => b.limit)), budgets: covering };
  });
}

/**
 * Budget limits a windows run cannot judge, as `budgets[i].metric` (`budgets[0].latencyUs.p99`): a windows run
 * measures changes of CPU per request between two sides, not a cell's own latency, memory or spans, so only
 * `cpuUsPerRequest: +N%` limits that covered a comparison are judged. `judged`: the indexes of those budgets, as the
 * run recorded them (windowsLimits).
 */
export function unjudgedByWindows(budgets: readonly Budget[], judged: ReadonlySet<number>): string[] {
  return budgets.flatMap((budget, index) =>
    Object.entries(budget.limits).flatMap(([metric, limit]) =>
      metric === 'cpuUsPerRequest' && limit?.kind === 'relative' && judged.has(index)
        ? []
        : [`budgets[${index}].${metric}`],
    ),
  );
}
