import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

export type AttributeValue = string | number | boolean;

export interface BiasedHeadOptions {
  /** Fraction of the remaining traces kept, by trace id (the SDK's TraceIdRatioBased), in [0, 1]. */
  ratio: number;
  /** `http.route` values always sampled, e.g. `/api/checkout`. @default [] */
  alwaysRoutes?: readonly string[];
  /** Start attributes that always sample when equal to this value (compared as strings), e.g. `{ 'user.tier': 'debug' }`. @default {} */
  alwaysAttributes?: Readonly<Record<string, AttributeValue>>;
}

/** The ground-truth marks are the answer key of the study: a head sampler that read them would be clairvoyant. */
const ANSWER_KEY_PREFIX = 'tracebench.truth.';

/**
 * The error-and-slow-biased head sampler users write: sample when the span's start attributes say the request is
 * risky (its `http.route` is in `alwaysRoutes`, or an attribute equals one in `alwaysAttributes`), else at `ratio` by
 * trace id.
 *
 * It can only see what is known at span start: the route, the method, the caller's attributes. It cannot see the
 * outcome: whether this request will fail or be slow is decided after the sampler has run, so an error on a route
 * nobody listed is kept only at `ratio`. That blind spot is what the sampling study measures.
 *
 * Meant as the root of a ParentBasedSampler (the `biased` name builds it so), so a risky root keeps its whole trace.
 */
export class BiasedHeadSampler implements Sampler {
  private readonly routes: ReadonlySet<string>;
  private readonly attributes: readonly [string, string][];
  private readonly byRatio: TraceIdRatioBasedSampler;

  constructor(readonly options: BiasedHeadOptions) {
    if (!(options.ratio >= 0 && options.ratio <= 1))
      throw new RangeError(`ratio must be between 0 and 1, got ${options.ratio}`);
    const keys = Object.keys(options.alwaysAttributes ?? {});
    const answerKey = keys.find((key) => key.startsWith(ANSWER_KEY_PREFIX));
    if (answerKey)
      throw new RangeError(
        `alwaysAttributes.${answerKey}: ground truth (${ANSWER_KEY_PREFIX}*) is what the study measures; a head sampler may not read it`,
      );
    this.routes = new Set(options.alwaysRoutes ?? []);
    this.attributes = Object.entries(options.alwaysAttributes ?? {}).map(([key, value]) => [key, String(value)]);
    this.byRatio = new TraceIdRatioBasedSampler(options.ratio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    _spanName: string,
    _spanKind: SpanKind,
    attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    if (this.isRisky(attributes)) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.byRatio.shouldSample(context, traceId);
  }

  private isRisky(attributes: Attributes): boolean {
    const route = attributes['http.route'];
    if (typeof route === 'string' && this.routes.has(route)) return true;
    for (const [key, value] of this.attributes) {
      const actual = attributes[key];
      if (actual !== undefined && actual !== null && String(actual) === value) return true;
    }
    return false;
  }

  toString(): string {
    const routes = [...this.routes].join(',');
    const attributes = this.attributes.map(([key, value]) => `${key}=${value}`).join(',');
    return `BiasedHeadSampler{ratio=${this.options.ratio}, routes=[${routes}], attributes=[${attributes}]}`;
  }
}
