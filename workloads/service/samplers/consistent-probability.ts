import { trace, type Context } from '@opentelemetry/api';
import { ParentBasedSampler, SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { eraseThreshold, randomnessHex, readOt, setThreshold, thresholdHex14 } from './ot-trace-state.js';
import { MIN_PROBABILITY, parseThreshold, probabilityToThresholdHex, thresholdToProbability } from './threshold.js';

// Neither @opentelemetry/sdk-trace-base 2.12.0 nor any installed @opentelemetry package implements consistent probability
// sampling (its TraceIdRatioBasedSampler XORs 32-bit words of the trace id and writes no tracestate); the contrib
// @opentelemetry/sampler-composite does, but is not installed. So this follows the specification itself:
// specification/trace/tracestate-probability-sampling.md ("TraceState: Probability Sampling", status Development).

/**
 * Consistent probability sampling (spec: Decision algorithm): keeps a span when its trace's 56-bit randomness
 * (`rv` from the OpenTelemetry tracestate entry when present, else the trace id's least-significant 56 bits) is at least
 * the rejection threshold derived from `ratio` (spec: Rejection Threshold, 4 hex digits of precision as recommended).
 * A kept span carries `ot=th:<hex>`, so every later stage knows its probability; a dropped one carries no `th`.
 * It ignores the parent's decision (spec: Sampling base cases → Consistent probability): with the same randomness,
 * every service using it keeps the same traces at the same ratio, and a service at a higher ratio keeps a superset.
 * Ratio 0 is "never", which the spec says is not probability sampling: nothing is kept and no `th` is written.
 */
export class ConsistentProbabilitySampler implements Sampler {
  /** The `th` value written on kept spans; undefined for ratio 0. */
  readonly thresholdHex: string | undefined;
  /** The probability actually kept, that of the rounded threshold (0.1 keeps 0.100006103515625); 0 for ratio 0. */
  readonly effectiveRatio: number;
  // The written threshold, not the exact one, decides: the recorded th then tells the truth about the decision.
  private readonly threshold14: string | undefined;

  constructor(readonly ratio: number) {
    if (!(ratio === 0 || (ratio >= MIN_PROBABILITY && ratio <= 1)))
      throw new RangeError(`ratio must be 0 or in [2^-56, 1], got ${ratio}`);
    this.thresholdHex = ratio === 0 ? undefined : probabilityToThresholdHex(ratio);
    this.threshold14 = thresholdHex14(this.thresholdHex);
    this.effectiveRatio =
      this.thresholdHex === undefined ? 0 : thresholdToProbability(parseThreshold(this.thresholdHex)!);
  }

  shouldSample(context: Context, traceId: string): SamplingResult {
    const state = trace.getSpanContext(context)?.traceState;
    const entry = readOt(state);
    const randomness = randomnessHex(traceId, entry);
    if (
      this.thresholdHex === undefined ||
      this.threshold14 === undefined ||
      randomness === undefined ||
      randomness < this.threshold14
    ) {
      return { decision: SamplingDecision.NOT_RECORD, traceState: eraseThreshold(state, entry) };
    }
    return { decision: SamplingDecision.RECORD_AND_SAMPLED, traceState: setThreshold(state, entry, this.thresholdHex) };
  }

  toString(): string {
    return `ConsistentProbabilitySampler{${this.ratio}, th=${this.thresholdHex ?? 'none'}}`;
  }
}

/**
 * The child rule for a sampled parent (spec: Tracestate handling requirements → Parent-based threshold, and General
 * requirements): keep the span and propagate the parent's `th` unchanged; erase it when it is malformed or apparently
 * inconsistent (the parent is sampled but randomness < th), so no span claims a probability it was not sampled at.
 */
export class ConsistentParentSampledSampler implements Sampler {
  shouldSample(context: Context, traceId: string): SamplingResult {
    const state = trace.getSpanContext(context)?.traceState;
    const entry = readOt(state);
    if (entry.th === undefined) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    const randomness = randomnessHex(traceId, entry);
    const consistent = entry.th14 !== undefined && randomness !== undefined && randomness >= entry.th14;
    return consistent
      ? { decision: SamplingDecision.RECORD_AND_SAMPLED }
      : { decision: SamplingDecision.RECORD_AND_SAMPLED, traceState: eraseThreshold(state, entry) };
  }

  toString(): string {
    return 'ConsistentParentSampled';
  }
}

/**
 * ParentBased with a consistent probability root: roots decide by threshold; children of a sampled parent are kept
 * with the parent's `th` (checked for consistency); children of an unsampled parent are dropped (the SDK's AlwaysOff).
 */
export function parentBasedConsistentProbabilitySampler(ratio: number): Sampler {
  const parentSampled = new ConsistentParentSampledSampler();
  return new ParentBasedSampler({
    root: new ConsistentProbabilitySampler(ratio),
    remoteParentSampled: parentSampled,
    localParentSampled: parentSampled,
  });
}
