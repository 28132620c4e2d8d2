import { addToPart, type DecodedSpans, type TrialPart } from './decoded-spans.js';
import { TRIAL_ID_ATTRIBUTE, type ReceivedSpan } from './types.js';
import { isObject, type JsonObject } from './values.js';

const ZIPKIN_KINDS: Record<string, number> = { SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 };

/** Zipkin times are microseconds, possibly fractional; split so nanoseconds stay exact past 2^53. */
function microsToNanos(micros: unknown): bigint {
  if (typeof micros !== 'number' || !Number.isFinite(micros)) return 0n;
  const whole = Math.trunc(micros);
  return BigInt(whole) * 1000n + BigInt(Math.round((micros - whole) * 1000));
}

/** The OTel Zipkin exporter sets `error` only when the status has a message; `otel.status_code` always. */
function statusCodeOf(tags: Record<string, string>): number {
  if ('error' in tags || tags['otel.status_code'] === 'ERROR') return 2;
  return tags['otel.status_code'] === 'OK' ? 1 : 0;
}

function toReceivedSpan(span: JsonObject): ReceivedSpan {
  const tags: Record<string, string> = {};
  if (isObject(span.tags)) for (const [key, value] of Object.entries(span.tags)) tags[key] = String(value);
  const start = microsToNanos(span.timestamp);
  const localEndpoint = isObject(span.localEndpoint) ? span.localEndpoint : {};
  return {
    traceId: typeof span.traceId === 'string' ? span.traceId.toLowerCase() : '',
    spanId: typeof span.id === 'string' ? span.id.toLowerCase() : '',
    parentSpanId: typeof span.parentId === 'string' ? span.parentId.toLowerCase() : '',
    name: typeof span.name === 'string' ? span.name : '',
    kind: typeof span.kind === 'string' ? (ZIPKIN_KINDS[span.kind] ?? 1) : 1,
    serviceName: typeof localEndpoint.serviceName === 'string' ? localEndpoint.serviceName : '',
    statusCode: statusCodeOf(tags),
    startTimeUnixNano: start,
    endTimeUnixNano: start + microsToNanos(span.duration),
    attributes: tags,
  };
}

/** Zipkin v2 has no resource: the OTel Zipkin exporter copies resource attributes into every span's tags, trial id included. */
function trialIdOfSpan(span: JsonObject): string | null {
  const value = isObject(span.tags) ? span.tags[TRIAL_ID_ATTRIBUTE] : undefined;
  return value === undefined || value === null || value === '' ? null : String(value);
}

/** Decodes a Zipkin v2 JSON span list. */
export function decodeZipkin(body: Buffer, wantSpans: boolean): DecodedSpans {
  const list: unknown = JSON.parse(body.toString('utf8'));
  if (!Array.isArray(list) || !list.every(isObject)) throw new Error('expected a JSON array of span objects');
  const parts: TrialPart[] = [];
  for (const span of list) addToPart(parts, trialIdOfSpan(span), 1, wantSpans ? [toReceivedSpan(span)] : []);
  return { spanCount: list.length, parts };
}
