import type { ReceivedSpan } from '../types.js';
import { fnv1a64, uint64Threshold } from './hash.js';
import type { AndPolicy, BasicPolicy, CompositePolicy, PolicyDecision, StatusCodeName, TailPolicy } from './types.js';

export interface TraceView {
  traceId: string;
  spans: readonly ReceivedSpan[];
}

export type Evaluator = (trace: TraceView) => PolicyDecision;

/** Milliseconds from a monotonic clock. */
export type Clock = () => number;

const STATUS_CODES: Record<StatusCodeName, number> = { UNSET: 0, OK: 1, ERROR: 2 };

const DEFAULT_HASH_SALT = 'default-hash-seed';

const vote = (sampled: boolean): PolicyDecision => (sampled ? 'sampled' : 'not_sampled');

function statusCode(codes: readonly StatusCodeName[]): Evaluator {
  const wanted = new Set(codes.map((code) => STATUS_CODES[code]));
  return ({ spans }) => vote(spans.some((span) => wanted.has(span.statusCode)));
}

/** Whole milliseconds, truncated like Go's Duration.Milliseconds(). */
function traceDurationMs(spans: readonly ReceivedSpan[]): number {
  let start = spans[0].startTimeUnixNano;
  let end = spans[0].endTimeUnixNano;
  for (const span of spans) {
    if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  return Number((end - start) / 1_000_000n);
}

function latency(thresholdMs: number, upperThresholdMs: number | undefined): Evaluator {
  return ({ spans }) => {
    const durationMs = traceDurationMs(spans);
    return vote(
      upperThresholdMs === undefined
        ? durationMs >= thresholdMs
        : thresholdMs < durationMs && durationMs <= upperThresholdMs,
    );
  };
}

function probabilistic(percentage: number, salt: string): Evaluator {
  const threshold = uint64Threshold(percentage / 100);
  const saltState = fnv1a64(Buffer.from(salt, 'utf8'));
  return ({ traceId }) => vote(fnv1a64(Buffer.from(traceId, 'hex'), saltState) <= threshold);
}

/** golang.org/x/time/rate's AllowN: starts full, refills continuously, refuses (and keeps its tokens) when short. */
export function tokenBucket(ratePerSecond: number, capacity: number, clock: Clock): (cost: number) => boolean {
  let tokens = capacity;
  let lastMs = clock();
  return (cost) => {
    const nowMs = clock();
    tokens = Math.min(capacity, tokens + (Math.max(0, nowMs - lastMs) / 1000) * ratePerSecond);
    lastMs = nowMs;
    if (cost > tokens) return false;
    tokens -= cost;
    return true;
  };
}

function rateLimiting(spansPerSecond: number, burstCapacity: number, clock: Clock): Evaluator {
  const allow = tokenBucket(spansPerSecond, burstCapacity, clock);
  return ({ spans }) => vote(allow(spans.length));
}

function stringAttribute(key: string, values: readonly string[], invert: boolean): Evaluator {
  // The collector ignores empty strings in the list and matches string-typed values only.
  const wanted = new Set(values.filter((value) => value !== ''));
  const matches = (span: ReceivedSpan) => {
    const value = key === 'service.name' && !(key in span.attributes) ? span.serviceName : span.attributes[key];
    return typeof value === 'string' && wanted.has(value);
  };
  if (invert) return ({ spans }) => (spans.some(matches) ? 'invert_not_sampled' : 'invert_sampled');
  return ({ spans }) => vote(spans.some(matches));
}

function basic(policy: BasicPolicy, clock: Clock): Evaluator {
  switch (policy.type) {
    case 'always_sample':
      return () => 'sampled';
    case 'status_code':
      return statusCode(policy.status_code.status_codes);
    case 'latency':
      return latency(policy.latency.threshold_ms, policy.latency.upper_threshold_ms);
    case 'probabilistic':
      return probabilistic(
        policy.probabilistic.sampling_percentage,
        policy.probabilistic.hash_salt ?? DEFAULT_HASH_SALT,
      );
    case 'rate_limiting': {
      const { spans_per_second: rate, burst_capacity: burst } = policy.rate_limiting;
      return rateLimiting(rate, burst ?? 2 * rate, clock);
    }
    case 'string_attribute':
      return stringAttribute(
        policy.string_attribute.key,
        policy.string_attribute.values,
        policy.string_attribute.invert_match,
      );
  }
}

function and(policy: AndPolicy, clock: Clock): Evaluator {
  const subs = policy.and.and_sub_policy.map((sub) => basic(sub, clock));
  return (trace) => {
    for (const sub of subs) {
      const decision = sub(trace);
      if (decision === 'not_sampled' || decision === 'invert_not_sampled') return 'not_sampled';
    }
    return 'sampled';
  };
}

/** Spans per second for each sub-policy, truncated to whole spans as the collector's int64 conversion does. */
function allocations(config: CompositePolicy['composite']): Map<string, number> {
  const equalShare = config.max_total_spans_per_second / config.composite_sub_policy.length;
  const byName = new Map<string, number>();
  for (const { policy, percent } of config.rate_allocation) {
    byName.set(policy, Math.trunc(percent > 0 ? (percent / 100) * config.max_total_spans_per_second : equalShare));
  }
  return byName;
}

function composite(policy: CompositePolicy, clock: Clock): Evaluator {
  const config = policy.composite;
  const shares = allocations(config);
  const byName = new Map(config.composite_sub_policy.map((sub) => [sub.name, sub]));
  const subs = config.policy_order.map((name) => {
    const sub = byName.get(name)!;
    return {
      evaluate: sub.type === 'and' ? and(sub, clock) : basic(sub, clock),
      allocated: shares.get(name) ?? 0,
      spentThisSecond: 0,
    };
  });
  let currentSecond = Number.NaN;
  return (trace) => {
    const second = Math.floor(clock() / 1000);
    if (second !== currentSecond) {
      currentSecond = second;
      for (const sub of subs) sub.spentThisSecond = 0;
    }
    for (const sub of subs) {
      const decision = sub.evaluate(trace);
      if (decision !== 'sampled' && decision !== 'invert_sampled') continue;
      const spentIfSampled = sub.spentThisSecond + trace.spans.length;
      if (spentIfSampled > sub.allocated || spentIfSampled > config.max_total_spans_per_second) return 'not_sampled';
      sub.spentThisSecond = spentIfSampled;
      return 'sampled';
    }
    return 'not_sampled';
  };
}

/** An evaluator for one configured policy; stateful ones (rate limits) keep their state in the closure. */
export function buildEvaluator(policy: TailPolicy, clock: Clock): Evaluator {
  if (policy.type === 'and') return and(policy, clock);
  if (policy.type === 'composite') return composite(policy, clock);
  return basic(policy, clock);
}

/**
 * The collector's final decision (README, "Each policy will result in a decision"): an inverted not-sample wins over
 * everything; else any sample samples; else an inverted sample samples when no policy said not-sample; else drop.
 */
export function finalDecision(decisions: readonly PolicyDecision[]): boolean {
  if (decisions.includes('invert_not_sampled')) return false;
  if (decisions.includes('sampled')) return true;
  return decisions.includes('invert_sampled') && !decisions.includes('not_sampled');
}
