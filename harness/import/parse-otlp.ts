import { isObject, jsonIdToHex, serviceNameOf, toAttributes, toBigInt, type JsonObject } from '../sink/values.js';
import type { SpanKindName } from '../../workloads/shape/types.js';
import { echo } from '../text.js';
import { attributeFields } from './attributes.js';
import { InputError } from './errors.js';
import type { ExportDocument } from './read-export.js';
import { wrongFormat } from './sniff.js';
import type { NormalizedSpan, ParseResult } from './types.js';

const KINDS: SpanKindName[] = ['INTERNAL', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];

/** OTLP JSON enums are integers; the protobuf JSON mapping also allows their names (`SPAN_KIND_SERVER`). */
function kindOf(value: unknown): SpanKindName {
  if (typeof value === 'number') return KINDS[value] ?? 'INTERNAL';
  const name = typeof value === 'string' ? value.replace(/^SPAN_KIND_/, '') : '';
  return (KINDS as string[]).includes(name) ? (name as SpanKindName) : (KINDS[Number(value)] ?? 'INTERNAL');
}

const list = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

/** ns (decimal string or number) → µs with the sub-µs part kept; undefined when absent or not a number. */
function nsToUs(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  try {
    const ns = toBigInt(value);
    return Number(ns / 1000n) + Number(ns % 1000n) / 1000;
  } catch {
    return undefined;
  }
}

/** Runs a conversion of attribute values, turning a value that is not what OTLP allows (intValue "abc") into an InputError. */
function readAttributes<T>(label: string, where: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    throw new InputError(
      label,
      `${where}: an attribute value cannot be read (${echo((error as Error).message)}); OTLP intValue must be a whole number, as a number or a decimal string`,
    );
  }
}

function toSpan(span: JsonObject, service: string, label: string): NormalizedSpan | undefined {
  const traceId = jsonIdToHex(span.traceId, 16);
  const spanId = jsonIdToHex(span.spanId, 8);
  const startUs = nsToUs(span.startTimeUnixNano);
  const endUs = nsToUs(span.endTimeUnixNano);
  if (!traceId || !spanId || startUs === undefined || endUs === undefined) return undefined;
  const status = isObject(span.status) ? span.status : {};
  return {
    traceId,
    spanId,
    parentSpanId: jsonIdToHex(span.parentSpanId, 8),
    name: typeof span.name === 'string' ? span.name : '',
    kind: kindOf(span.kind),
    service,
    startUs,
    endUs,
    ...attributeFields(readAttributes(label, `span ${spanId}`, () => toAttributes(span.attributes))),
    eventNames: list(span.events).map((event) => (typeof event.name === 'string' ? event.name : '')),
    links: list(span.links).map((link) => ({
      traceId: jsonIdToHex(link.traceId, 16),
      spanId: jsonIdToHex(link.spanId, 8),
    })),
    error: status.code === 2 || status.code === 'STATUS_CODE_ERROR',
  };
}

/** OTLP/JSON ExportTraceServiceRequest documents; the service is the resource's `service.name`. */
export function parseOtlpJson(documents: Iterable<ExportDocument>, label: string): ParseResult {
  const spans: NormalizedSpan[] = [];
  let skippedSpans = 0;
  for (const document of documents) {
    const request = document.value;
    if (!isObject(request) || !Array.isArray(request.resourceSpans)) throw wrongFormat(label, document, 'otlp-json');
    for (const resourceSpans of list(request.resourceSpans)) {
      const resource = isObject(resourceSpans.resource) ? resourceSpans.resource : {};
      const service =
        readAttributes(label, 'a resource', () => serviceNameOf(resource.attributes)) || 'unknown_service';
      // instrumentationLibrarySpans: the name before OTLP 0.15, still written by old SDKs.
      for (const scopeSpans of [
        ...list(resourceSpans.scopeSpans),
        ...list(resourceSpans.instrumentationLibrarySpans),
      ]) {
        for (const raw of list(scopeSpans.spans)) {
          const span = toSpan(raw, service, label);
          if (span) spans.push(span);
          else skippedSpans++;
        }
      }
    }
  }
  return { spans, skippedSpans };
}
