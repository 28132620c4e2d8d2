import { parseJaeger } from './parse-jaeger.js';
import { parseOtlpJson } from './parse-otlp.js';
import { parseZipkin } from './parse-zipkin.js';
import type { ExportDocument } from './read-export.js';
import type { ParseResult, TraceFormat } from './types.js';

const PARSERS: Record<TraceFormat, (documents: Iterable<ExportDocument>, label: string) => ParseResult> = {
  'otlp-json': parseOtlpJson,
  jaeger: parseJaeger,
  zipkin: parseZipkin,
};

/** Parsed export documents → normalised spans; a document of another format is an InputError saying what was expected. */
export function parseDocuments(documents: Iterable<ExportDocument>, format: TraceFormat, label: string): ParseResult {
  return PARSERS[format](documents, label);
}
