import { isObject, type JsonObject } from '../sink/values.js';
import type { SpanKindName } from '../../workloads/shape/types.js';
import { MAPPING_TAGS, attributeFields, hexId, isErrorTag } from './attributes.js';
import type { ExportDocument } from './read-export.js';
import { wrongFormat } from './sniff.js';
import type { NormalizedSpan, ParseResult, SpanLink } from './types.js';

type Value = string | number | boolean;
const list = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

function tagsOf(value: unknown): Record<string, Value> {
  const tags: Record<string, Value> = {};
  for (const tag of list(value)) {
    if (typeof tag.key !== 'string') continue;
    const v = tag.value;
    tags[tag.key] =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v ?? '');
  }
  return tags;
}

function kindOf(tags: Record<string, Value>): SpanKindName {
  const kind = String(tags['span.kind'] ?? '').toUpperCase();
  return kind === 'SERVER' || kind === 'CLIENT' || kind === 'PRODUCER' || kind === 'CONSUMER' ? kind : 'INTERNAL';
}

/** Jaeger's own rule: the parent is the first CHILD_OF reference in the same trace, else the first FOLLOWS_FROM there. */
function parentAndLinks(traceId: string, references: JsonObject[]): { parentSpanId: string; links: SpanLink[] } {
  const refs = references.map((r) => ({
    type: String(r.refType ?? 'CHILD_OF').toUpperCase(),
    traceId: hexId(r.traceID),
    spanId: hexId(r.spanID),
  }));
  const parent =
    refs.find((r) => r.traceId === traceId && r.type === 'CHILD_OF') ??
    refs.find((r) => r.traceId === traceId && r.type === 'FOLLOWS_FROM');
  return {
    parentSpanId: parent?.spanId ?? '',
    links: refs.filter((r) => r !== parent).map(({ traceId, spanId }) => ({ traceId, spanId })),
  };
}

/** An event's name is its `event` field, as the OTel → Jaeger mapping writes it. */
function eventName(log: JsonObject): string {
  const field = list(log.fields).find((f) => f.key === 'event');
  return field && typeof field.value === 'string' && field.value !== '' ? field.value : 'log';
}

function toSpan(span: JsonObject, processes: JsonObject): NormalizedSpan | undefined {
  const traceId = hexId(span.traceID);
  const spanId = hexId(span.spanID);
  const startUs =
    typeof span.startTime === 'number' || typeof span.startTime === 'string' ? Number(span.startTime) : Number.NaN;
  const durationUs = Number(span.duration ?? 0);
  if (!traceId || !spanId || !Number.isFinite(startUs) || !Number.isFinite(durationUs)) return undefined;
  const process = isObject(span.process)
    ? span.process
    : isObject(processes[String(span.processID)])
      ? (processes[String(span.processID)] as JsonObject)
      : {};
  const tags = tagsOf(span.tags);
  return {
    traceId,
    spanId,
    ...parentAndLinks(traceId, list(span.references)),
    name: typeof span.operationName === 'string' ? span.operationName : '',
    kind: kindOf(tags),
    service: typeof process.serviceName === 'string' && process.serviceName ? process.serviceName : 'unknown_service',
    startUs,
    endUs: startUs + durationUs,
    ...attributeFields(tags, MAPPING_TAGS),
    eventNames: list(span.logs).map(eventName),
    error: isErrorTag(tags, false),
  };
}

/** The Jaeger UI / query API JSON: `{data: [{traceID, spans, processes}]}`; times in µs. */
export function parseJaeger(documents: Iterable<ExportDocument>, label: string): ParseResult {
  const spans: NormalizedSpan[] = [];
  let skippedSpans = 0;
  for (const document of documents) {
    const root = document.value;
    if (!isObject(root) || !Array.isArray(root.data) || !root.data.every((t) => isObject(t) && Array.isArray(t.spans)))
      throw wrongFormat(label, document, 'jaeger');
    for (const trace of list(root.data)) {
      const processes = isObject(trace.processes) ? trace.processes : {};
      for (const raw of list(trace.spans)) {
        const span = toSpan(raw, processes);
        if (span) spans.push(span);
        else skippedSpans++;
      }
    }
  }
  return { spans, skippedSpans };
}
