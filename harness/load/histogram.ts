import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';
import type { PercentilesUs } from './types.js';

/** One minute in µs: nothing a trial records can be slower, timeouts end requests long before. */
export const HIGHEST_TRACKABLE_US = 60e6;

/** A µs histogram with 3 significant digits; the plain JS build, so workers need no WASM set-up. */
export function createHistogramUs(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_TRACKABLE_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Records a duration given in milliseconds (performance.now() deltas) as whole µs. */
export function recordMsAsUs(histogram: Histogram, durationMs: number): void {
  const us = Math.round(durationMs * 1000);
  histogram.recordValue(Math.min(Math.max(us, 0), HIGHEST_TRACKABLE_US));
}

export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

/** Decodes every encoded histogram and adds it into one fresh histogram. */
export function mergeEncoded(encoded: readonly string[]): Histogram {
  const merged = createHistogramUs();
  for (const text of encoded) {
    const part = decodeFromCompressedBase64(text);
    merged.add(part);
    part.destroy();
  }
  return merged;
}

export function toPercentilesUs(histogram: Histogram): PercentilesUs {
  return {
    p50: histogram.getValueAtPercentile(50),
    p90: histogram.getValueAtPercentile(90),
    p99: histogram.getValueAtPercentile(99),
    p999: histogram.getValueAtPercentile(99.9),
    max: histogram.maxValue,
    mean: histogram.mean,
    count: histogram.totalCount,
  };
}
