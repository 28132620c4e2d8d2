import {
  isSpanContextValid,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type SpanKind,
} from '@opentelemetry/api';
import {
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

/** `arg` in the matrix: a ratio alone (`arg: 0.01`), or the ratio with the routes known to fail or be slow. */
export type ErrorAndSlowArg = number | { ratio: number; routes?: string[] };

/** Writes change state and fail more often than reads; a head sampler sees the method at span start. */
const RISKY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The error-and-slow head sampler teams write: a trace whose root looks risky at span start (a write method, or a
 * route listed as failing or slow) is always kept, the rest at `ratio` by trace id; children follow their parent.
 * It can only use what is known at span start: a failure on a route nobody listed is kept at `ratio` only.
 *
 * Matrix entry: `sampler: [{ module: ./error-and-slow-sampler.js, arg: 0.01 }]` (the compiled file).
 */
export default class ErrorAndSlowSampler implements Sampler {
  private readonly routes: ReadonlySet<string>;
  private readonly byRatio: TraceIdRatioBasedSampler;
  private readonly ratio: number;

  constructor(arg: ErrorAndSlowArg = 0.01) {
    const options = typeof arg === 'number' ? { ratio: arg } : arg;
    if (!(typeof options?.ratio === 'number' && options.ratio >= 0 && options.ratio <= 1))
      throw new RangeError(
        `error-and-slow sampler: arg must be a ratio in [0, 1] or { ratio, routes }, got ${JSON.stringify(arg)}`,
      );
    this.ratio = options.ratio;
    this.routes = new Set(options.routes ?? []);
    this.byRatio = new TraceIdRatioBasedSampler(options.ratio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    _name: string,
    _kind: SpanKind,
    attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    const parent = trace.getSpanContext(context);
    if (parent && isSpanContextValid(parent))
      return {
        decision:
          parent.traceFlags & TraceFlags.SAMPLED ? SamplingDecision.RECORD_AND_SAMPLED : SamplingDecision.NOT_RECORD,
      };
    const method = attributes['http.request.method'] ?? attributes['http.method'];
    const route = attributes['http.route'] ?? attributes['url.path'] ?? attributes['http.target'];
    if (
      (typeof method === 'string' && RISKY_METHODS.has(method)) ||
      (typeof route === 'string' && this.routes.has(route))
    )
      return { decision: SamplingDecision.RECORD_AND_SAMPLED, attributes: { 'sampling.reason': 'risky' } };
    return this.byRatio.shouldSample(context, traceId);
  }

  toString(): string {
    return `ErrorAndSlowSampler{ratio=${this.ratio}, routes=${[...this.routes].join(',')}}`;
  }
}
