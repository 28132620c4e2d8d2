import { addToPart, type DecodedSpans, type TrialPart } from './decoded-spans.js';
import type { ReceivedSpan } from './types.js';
import { isObject, jsonIdToHex, serviceNameOf, toAttributes, toBigInt, trialIdOf, type JsonObject } from './values.js';

const SPAN_KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODE_NAMES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** OTLP JSON says enums are integers; the protobuf JSON mapping also allows their names. */
function enumNumber(value: unknown, names: Record<string, number>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return names[value] ?? (Number(value) || 0);
  return 0;
}

/** A repeated field: absent is empty, anything but an array of objects is malformed. */
function objectList(value: unknown, path: string): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every(isObject)) throw new Error(`${path}: expected an array of objects`);
  return value;
}

function toReceivedSpan(span: JsonObject, serviceName: string): ReceivedSpan {
  const status = isObject(span.status) ? span.status : {};
  return {
    traceId: jsonIdToHex(span.traceId, 16),
    spanId: jsonIdToHex(span.spanId, 8),
    parentSpanId: jsonIdToHex(span.parentSpanId, 8),
    name: typeof span.name === 'string' ? span.name : '',
    kind: enumNumber(span.kind, SPAN_KIND_NAMES),
    serviceName,
    statusCode: enumNumber(status.code, STATUS_CODE_NAMES),
    startTimeUnixNano: toBigInt(span.startTimeUnixNano),
    endTimeUnixNano: toBigInt(span.endTimeUnixNano),
    attributes: toAttributes(span.attributes),
    ...(Array.isArray(span.links) && span.links.length > 0
      ? {
          links: span.links
            .filter(isObject)
            .map((l) => ({ traceId: jsonIdToHex(l.traceId, 16), spanId: jsonIdToHex(l.spanId, 8) })),
        }
      : {}),
  };
}

/** Decodes an OTLP/JSON ExportTraceServiceRequest. */
export function decodeOtlpJson(body: Buffer, wantSpans: boolean): DecodedSpans {
  const request: unknown = JSON.parse(body.toString('utf8'));
  if (!isObject(request)) throw new Error('request: expected a JSON object');
  let spanCount = 0;
  const parts: TrialPart[] = [];
  for (const resourceSpans of objectList(request.resourceSpans, 'resourceSpans')) {
    const resource = isObject(resourceSpans.resource) ? resourceSpans.resource : {};
    const serviceName = wantSpans ? serviceNameOf(resource.attributes) : '';
    const trialId = trialIdOf(resource.attributes);
    for (const scopeSpans of objectList(resourceSpans.scopeSpans, 'scopeSpans')) {
      const scopeSpanList = objectList(scopeSpans.spans, 'spans');
      spanCount += scopeSpanList.length;
      addToPart(
        parts,
        trialId,
        scopeSpanList.length,
        wantSpans ? scopeSpanList.map((span) => toReceivedSpan(span, serviceName)) : [],
      );
    }
  }
  return { spanCount, parts };
}
