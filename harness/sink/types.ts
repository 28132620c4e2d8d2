import type { SinkSetting } from '../config/types.js';
import type { TailSamplingConfig, TailStats } from './tail/types.js';

export type { TailSamplingConfig, TailStats } from './tail/types.js';

/** One received span, reduced to what trace assembly and shape checks need. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty string for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP kind number: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  serviceName: string;
  /** 0 unset, 1 ok, 2 error (OTLP status code). */
  statusCode: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, string | number | boolean>;
  /** Span contexts this span links to (OTLP only; Zipkin has no links). Absent when there are none. */
  links?: { traceId: string; spanId: string }[];
}

export type SinkProtocol = 'otlp-protobuf' | 'otlp-json' | 'zipkin';

export interface SinkStats {
  /** Export requests that arrived, whatever the answer. */
  requests: number;
  /** Requests answered with an error status by the `error` fault mode. */
  rejectedRequests: number;
  /** Requests that could not be decoded (answered 400). */
  malformedRequests: number;
  /** Spans decoded from requests that were accepted (2xx); the count to match against `exported`. */
  spansReceived: number;
  /** Spans in requests the fault mode rejected. */
  spansRejected: number;
  /** Request body bytes, as sent (compressed size if compressed). */
  bytesReceived: number;
  byProtocol: Record<SinkProtocol, { requests: number; spans: number; bytes: number }>;
}

export interface SinkOptions {
  fault: SinkSetting;
  /** Keep decoded spans (for trace assembly); only counts when false. @default false */
  keepSpans?: boolean;
  /** Upper bound on kept spans, to bound memory. @default 200000 */
  maxKeptSpans?: number;
  /**
   * Tail sampling: accepted spans are buffered by trace and kept only when the policies sample their trace; implies
   * `keepSpans`. Stats still count every accepted span. @default none (every accepted span is kept)
   */
  tail?: TailSamplingConfig;
}

export interface Sink {
  /** Base URL, `http://127.0.0.1:PORT`; for `down`, a port where nothing listens. */
  readonly url: string;
  /** `${url}/v1/traces` */
  readonly otlpTracesUrl: string;
  /** `${url}/api/v2/spans` */
  readonly zipkinSpansUrl: string;
  stats(): SinkStats;
  /** Kept spans (empty unless keepSpans or tail); with tail, only the spans of sampled traces decided so far. */
  spans(): ReceivedSpan[];
  /** What tail sampling did and cost; undefined without `tail`. */
  tailStats(): TailStats | undefined;
  /** Decides every trace tail sampling still buffers, as if its wait were over (end of a trial); no-op without `tail`. */
  flushTail(): void;
  /** Replaces the tail sampling config (undefined: none), dropping its buffered traces and stats; for between trials. */
  setTail(tail: TailSamplingConfig | undefined): void;
  /** Zero the counters and drop kept spans and tail state, timers included (between trials). */
  reset(): void;
  close(): Promise<void>;
}
