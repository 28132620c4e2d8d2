import {
  defaultStatusCodeTagName,
  defaultStatusErrorTagName,
  toZipkinSpan,
} from '@opentelemetry/exporter-zipkin/build/src/transform.js';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { gzipSync } from 'node:zlib';
import type { SuiteDefinition } from '../measure.js';
import { finishedSpans, SERVICE_NAME } from './fixtures.js';

const BATCH = 100;

/** Turning a batch of ended spans into the bytes an exporter sends, per span. */
export function serializeSuite(): SuiteDefinition {
  const spans = finishedSpans(BATCH);
  return {
    warnings: [],
    tasks: [
      {
        name: 'otlp-protobuf',
        description: `ProtobufTraceSerializer.serializeRequest of ${BATCH} spans (10 attributes each), per span`,
        opsPerCall: BATCH,
        op: () => ProtobufTraceSerializer.serializeRequest(spans),
      },
      {
        name: 'otlp-json',
        description: `JsonTraceSerializer.serializeRequest of ${BATCH} spans (10 attributes each), per span`,
        opsPerCall: BATCH,
        op: () => JsonTraceSerializer.serializeRequest(spans),
      },
      // The exporters gzip on libuv's thread pool (zlib streams, callbacks): the same work, still the process's CPU.
      {
        name: 'otlp-protobuf-gzip',
        description: `ProtobufTraceSerializer.serializeRequest of ${BATCH} spans, then gzip at zlib's default level (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION=gzip), per span`,
        opsPerCall: BATCH,
        op: () => gzipSync(ProtobufTraceSerializer.serializeRequest(spans)!),
      },
      {
        name: 'otlp-json-gzip',
        description: `JsonTraceSerializer.serializeRequest of ${BATCH} spans, then gzip at zlib's default level, per span`,
        opsPerCall: BATCH,
        op: () => gzipSync(JsonTraceSerializer.serializeRequest(spans)!),
      },
      {
        name: 'zipkin-json',
        // The ZipkinExporter's own steps (zipkin.js _sendSpans, platform/node/util.js send); transform.js is not re-exported by the package index.
        description: `toZipkinSpan of ${BATCH} spans + JSON.stringify, as ZipkinExporter does before sending, per span`,
        opsPerCall: BATCH,
        op: () =>
          JSON.stringify(
            spans.map((span) =>
              toZipkinSpan(
                span,
                String(span.attributes['service.name'] || span.resource.attributes['service.name'] || SERVICE_NAME),
                defaultStatusCodeTagName,
                defaultStatusErrorTagName,
              ),
            ),
          ),
      },
    ],
  };
}
