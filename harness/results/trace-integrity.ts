import { assembleTraces, type TraceAssembly } from '../sink/traces.js';
import type { ReceivedSpan } from '../sink/types.js';
import { TRUTH_ATTRIBUTES } from '../../workloads/shape/types.js';

export interface TraceIntegrity extends TraceAssembly {
  /** Requests (by ground-truth id) that left spans at the sink. */
  requestsSeen: number;
  /** Requests whose spans all share one trace id, and that trace is complete. */
  requestsWhole: number;
  /**
   * Requests whose spans arrived in two or more traces: context did not cross a service boundary (a propagator
   * mismatch), so the callee started a new trace. Each such trace can look complete on its own.
   */
  requestsSplit: number;
}

/**
 * Trace assembly by trace id (orphans, rootless traces) plus what only ground truth can show: one request split
 * into several traces. Spans carry the request id on SERVER and CONSUMER spans; `idPrefix` keeps the window's.
 */
export function traceIntegrity(spans: readonly ReceivedSpan[], idPrefix = ''): TraceIntegrity {
  const assembly = assembleTraces(spans);
  const byTrace = new Map<string, ReceivedSpan[]>();
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const completeTrace = new Map<string, boolean>();
  for (const [traceId, list] of byTrace) completeTrace.set(traceId, assembleTraces(list).complete === 1);
  const tracesOfRequest = new Map<string, Set<string>>();
  for (const span of spans) {
    const id = span.attributes[TRUTH_ATTRIBUTES.requestId];
    if (typeof id !== 'string' || !id.startsWith(idPrefix)) continue;
    let set = tracesOfRequest.get(id);
    if (!set) {
      set = new Set();
      tracesOfRequest.set(id, set);
    }
    set.add(span.traceId);
  }
  let requestsWhole = 0;
  let requestsSplit = 0;
  for (const traces of tracesOfRequest.values()) {
    if (traces.size > 1) requestsSplit++;
    else if (completeTrace.get([...traces][0])) requestsWhole++;
  }
  return { ...assembly, requestsSeen: tracesOfRequest.size, requestsWhole, requestsSplit };
}
