import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const SERVICE_NAME = 'tracebench-micro';
export const SPAN_NAME = 'GET /api/users/:id';

/** Ten attributes of an HTTP server span, as an instrumentation library would set them. */
export function tenAttributes(id = 42): Attributes {
  return {
    'http.request.method': 'GET',
    'http.route': '/api/users/:id',
    'url.path': `/api/users/${id}`,
    'url.scheme': 'http',
    'server.address': '127.0.0.1',
    'server.port': 8080,
    'network.protocol.version': '1.1',
    'client.address': '10.0.0.7',
    'user_agent.original': 'tracebench/0.1 (+https://github.com/tracebench)',
    'http.response.status_code': 200,
  };
}

/**
 * A provider that records every span and processes none: span costs measured with it exclude the processor, which
 * the processor suite measures on its own (a synchronous loop into a batch processor would measure its drop path).
 */
export function recordingProvider(): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': SERVICE_NAME,
      'service.version': '1.0.0',
      'deployment.environment.name': 'bench',
    }),
    sampler: new AlwaysOnSampler(),
    spanProcessors: [],
  });
}

/** `count` ended spans shaped like a request's: a server span, then client and internal children, 10 attributes each. */
export function finishedSpans(count: number): ReadableSpan[] {
  const tracer = recordingProvider().getTracer('tracebench-micro', '0.1.0');
  const spans: ReadableSpan[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 5 === 0 ? SpanKind.SERVER : i % 5 === 1 ? SpanKind.CLIENT : SpanKind.INTERNAL;
    const span = tracer.startSpan(i % 5 === 0 ? SPAN_NAME : `db.query ${i}`, { kind, attributes: tenAttributes(i) });
    if (i % 10 === 3) span.addEvent('cache.miss', { 'cache.key': `user:${i}` });
    span.setStatus({ code: i % 17 === 0 ? SpanStatusCode.ERROR : SpanStatusCode.OK });
    span.end();
    spans.push(span as unknown as ReadableSpan);
  }
  return spans;
}
