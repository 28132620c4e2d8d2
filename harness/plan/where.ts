import type { BudgetWhere } from '../budget/types.js';
import type { CellSettings } from './types.js';

// Which cells a budget's `where` selects: read by the verdicts (budget/) and by a windows run, which judges a cell's
// CPU budget on its comparison with the baseline (windows-pairings.ts).

/** `always_on~*` → /^always_on~.*$/; everything but `*` is literal. */
export function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(text);
}

/** True when the cell (and variant) satisfies every key of `where`; the baseline has no sampler, processor or exporter. */
export function whereMatches(
  where: BudgetWhere,
  cellId: string,
  settings: CellSettings | undefined,
  variant: string | undefined,
): boolean {
  if (where.cell && !where.cell.some((p) => globMatches(p, cellId))) return false;
  if (where.variant && (variant === undefined || !where.variant.includes(variant))) return false;
  const sdk = settings?.tracing === 'sdk' ? settings : undefined;
  if (where.sampler && !(sdk && where.sampler.includes(sdk.sampler.type))) return false;
  // A user's processor module matches neither simple nor batch: it is what is measured, whatever follows it.
  if (
    where.processor &&
    !(sdk?.processor && sdk.processor.type !== 'module' && where.processor.includes(sdk.processor.type))
  )
    return false;
  if (where.exporter && !(sdk?.exporter && where.exporter.includes(sdk.exporter))) return false;
  return true;
}

export function whereText(where: BudgetWhere): string {
  const parts = Object.entries(where).map(([k, v]) => `${k}: ${(v as string[]).join(' | ')}`);
  return parts.length ? `where ${parts.join(', ')}` : 'for every cell';
}
