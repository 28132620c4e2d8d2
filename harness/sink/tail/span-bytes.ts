import type { ReceivedSpan } from '../types.js';

/** Ids (16 + 8 + 8), two fixed64 timestamps, kind, status and field tags. */
const FIXED_SPAN_BYTES = 56;
/** Tag and length bytes around each attribute key and value. */
const PER_ATTRIBUTE_BYTES = 6;

/**
 * Roughly a span's OTLP protobuf size: ids, times, name and attributes, without the resource it shares with its
 * batch. Deterministic and protocol-independent, so buffered memory and exported bytes compare across cells.
 */
export function estimateSpanBytes(span: ReceivedSpan): number {
  let bytes = FIXED_SPAN_BYTES + span.name.length;
  for (const key in span.attributes) {
    const value = span.attributes[key];
    bytes +=
      PER_ATTRIBUTE_BYTES + key.length + (typeof value === 'string' ? value.length : typeof value === 'number' ? 8 : 1);
  }
  return bytes;
}
