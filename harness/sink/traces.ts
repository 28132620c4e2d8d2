import type { ReceivedSpan } from './types.js';

/** What trace assembly needs of a span; any ReceivedSpan fits. */
export type SpanLinks = Pick<ReceivedSpan, 'traceId' | 'spanId' | 'parentSpanId'>;

export interface TraceAssembly {
  traces: number;
  /** Exactly one root, and every other span's parent present in the same trace. */
  complete: number;
  broken: number;
  /** Spans whose parent never arrived. */
  orphanSpans: number;
  /** Traces without any root span. */
  rootlessTraces: number;
  /** Repeats of a span already seen in its trace (e.g. an export retried after a timeout); ignored for shape. */
  duplicateSpans: number;
}

function groupByTrace(spans: readonly SpanLinks[]): Map<string, Map<string, SpanLinks>> {
  const traces = new Map<string, Map<string, SpanLinks>>();
  for (const span of spans) {
    let trace = traces.get(span.traceId);
    if (!trace) {
      trace = new Map();
      traces.set(span.traceId, trace);
    }
    if (!trace.has(span.spanId)) trace.set(span.spanId, span);
  }
  return traces;
}

/** Groups spans into traces and judges each one's shape. */
export function assembleTraces(spans: readonly SpanLinks[]): TraceAssembly {
  const traces = groupByTrace(spans);
  const result: TraceAssembly = {
    traces: traces.size,
    complete: 0,
    broken: 0,
    orphanSpans: 0,
    rootlessTraces: 0,
    duplicateSpans: 0,
  };
  let distinctSpans = 0;
  for (const trace of traces.values()) {
    distinctSpans += trace.size;
    let roots = 0;
    let orphans = 0;
    for (const span of trace.values()) {
      if (span.parentSpanId === '') roots += 1;
      else if (!trace.has(span.parentSpanId)) orphans += 1;
    }
    result.orphanSpans += orphans;
    if (roots === 0) result.rootlessTraces += 1;
    if (roots === 1 && orphans === 0) result.complete += 1;
    else result.broken += 1;
  }
  result.duplicateSpans = spans.length - distinctSpans;
  return result;
}
