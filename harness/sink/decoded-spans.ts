import type { ReceivedSpan } from './types.js';

/** Spans of one request that carry the same trial id (`null`: none), in arrival order. */
export interface TrialPart {
  trialId: string | null;
  spanCount: number;
  /** Empty unless the caller asked for the spans themselves. */
  spans: ReceivedSpan[];
}

export interface DecodedSpans {
  spanCount: number;
  /** The request's spans split by trial id; their span counts add up to `spanCount`. */
  parts: TrialPart[];
}

/** Throws when the body is not a well-formed request of its protocol. */
export type SpanDecoder = (body: Buffer, wantSpans: boolean) => DecodedSpans;

/** Appends spans to the part of their trial id, opening one at the first span of a new id. */
export function addToPart(
  parts: TrialPart[],
  trialId: string | null,
  spanCount: number,
  spans: readonly ReceivedSpan[],
): void {
  let part = parts.find((p) => p.trialId === trialId);
  if (!part) {
    part = { trialId, spanCount: 0, spans: [] };
    parts.push(part);
  }
  part.spanCount += spanCount;
  for (const span of spans) part.spans.push(span);
}
