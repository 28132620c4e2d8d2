import type { NormalizedSpan } from './types.js';

type Value = string | number | boolean;

/** Attributes that carry kind, status or scope in Jaeger and Zipkin exports: not span attributes in OTLP terms. */
export const MAPPING_TAGS = new Set([
  'span.kind',
  'error',
  'otel.status_code',
  'otel.status_description',
  'otel.scope.name',
  'otel.scope.version',
  'otel.library.name',
  'otel.library.version',
  'internal.span.format',
]);

function pick(attributes: Record<string, Value>, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== '') return String(value);
  }
  return undefined;
}

/** Count, value bytes and the HTTP method and route of a span's attributes. */
export function attributeFields(
  attributes: Record<string, Value>,
  skip?: ReadonlySet<string>,
): Pick<
  NormalizedSpan,
  'attributeCount' | 'attributeValueBytes' | 'httpMethod' | 'httpRoute' | 'messagingDestination'
> {
  let attributeCount = 0;
  let attributeValueBytes = 0;
  for (const [key, value] of Object.entries(attributes)) {
    if (skip?.has(key)) continue;
    attributeCount++;
    attributeValueBytes += Buffer.byteLength(String(value));
  }
  const method = pick(attributes, ['http.request.method', 'http.method']);
  const route =
    pick(attributes, ['http.route']) ?? pick(attributes, ['url.path', 'http.target'])?.replace(/[?#].*$/, '');
  const destination = pick(attributes, ['messaging.destination.name', 'messaging.destination']);
  return {
    attributeCount,
    attributeValueBytes,
    ...(method ? { httpMethod: method.toUpperCase() } : {}),
    ...(route ? { httpRoute: route } : {}),
    ...(destination ? { messagingDestination: destination } : {}),
  };
}

/** Jaeger and Zipkin say error with a tag, OTLP with the status; `otel.status_code=ERROR` is the OTel mapping of the latter. */
export function isErrorTag(attributes: Record<string, Value>, presenceMeansError: boolean): boolean {
  const error = attributes.error;
  if (
    presenceMeansError
      ? error !== undefined && error !== 'false' && error !== false
      : error === true || error === 'true'
  )
    return true;
  return attributes['otel.status_code'] === 'ERROR';
}

export const hexId = (value: unknown): string =>
  typeof value === 'string' ? value.toLowerCase() : typeof value === 'number' ? value.toString(16) : '';
