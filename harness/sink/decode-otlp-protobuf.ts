import type { DecodedSpans } from './decoded-spans.js';
import {
  countOnlyRequestType,
  exportTraceServiceRequestType,
  type PbCountOnlyRequest,
  type PbExportTraceServiceRequest,
} from './otlp-trace-proto.js';
import type { ReceivedSpan } from './types.js';
import { bytesToHex, serviceNameOf, toAttributes, toBigInt } from './values.js';

function countSpans(body: Buffer): number {
  const request = countOnlyRequestType.decode(body) as unknown as PbCountOnlyRequest;
  let count = 0;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) count += scopeSpans.spans.length;
  }
  return count;
}

/** Decodes an OTLP ExportTraceServiceRequest; with `wantSpans` false it only walks the framing. */
export function decodeOtlpProtobuf(body: Buffer, wantSpans: boolean): DecodedSpans {
  if (!wantSpans) return { spanCount: countSpans(body), spans: [] };
  const request = exportTraceServiceRequestType.decode(body) as unknown as PbExportTraceServiceRequest;
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans) {
    const serviceName = serviceNameOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        spans.push({
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
          ...(span.links && span.links.length > 0 ? { links: span.links.map((l) => ({ traceId: bytesToHex(l.traceId), spanId: bytesToHex(l.spanId) })) } : {}),
        });
      }
    }
  }
  return { spanCount: spans.length, spans };
}
