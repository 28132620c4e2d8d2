import { addToPart, type DecodedSpans, type TrialPart } from './decoded-spans.js';
import {
  countOnlyRequestType,
  exportTraceServiceRequestType,
  type PbCountOnlyRequest,
  type PbExportTraceServiceRequest,
  type PbSpan,
} from './otlp-trace-proto.js';
import type { ReceivedSpan } from './types.js';
import { bytesToHex, serviceNameOf, toAttributes, toBigInt, trialIdOf } from './values.js';

function countSpans(body: Buffer): DecodedSpans {
  const request = countOnlyRequestType.decode(body) as unknown as PbCountOnlyRequest;
  const parts: TrialPart[] = [];
  let spanCount = 0;
  for (const resourceSpans of request.resourceSpans) {
    let count = 0;
    for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
    spanCount += count;
    addToPart(parts, trialIdOf(resourceSpans.resource?.attributes), count, []);
  }
  return { spanCount, parts };
}

function toReceivedSpan(span: PbSpan, serviceName: string): ReceivedSpan {
  return {
    traceId: bytesToHex(span.traceId),
    spanId: bytesToHex(span.spanId),
    parentSpanId: bytesToHex(span.parentSpanId),
    name: span.name,
    kind: span.kind,
    serviceName,
    statusCode: span.status?.code ?? 0,
    startTimeUnixNano: toBigInt(span.startTimeUnixNano),
    endTimeUnixNano: toBigInt(span.endTimeUnixNano),
    attributes: toAttributes(span.attributes),
    ...(span.links && span.links.length > 0
      ? { links: span.links.map((l) => ({ traceId: bytesToHex(l.traceId), spanId: bytesToHex(l.spanId) })) }
      : {}),
  };
}

/** Decodes an OTLP ExportTraceServiceRequest; with `wantSpans` false it only walks the framing and the resources. */
export function decodeOtlpProtobuf(body: Buffer, wantSpans: boolean): DecodedSpans {
  if (!wantSpans) return countSpans(body);
  const request = exportTraceServiceRequestType.decode(body) as unknown as PbExportTraceServiceRequest;
  const parts: TrialPart[] = [];
  let spanCount = 0;
  for (const resourceSpans of request.resourceSpans) {
    const serviceName = serviceNameOf(resourceSpans.resource?.attributes);
    const trialId = trialIdOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      spanCount += scopeSpans.spans.length;
      addToPart(
        parts,
        trialId,
        scopeSpans.spans.length,
        scopeSpans.spans.map((span) => toReceivedSpan(span, serviceName)),
      );
    }
  }
  return { spanCount, parts };
}
