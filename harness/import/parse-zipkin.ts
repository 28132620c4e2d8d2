import { isObject, type JsonObject } from '../sink/values.js';
import type { SpanKindName } from '../../workloads/shape/types.js';
import { MAPPING_TAGS, attributeFields, hexId, isErrorTag } from './attributes.js';
import type { ExportDocument } from './read-export.js';
import { wrongFormat } from './sniff.js';
import type { NormalizedSpan, ParseResult } from './types.js';

type Value = string | number | boolean;
const list = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

function kindOf(value: unknown): SpanKindName {
  const kind = String(value ?? '').toUpperCase();
  return kind === 'SERVER' || kind === 'CLIENT' || kind === 'PRODUCER' || kind === 'CONSUMER' ? kind : 'INTERNAL';
}

function tagsOf(value: unknown): Record<string, Value> {
  if (!isObject(value)) return {};
  const tags: Record<string, Value> = {};
  for (const [key, v] of Object.entries(value))
    tags[key] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
  return tags;
}

function toSpan(span: JsonObject): NormalizedSpan | undefined {
  const traceId = hexId(span.traceId);
  const spanId = hexId(span.id);
  const startUs =
    typeof span.timestamp === 'number' || typeof span.timestamp === 'string' ? Number(span.timestamp) : Number.NaN;
  // An in-flight span has no duration yet.
  const durationUs = Number(span.duration ?? 0);
  if (!traceId || !spanId || !Number.isFinite(startUs) || !Number.isFinite(durationUs)) return undefined;
  const tags = tagsOf(span.tags);
  const endpoint = isObject(span.localEndpoint) ? span.localEndpoint : {};
  return {
    traceId,
    spanId,
    parentSpanId: hexId(span.parentId),
    name: typeof span.name === 'string' ? span.name : '',
    kind: kindOf(span.kind),
    service:
      typeof endpoint.serviceName === 'string' && endpoint.serviceName ? endpoint.serviceName : 'unknown_service',
    startUs,
    endUs: startUs + durationUs,
    ...attributeFields(tags, MAPPING_TAGS),
    eventNames: list(span.annotations).map((a) => (typeof a.value === 'string' ? a.value : '')),
    links: [],
    error: isErrorTag(tags, true),
  };
}

/**
 * B3 "shared" spans: a SERVER half reuses its CLIENT's span id. The server half gets its own id and becomes the client's
 * child, and the children in its service (the server's work) move under it.
 */
function splitSharedSpans(spans: NormalizedSpan[], shared: boolean[]): void {
  const clients = new Set(
    spans.filter((s, i) => s.kind === 'CLIENT' && !shared[i]).map((s) => `${s.traceId}/${s.spanId}`),
  );
  spans.forEach((server, i) => {
    const key = `${server.traceId}/${server.spanId}`;
    if (!shared[i] || server.kind !== 'SERVER' || !clients.has(key)) return;
    const serverId = `${server.spanId}.server`;
    for (const child of spans)
      if (child.traceId === server.traceId && child.parentSpanId === server.spanId && child.service === server.service)
        child.parentSpanId = serverId;
    server.parentSpanId = server.spanId;
    server.spanId = serverId;
  });
}

/** Zipkin v2 JSON: an array of spans; times in µs. */
export function parseZipkin(documents: Iterable<ExportDocument>, label: string): ParseResult {
  const spans: NormalizedSpan[] = [];
  const shared: boolean[] = [];
  let skippedSpans = 0;
  for (const document of documents) {
    const array = document.value;
    if (!Array.isArray(array) || (array.length > 0 && !array.some((s) => isObject(s) && 'traceId' in s)))
      throw wrongFormat(label, document, 'zipkin');
    for (const raw of list(array)) {
      const span = toSpan(raw);
      if (!span) {
        skippedSpans++;
        continue;
      }
      spans.push(span);
      shared.push(raw.shared === true);
    }
  }
  splitSharedSpans(spans, shared);
  return { spans, skippedSpans };
}
