import type { SpanKindName } from '../../workloads/shape/types.js';
import type { ReceivedSpan } from '../sink/types.js';
import { assembleTraces } from './assemble.js';
import { attributeFields } from './attributes.js';
import type { NormalizedSpan } from './types.js';

/** What a set of traces looks like from afar: to compare what a run produced with the export it was imported from. */
export interface TraceProfile {
  traces: number;
  /** Mean spans per trace, after de-duplication. */
  spansPerTrace: number;
  /** Share of traces per root operation, `service: span name`; the shares sum to 1. */
  rootMix: Record<string, number>;
}

export const rootOperationOf = (span: Pick<NormalizedSpan, 'service' | 'name'>) => `${span.service}: ${span.name}`;

/** Roots are found as the import finds them: the earliest parentless span, else the earliest span. */
export function traceProfile(spans: readonly NormalizedSpan[]): TraceProfile {
  const { traces } = assembleTraces([...spans]);
  const counts = new Map<string, number>();
  for (const trace of traces) {
    const operation = rootOperationOf(trace.root.span);
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
  }
  const spanCount = traces.reduce((sum, t) => sum + t.spanCount, 0);
  const rootMix: Record<string, number> = {};
  for (const operation of [...counts.keys()].sort()) rootMix[operation] = counts.get(operation)! / traces.length;
  return { traces: traces.length, spansPerTrace: traces.length === 0 ? 0 : spanCount / traces.length, rootMix };
}

const KINDS: SpanKindName[] = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const nsToUs = (ns: bigint) => Number(ns / 1000n) + Number(ns % 1000n) / 1000;

/** The sink's spans (what a run produced) as normalised spans; the sink keeps no events or links. */
export function fromReceivedSpans(spans: readonly ReceivedSpan[]): NormalizedSpan[] {
  return spans.map((s) => ({
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId,
    name: s.name,
    kind: KINDS[s.kind] ?? 'INTERNAL',
    service: s.serviceName,
    startUs: nsToUs(s.startTimeUnixNano),
    endUs: nsToUs(s.endTimeUnixNano),
    ...attributeFields(s.attributes),
    eventNames: [],
    links: [],
    error: s.statusCode === 2,
  }));
}
