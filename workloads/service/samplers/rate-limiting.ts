import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';

export interface RateLimitingOptions {
  /** Milliseconds from a monotonic clock; injected in tests. @default performance.now */
  clock?: () => number;
}

/**
 * Samples at most `tracesPerSecond` spans per second with a token bucket, as Jaeger's and the OpenTelemetry contrib
 * rate-limiting samplers do: credits accrue continuously at the target rate up to a balance of max(rate, 1) (one
 * second of burst after a quiet spell), and each sampled span spends one.
 *
 * Meant as the root of a ParentBasedSampler (`parentbased_ratelimiting`): then it limits traces per second per service
 * and children follow their root. Used plain, every span (children too) spends a credit and traces come out broken.
 *
 * Unlike Jaeger (which starts full) the bucket starts with one credit: tracebench starts a fresh service process per
 * trial, and a full bucket would add a second's worth of traces at every start.
 */
export class RateLimitingSampler implements Sampler {
  private readonly clock: () => number;
  private readonly maxBalance: number;
  private balance: number;
  private lastMs: number;

  constructor(
    readonly tracesPerSecond: number,
    options: RateLimitingOptions = {},
  ) {
    if (!(Number.isFinite(tracesPerSecond) && tracesPerSecond >= 0))
      throw new RangeError(`tracesPerSecond must be a finite number >= 0, got ${tracesPerSecond}`);
    this.clock = options.clock ?? (() => performance.now());
    this.maxBalance = Math.max(tracesPerSecond, 1);
    this.balance = tracesPerSecond > 0 ? 1 : 0;
    this.lastMs = this.clock();
  }

  shouldSample(): SamplingResult {
    if (this.tracesPerSecond === 0) return { decision: SamplingDecision.NOT_RECORD };
    const nowMs = this.clock();
    // A clock that steps back adds nothing rather than taking credit away.
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.balance = Math.min(this.maxBalance, this.balance + (elapsedMs / 1000) * this.tracesPerSecond);
    if (this.balance < 1) return { decision: SamplingDecision.NOT_RECORD };
    this.balance -= 1;
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  }

  toString(): string {
    return `RateLimitingSampler{${this.tracesPerSecond}}`;
  }
}
