import { median } from '../stats/interval.js';
import type { SpanCount, SpanCounts } from '../probe/protocol.js';

/** The service-side counters, in report order. */
export const SPAN_COUNT_KEYS = [
  'started',
  'sampled',
  'ended',
  'exported',
  'failed',
  'dropped',
  'queuedAtEnd',
] as const satisfies readonly (keyof SpanCounts)[];

/** Said wherever an unknown counter is shown as "–". */
export const UNKNOWN_SPANS_NOTE =
  "– unknown: the service's SDK was not built by tracebench and the probe could not read this counter from it (not 0)";

/** A sum is unknown as soon as one term is: an unknown count may hide any number of spans. */
export function sumCounts(values: readonly SpanCount[]): SpanCount {
  let total = 0;
  for (const v of values) {
    if (v === null) return null;
    total += v;
  }
  return total;
}

/** The median over rounds; unknown when any round's count is unknown (a median of the known rounds would pass for all). */
export function medianCount(values: readonly SpanCount[]): SpanCount {
  if (values.length === 0 || values.some((v) => v === null)) return null;
  return median(values as number[]);
}

/** Adds up per-service counters key by key. */
export function sumSpanCounts(all: readonly SpanCounts[]): SpanCounts {
  return Object.fromEntries(SPAN_COUNT_KEYS.map((k) => [k, sumCounts(all.map((c) => c[k]))])) as unknown as SpanCounts;
}

/** True when any counter is unknown. */
export function hasUnknownCount(counts: SpanCounts): boolean {
  return SPAN_COUNT_KEYS.some((k) => counts[k] === null);
}
