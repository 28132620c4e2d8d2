import type { ReceivedSpan } from './types.js';

export interface DecodedSpans {
  spanCount: number;
  /** Empty unless the caller asked for the spans themselves. */
  spans: ReceivedSpan[];
}

/** Throws when the body is not a well-formed request of its protocol. */
export type SpanDecoder = (body: Buffer, wantSpans: boolean) => DecodedSpans;
