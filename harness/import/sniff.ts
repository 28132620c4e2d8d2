import { isObject } from '../sink/values.js';
import { echoList } from '../text.js';
import { InputError } from './errors.js';
import type { ExportDocument } from './read-export.js';
import type { TraceFormat } from './types.js';

const EXPECTED: Record<TraceFormat, string> = {
  'otlp-json': 'an OTLP/JSON ExportTraceServiceRequest ({"resourceSpans": [...]}), or one such document per line',
  jaeger: 'a Jaeger JSON export ({"data": [{"traceID", "spans": [...], "processes": {...}}]})',
  zipkin: 'a Zipkin v2 JSON array of spans ([{"traceId", "id", "name", "timestamp", "duration", ...}])',
};

/** Which export format a parsed document looks like, if any. */
export function sniffFormat(value: unknown): TraceFormat | undefined {
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return isObject(first) && 'traceId' in first && 'id' in first ? 'zipkin' : undefined;
  }
  if (!isObject(value)) return undefined;
  if ('resourceSpans' in value) return 'otlp-json';
  if (
    Array.isArray(value.data) &&
    value.data.every((trace) => isObject(trace) && ('spans' in trace || 'traceID' in trace))
  )
    return 'jaeger';
  return undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value))
    return value.length === 0
      ? 'an empty JSON array'
      : `a JSON array of ${isObject(value[0]) ? `objects (keys: ${echoList(Object.keys(value[0]), 6)})` : `${typeof value[0]}s`}`;
  if (isObject(value)) return `a JSON object (keys: ${echoList(Object.keys(value), 6) || 'none'})`;
  return `a JSON ${value === null ? 'null' : typeof value}`;
}

/** A document that is not what `--format` promised: say what was expected and, when known, which format it is. */
export function wrongFormat(label: string, document: ExportDocument, expected: TraceFormat): InputError {
  const looksLike = sniffFormat(document.value);
  const hint = looksLike && looksLike !== expected ? `; it looks like ${looksLike} (try --format ${looksLike})` : '';
  const where = document.line > 1 ? ` (document on line ${document.line})` : '';
  return new InputError(
    label,
    `does not look like --format ${expected}${where}: expected ${EXPECTED[expected]}, got ${describe(document.value)}${hint}`,
  );
}
