/**
 * Tail sampling in the sink, modelled on the OpenTelemetry Collector contrib `tail_sampling` processor
 * (processor/tailsamplingprocessor/README.md in opentelemetry-collector-contrib). Keys are snake_case as in the
 * collector's YAML so a collector config reads the same here; `decision_wait` is parsed into `decision_wait_ms`.
 */

export type StatusCodeName = 'OK' | 'ERROR' | 'UNSET';

interface Named {
  /** Unique among its siblings; stats count sampled traces by top-level name. */
  name: string;
}

/** Samples every trace. */
export interface AlwaysSamplePolicy extends Named {
  type: 'always_sample';
}

/** Samples a trace when any span has one of these status codes. */
export interface StatusCodePolicy extends Named {
  type: 'status_code';
  status_code: { status_codes: StatusCodeName[] };
}

/**
 * Samples on trace duration (latest end − earliest start, whole milliseconds): `>= threshold_ms`, or with an upper
 * bound `threshold_ms < duration <= upper_threshold_ms`, as the collector does.
 */
export interface LatencyPolicy extends Named {
  type: 'latency';
  latency: { threshold_ms: number; upper_threshold_ms?: number };
}

/** Samples a percentage of traces by an FNV-1a hash of the salt and the trace id, as the collector does. */
export interface ProbabilisticPolicy extends Named {
  type: 'probabilistic';
  /** @default hash_salt 'default-hash-seed' (the collector's) */
  probabilistic: { sampling_percentage: number; hash_salt?: string };
}

/** A token bucket of spans: `spans_per_second` refill, `burst_capacity` size. */
export interface RateLimitingPolicy extends Named {
  type: 'rate_limiting';
  /** @default burst_capacity 2 × spans_per_second (the collector's) */
  rate_limiting: { spans_per_second: number; burst_capacity?: number };
}

/**
 * Samples when any span (or its resource: `service.name`) has a string attribute `key` with one of `values`.
 * With `invert_match`, a match votes "inverted not sampled" (which wins over every other vote) and no match
 * votes "inverted sampled".
 */
export interface StringAttributePolicy extends Named {
  type: 'string_attribute';
  /** @default invert_match false */
  string_attribute: { key: string; values: string[]; invert_match: boolean };
}

export type BasicPolicy =
  | AlwaysSamplePolicy
  | StatusCodePolicy
  | LatencyPolicy
  | ProbabilisticPolicy
  | RateLimitingPolicy
  | StringAttributePolicy;

/** Samples when every sub-policy samples (evaluation stops at the first that does not). */
export interface AndPolicy extends Named {
  type: 'and';
  and: { and_sub_policy: BasicPolicy[] };
}

/**
 * Sub-policies in `policy_order`, each with a share of `max_total_spans_per_second` (`rate_allocation` percent; listed
 * with percent 0: an equal share; not listed: none, as in the collector). The first sub-policy that samples decides:
 * sampled while its spans this second fit its share, else not sampled.
 */
export interface CompositePolicy extends Named {
  type: 'composite';
  composite: {
    max_total_spans_per_second: number;
    policy_order: string[];
    composite_sub_policy: (BasicPolicy | AndPolicy)[];
    rate_allocation: { policy: string; percent: number }[];
  };
}

export type TailPolicy = BasicPolicy | AndPolicy | CompositePolicy;

export interface TailSamplingConfig {
  /** Wait after a trace's first span before deciding. @default 30000 (the collector's 30s) */
  decision_wait_ms: number;
  /** Traces held in memory, pending or decided; the oldest is evicted when full. @default 50000 */
  num_traces: number;
  policies: TailPolicy[];
}

/** One policy's vote, as the collector's policy evaluators return it. */
export type PolicyDecision = 'sampled' | 'not_sampled' | 'invert_sampled' | 'invert_not_sampled';

export interface DecisionDelayMs {
  /** Traces decided. */
  count: number;
  /** From a trace's first span to its decision; 0 when none decided. */
  p50: number;
  p99: number;
  max: number;
}

/** What tail sampling did and what its buffering cost, since the engine started or was reset. */
export interface TailStats {
  /** Traces that started buffering (one whose decision was forgotten counts again when more spans arrive). */
  tracesSeen: number;
  tracesSampled: number;
  /** Decided and not sampled. */
  tracesDropped: number;
  /** Pushed out by `num_traces` before their decision: their spans are lost. */
  tracesEvicted: number;
  /** Buffered, awaiting their decision. */
  tracesPending: number;
  /** Decided by flush() before `decision_wait` had elapsed. */
  tracesFlushed: number;
  spansReceived: number;
  /** Handed on as kept, late spans of sampled traces included. */
  spansKept: number;
  /** In traces not sampled, late spans included. */
  spansDropped: number;
  spansEvicted: number;
  /** Arrived after their trace was decided; they followed the decision. */
  lateSpans: number;
  peakBufferedSpans: number;
  /** Estimated from span content (≈ OTLP protobuf size), not the V8 heap, which is several times larger. */
  peakBufferedBytes: number;
  decisionDelayMs: DecisionDelayMs;
  /** Traces each top-level policy voted to sample (votes overlap: one trace can count for several). */
  sampledByPolicy: Record<string, number>;
}
