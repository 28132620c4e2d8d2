import type { ReceivedSpan } from '../../harness/sink/types.js';
import type { TailPolicy, TailSamplingConfig } from '../../harness/sink/tail/types.js';

export interface SpanSpec {
  spanId?: string;
  parentSpanId?: string;
  serviceName?: string;
  statusCode?: number;
  startMs?: number;
  durationMs?: number;
  attributes?: ReceivedSpan['attributes'];
}

let nextSpanId = 1;

/** A span of `traceId` (pad it to 32 hex digits); times in ms from an arbitrary epoch. */
export function span(traceId: string, spec: SpanSpec = {}): ReceivedSpan {
  const startNs = BigInt(Math.round((spec.startMs ?? 0) * 1e6)) + 1_700_000_000_000_000_000n;
  return {
    traceId: traceId.padStart(32, '0'),
    spanId: spec.spanId ?? (nextSpanId++).toString(16).padStart(16, '0'),
    parentSpanId: spec.parentSpanId ?? '',
    name: 'op',
    kind: 2,
    serviceName: spec.serviceName ?? 'svc',
    statusCode: spec.statusCode ?? 0,
    startTimeUnixNano: startNs,
    endTimeUnixNano: startNs + BigInt(Math.round((spec.durationMs ?? 1) * 1e6)),
    attributes: spec.attributes ?? {},
  };
}

export function fakeClock(startMs = 10_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms), set: (ms: number) => (nowMs = ms) };
}

export function config(policies: TailPolicy[], overrides: Partial<TailSamplingConfig> = {}): TailSamplingConfig {
  return { decision_wait_ms: 1_000, num_traces: 50_000, policies, ...overrides };
}
