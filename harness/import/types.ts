import type { SpanKindName, WorkloadShape } from '../../workloads/shape/types.js';

export type TraceFormat = 'otlp-json' | 'jaeger' | 'zipkin';
export const TRACE_FORMATS: readonly TraceFormat[] = ['otlp-json', 'jaeger', 'zipkin'];

/** A reference from a span to another span context (an OTLP link, or a Jaeger reference that is not the parent). */
export interface SpanLink {
  traceId: string;
  spanId: string;
}

/** One span from any export format, reduced to what the shape builder needs. Times are µs since the Unix epoch. */
export interface NormalizedSpan {
  traceId: string;
  spanId: string;
  /** Empty string for a root span. */
  parentSpanId: string;
  name: string;
  kind: SpanKindName;
  service: string;
  startUs: number;
  endUs: number;
  /** Span attributes (tags), without the ones a format uses to carry kind and status. */
  attributeCount: number;
  /** UTF-8 bytes of all attribute values, as strings. */
  attributeValueBytes: number;
  eventNames: string[];
  links: SpanLink[];
  error: boolean;
  /** `http.request.method` or `http.method`, upper case. */
  httpMethod?: string;
  /** `http.route`, else `url.path` or `http.target` without the query string. */
  httpRoute?: string;
  /** `messaging.destination.name`: names the queue of a publish. */
  messagingDestination?: string;
}

/** What a parser found besides the spans. */
export interface ParseResult {
  spans: NormalizedSpan[];
  /** Spans without a trace id or span id, or without times: skipped. */
  skippedSpans: number;
}

export interface ImportOptions {
  format: TraceFormat;
  /** Workload name. @default the file name without extension */
  name?: string;
  /** Self time above this is wait, for spans that are not CLIENT/PRODUCER. @default 200 */
  maxCpuUsPerSpan?: number;
  /** Files above this size are refused (JSON.parse holds the whole text and several times its size in objects). @default 256 MiB */
  maxFileBytes?: number;
}

export const DEFAULT_MAX_CPU_US_PER_SPAN = 200;
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
/** A request is slow when its root span took more than this many times its route's median. */
export const SLOW_FACTOR = 2;

/** Counters of what the import repaired, dropped or assumed; all go to the summary. */
export interface ImportStats {
  traces: number;
  /** Spans after de-duplication. */
  spans: number;
  skippedSpans: number;
  duplicateSpans: number;
  /** Spans whose parent is missing, parentless spans beyond a trace's first root, and spans in parent cycles: re-attached. */
  orphanSpans: number;
  /** Traces with no parentless span: their earliest span became the root. */
  rootlessTraces: number;
  /** Children that started before their parent, and spans that ended before they started: clamped. */
  skewCorrections: number;
  /** Cross-service children kept inline in the caller's tree (no CLIENT parent, a call cycle, or a self-call). */
  inlinedCrossService: number;
  /** Extra remote SERVER / CONSUMER children of one CLIENT / PRODUCER span (a shape span calls or publishes once). */
  droppedExtraRemoteSpans: number;
  /** Durations, attribute counts or sizes above what the workload schema accepts: clamped to its maximum. */
  clampedValues: number;
  /** Root operations of other services, moved into the entry service as routes. */
  movedRootOperations: string[];
}

export interface ImportResult {
  shape: WorkloadShape;
  /** The validated YAML, byte-identical for the same input and options. */
  yaml: string;
  stats: ImportStats;
  /** Lines for stderr: counts, repairs and the heuristics used. */
  summary: string[];
}
