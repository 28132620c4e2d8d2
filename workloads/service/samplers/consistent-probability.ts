import { trace, type Context } from '@opentelemetry/api';
import { ParentBasedSampler, SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { eraseThreshold, hasThreshold, randomnessOf, setThreshold, thresholdOf } from './ot-trace-state.js';
import { keeps, MIN_PROBABILITY, parseThreshold, probabilityToThresholdHex } from './threshold.js';

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
  private readonly threshold: bigint | undefined;

  constructor(readonly ratio: number) {
    if (!(ratio === 0 || (ratio >= MIN_PROBABILITY && ratio <= 1))) throw new RangeError(`ratio must be 0 or in [2^-56, 1], got ${ratio}`);
    this.thresholdHex = ratio === 0 ? undefined : probabilityToThresholdHex(ratio);
    // The written threshold, not the exact one, decides: the recorded th then tells the truth about the decision.
    this.threshold = this.thresholdHex === undefined ? undefined : parseThreshold(this.thresholdHex);
  }

  shouldSample(context: Context, traceId: string): SamplingResult {
    const state = trace.getSpanContext(context)?.traceState;
    const randomness = randomnessOf(traceId, state);
    if (this.threshold === undefined || this.thresholdHex === undefined || randomness === undefined || !keeps(randomness, this.threshold)) {
      return { decision: SamplingDecision.NOT_RECORD, traceState: eraseThreshold(state) };
    }
    return { decision: SamplingDecision.RECORD_AND_SAMPLED, traceState: setThreshold(state, this.thresholdHex) };
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
    if (!hasThreshold(state)) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    const threshold = thresholdOf(state);
    const randomness = randomnessOf(traceId, state);
    const consistent = threshold !== undefined && randomness !== undefined && keeps(randomness, threshold);
    return consistent ? { decision: SamplingDecision.RECORD_AND_SAMPLED } : { decision: SamplingDecision.RECORD_AND_SAMPLED, traceState: eraseThreshold(state) };
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
