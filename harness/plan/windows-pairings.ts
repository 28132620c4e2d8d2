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

/** The limit one comparison is judged on: a budget's, or method.limitPct. */
export interface WindowsLimit {
  /** Largest acceptable increase of CPU per request, as a fraction (0.6 = +60%). */
  value: number;
  /** The budget it came from: its index in the config's budgets and the limit as written. */
  budget?: { index: number; text: string };
}

/**
 * What each comparison is judged against. A traced cell against the baseline is what a `cpuUsPerRequest: +N%` budget
 * bounds (its overhead), so the tightest such budget matching the cell sets its limit, and `budgets` names the limits
 * used; every other comparison (variants, `against`), and a cell no such budget covers, is judged on `limitPct`.
 */
export function windowsLimits(
  pairings: readonly WindowsPairing[],
  budgets: readonly Budget[],
  limitPct: number,
): WindowsLimit[] {
  return pairings.map((p) => {
    const fallback = { value: limitPct / 100 };
    if (p.a.variant !== undefined || p.a.cell.settings.tracing !== 'off') return fallback;
    let best: WindowsLimit | undefined;
    budgets.forEach((budget, index) => {
      const limit = budget.limits.cpuUsPerRequest;
      if (limit?.kind !== 'relative' || !whereMatches(budget.where, p.b.cell.id, p.b.cell.settings, undefined)) return;
      if (!best || limit.value < best.value) best = { value: limit.value, budget: { index, text: limit.text } };
    });
    return best ?? fallback;
  });
}

/**
 * Budget limits a windows run cannot judge, as `budgets[i].metric` (`budgets[0].latencyUs.p99`): a windows run
 * measures changes of CPU per request between two sides, not a cell's own latency, memory or spans, so only
 * `cpuUsPerRequest: +N%` limits on a cell compared with the baseline are judged (windowsLimits). `againstBaseline`:
 * the cells the run compared with the baseline.
 */
export function unjudgedByWindows(
  budgets: readonly Budget[],
  againstBaseline: readonly Pick<Cell, 'id' | 'settings'>[],
): string[] {
  return budgets.flatMap((budget, index) =>
    Object.entries(budget.limits).flatMap(([metric, limit]) =>
      metric === 'cpuUsPerRequest' &&
      limit?.kind === 'relative' &&
      againstBaseline.some((c) => whereMatches(budget.where, c.id, c.settings, undefined))
        ? []
        : [`budgets[${index}].${metric}`],
    ),
  );
}
