import { UsageError } from '../errors.js';
import type { Cell } from './types.js';

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
