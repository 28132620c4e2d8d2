import type { SinkSetting } from '../config/types.js';
import type { FaultPolicy } from './fault.js';
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

/**
 * The resource attribute that names the trial a service process belongs to; the harness sets it through
 * OTEL_RESOURCE_ATTRIBUTES, and the sink attributes each span by it (for Zipkin, by the span tag the exporter copies it to).
 */
export const TRIAL_ID_ATTRIBUTE = 'tracebench.trial.id';

export interface TrialOptions {
  /**
   * False for a trial whose services send the sink nothing (a baseline, or exporter none/console): spans with no trial id
   * are then another trial's, never its own. @default true
   */
  expectsSpans?: boolean;
}

/** Whose the spans were, by trial id: the open trial's, or late, stray or unknown and never counted as its own. */
export interface SinkAttributionStats {
  /** The open trial (beginTrial); null before the first trial (every span counts) and between trials. */
  trialId: string | null;
  /** Of spansReceived, spans with no trial id in a trial that sends spans: assumed its own, not known to be. */
  spansUnattributed: number;
  /** The open trial's spans that arrived and still wait behind the `slow` delay: not counted yet, they land late. */
  spansPending: number;
  /** Accepted spans of earlier trials, by trial id, that arrived after their trial's accounting closed. */
  spansLate: Record<string, number>;
  /** Accepted spans with no trial id while no trial that sends spans was open (a baseline): late spans of an unknown trial. */
  spansStray: number;
  /** Accepted spans whose trial id this sink never began (a service left running by another run?). */
  spansUnknownTrial: number;
}

/** `otlp-protobuf` and `otlp-json` are OTLP/HTTP; `otlp-grpc` is OTLP/gRPC (protobuf messages, its own port). */
export type SinkProtocol = 'otlp-protobuf' | 'otlp-json' | 'otlp-grpc' | 'zipkin';

export interface SinkStats extends SinkAttributionStats {
  /** Export requests that arrived during the open trial, whatever the answer, except those carrying only other trials' spans. */
  requests: number;
  /** Requests answered with an error status by the `error` fault mode (or an outage in that mode). */
  rejectedRequests: number;
  /** Requests read and never answered (`timeout` mode, or an outage in that mode). */
  hungRequests: number;
  /** Requests whose connection was reset instead of an answer (`flaky`, or a `down` outage on a kept-alive connection). */
  resetRequests: number;
  /** Connections reset as they arrived, before any request (a `down` outage). */
  resetConnections: number;
  /** Spans in hung and reset requests: never acknowledged, so not in spansReceived. */
  spansUnanswered: number;
  /** Requests that could not be decoded (answered 400). */
  malformedRequests: number;
  /** The open trial's spans (own id, or none in a trial that sends spans) from accepted (2xx) requests; the count to match against `exported`. */
  spansReceived: number;
  /** Spans in requests the fault mode rejected. */
  spansRejected: number;
  /** Request body bytes, as sent (compressed size if compressed); for gRPC the messages without their 5-byte prefix. */
  bytesReceived: number;
  /** The same bodies after decompression, of the requests that could be read (equal to bytesReceived when none was compressed). */
  bytesUncompressed: number;
  byProtocol: Record<SinkProtocol, { requests: number; spans: number; bytes: number }>;
}

/** The outage schedule as the sink ran it, in ms from the measured window's start. */
export interface SinkOutage {
  fromMs: number;
  toMs: number;
  /** When the first export after the outage was accepted; null when none was (yet). */
  firstAcceptedAfterMs: number | null;
}

export interface SinkOptions {
  fault: SinkSetting;
  /** The clock the outage schedule runs on, ms (tests inject one). @default performance.now */
  nowMs?: () => number;
  /** Keep decoded spans (for trace assembly); only counts when false. @default false */
  keepSpans?: boolean;
  /** Upper bound on kept spans, to bound memory. @default 200000 */
  maxKeptSpans?: number;
  /**
   * Tail sampling: accepted spans are buffered by trace and kept only when the policies sample their trace; implies
   * `keepSpans`. Stats still count every accepted span. @default none (every accepted span is kept)
   */
  tail?: TailSamplingConfig;
  /** Also start the OTLP/gRPC receiver (TraceService/Export) on a port of its own. @default false */
  grpc?: boolean;
  /** Decides each request instead of the policy built from `fault` (tests of how decisions are answered). */
  faultPolicy?: FaultPolicy;
}

export interface Sink {
  /** Base URL, `http://127.0.0.1:PORT`; for `down`, a port where nothing listens. */
  readonly url: string;
  /** `${url}/v1/traces` */
  readonly otlpTracesUrl: string;
  /** `${url}/api/v2/spans` */
  readonly zipkinSpansUrl: string;
  /** `http://127.0.0.1:PORT` of the OTLP/gRPC receiver, when started with `grpc` (for `down`, where nothing listens). */
  readonly otlpGrpcUrl?: string;
  stats(): SinkStats;
  /** Kept spans (empty unless keepSpans or tail); with tail, only the spans of sampled traces decided so far. */
  spans(): ReceivedSpan[];
  /** What tail sampling did and cost; undefined without `tail`. */
  tailStats(): TailStats | undefined;
  /** Decides every trace tail sampling still buffers, as if its wait were over (end of a trial); no-op without `tail`. */
  flushTail(): void;
  /** Replaces the tail sampling config (undefined: none), dropping its buffered traces and stats; for between trials. */
  setTail(tail: TailSamplingConfig | undefined): void;
  /**
   * Opens a trial: zeroes the counters, drops kept spans and tail state, and from now on counts only spans carrying
   * `trialId` (or none, when the trial sends spans) as received; other trials' spans are tallied as late.
   * Throws a RangeError for an id used before.
   */
  beginTrial(trialId: string, options?: TrialOptions): void;
  /**
   * Closes the open trial: its spans count as late from now on. The late tallies restart unless `lateReported` is
   * false (a failed trial has no record to report them), in which case the next trial reports them. @default true
   */
  endTrial(lateReported?: boolean): void;
  /** The measured window starts now: the outage schedule (sink setting `outage`) counts from here. */
  windowStarted(): void;
  /** The outage as run since `windowStarted`; undefined without an outage or before the window. */
  outage(): SinkOutage | undefined;
  /** Zero the counters and drop kept spans and tail state, timers included; the open trial stays open. */
  reset(): void;
  close(): Promise<void>;
}
