/**
 * Writes shop-otlp.json: ~300 traces of a small shop recorded by the real OpenTelemetry SDK (BasicTracerProvider +
 * InMemorySpanExporter, one provider per service), serialised with the OTLP JSON serializer in batches of 512 spans,
 * one export request per line as the Collector's file exporter writes. Seeded: the same file every run.
 * Also writes shop-otlp.expected.json: what was emitted (traces, spans, root operations, structures, errors, slow).
 *
 *   node .build-import/test/data/traces/make-shop-export.js
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type HrTime, type Tracer } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator } from '@opentelemetry/sdk-trace-base';

export const SHOP_TRACES = 300;
const SEED = 20240601;
const BATCH_SPANS = 512;
const START_US = 1_717_200_000_000_000;

/** mulberry32: a seeded PRNG, so the export is the same every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hr = (us: number): HrTime => [Math.floor(us / 1e6), Math.round((us % 1e6) * 1000)];

class SeededIds implements IdGenerator {
  constructor(private readonly random: () => number) {}
  private hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++) out += Math.floor(this.random() * 256).toString(16).padStart(2, '0');
    return out;
  }
  generateTraceId = () => this.hex(16);
  generateSpanId = () => this.hex(8);
}

export interface ShopExpected {
  traces: number;
  spans: number;
  /** `service: root span name` → traces. */
  rootOperations: Record<string, number>;
  /** Distinct structures of the frontend's root operations → traces. */
  structures: Record<string, number>;
  /** Checkout requests that failed at the payment call. */
  paymentErrors: number;
  /** Product-list requests with a slow database query. */
  slowListRequests: number;
}

/** Records one shop: three services, three root operations, a parallel fan-out, errors and slow requests. */
export function recordShop(): { spans: ReturnType<InMemorySpanExporter['getFinishedSpans']>; expected: ShopExpected } {
  const random = mulberry32(SEED);
  const ids = new SeededIds(mulberry32(SEED + 1));
  const exporter = new InMemorySpanExporter();
  const tracerOf = (service: string): Tracer =>
    new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.4.2' }), idGenerator: ids, spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('shop-instrumentation', '1.0.0');
  const frontend = tracerOf('frontend');
  const catalog = tracerOf('catalog');
  const checkout = tracerOf('checkout');

  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  /** Log-normal µs around a median; sigma 0.25 puts p99 near 1.8x the median. */
  const us = (medianUs: number, sigma = 0.25) => Math.max(1, Math.round(medianUs * Math.exp(sigma * gaussian())));
  const network = () => us(180);
  let spanCount = 0;

  interface Work {
    tracer: Tracer;
    name: string;
    kind: SpanKind;
    attributes?: Attributes;
    error?: boolean;
    events?: string[];
  }
  /** One span from `startUs`: `body` does the children and returns when they end; self time is added around it. */
  const span = (parent: Context, startUs: number, work: Work, selfUs: number, body?: (ctx: Context, atUs: number) => number): number => {
    spanCount++;
    const s = work.tracer.startSpan(work.name, { kind: work.kind, attributes: work.attributes, startTime: hr(startUs) }, parent);
    const ctx = trace.setSpan(parent, s);
    const half = Math.round(selfUs / 2);
    const childrenEndUs = body ? body(ctx, startUs + half) : startUs + half;
    const endUs = childrenEndUs + (selfUs - half);
    for (const event of work.events ?? []) s.addEvent(event, hr(startUs + half));
    if (work.error) {
      s.recordException({ name: 'PaymentDeclined', message: 'card declined' }, hr(endUs));
      s.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    }
    s.end(hr(endUs));
    return endUs;
  };
  const server = (tracer: Tracer, method: string, route: string, path: string, status = 200, error = false): Work => ({
    tracer,
    name: `${method} ${route}`,
    kind: SpanKind.SERVER,
    error,
    attributes: { 'http.request.method': method, 'http.route': route, 'url.path': path, 'url.scheme': 'http', 'http.response.status_code': status },
  });
  const client = (method: string, host: string, path: string, status = 200, error = false): Work => ({
    tracer: frontend,
    name: method,
    kind: SpanKind.CLIENT,
    error,
    attributes: { 'http.request.method': method, 'url.full': `http://${host}${path}`, 'server.address': host, 'http.response.status_code': status },
  });
  const db = (tracer: Tracer, operation: string, table: string): Work => ({
    tracer,
    name: `${operation} ${table}`,
    kind: SpanKind.CLIENT,
    attributes: { 'db.system.name': 'postgresql', 'db.namespace': 'shop', 'db.operation.name': operation, 'db.collection.name': table },
  });
  const cache = (tracer: Tracer, command: string): Work => ({ tracer, name: command, kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis', 'db.operation.name': command } });
  const internal = (tracer: Tracer, name: string): Work => ({ tracer, name, kind: SpanKind.INTERNAL });

  /** A remote call: the CLIENT span waits a network hop each way around the callee's SERVER span. */
  const call = (parent: Context, atUs: number, work: Work, callee: (ctx: Context, atUs: number) => number) =>
    span(parent, atUs, work, 0, (ctx, t) => {
      const serverEndUs = callee(ctx, t + network());
      return serverEndUs + network();
    });

  const expected: ShopExpected = { traces: 0, spans: 0, rootOperations: {}, structures: {}, paymentErrors: 0, slowListRequests: 0 };
  const count = (record: Record<string, number>, key: string) => (record[key] = (record[key] ?? 0) + 1);

  const listProducts = (at: number) => {
    const slow = random() < 0.05;
    if (slow) expected.slowListRequests++;
    count(expected.structures, 'GET /api/products');
    span(ROOT_CONTEXT, at, server(frontend, 'GET', '/api/products', '/api/products'), us(150), (root, t) => {
      t = span(root, t, internal(frontend, 'session.load'), us(60));
      t = call(root, t, client('GET', 'catalog', '/products'), (ctx, t2) =>
        span(ctx, t2, server(catalog, 'GET', '/products', '/products'), us(120), (c, t3) => span(c, t3, db(catalog, 'SELECT', 'products'), us(slow ? 12_000 : 1200))),
      );
      return span(root, t, internal(frontend, 'render'), us(400));
    });
  };

  const productPage = (at: number) => {
    const miss = random() < 0.3;
    const id = 1 + Math.floor(random() * 500);
    count(expected.structures, `GET /api/products/:id (cache ${miss ? 'miss' : 'hit'})`);
    span(ROOT_CONTEXT, at, server(frontend, 'GET', '/api/products/:id', `/api/products/${id}`), us(140), (root, t) => {
      // The product and the cart are fetched at once: a parallel fan-out to two services.
      const productEnd = call(root, t, client('GET', 'catalog', `/products/${id}`), (ctx, t2) =>
        span(ctx, t2, server(catalog, 'GET', '/products/:id', `/products/${id}`), us(90), (c, t3) => {
          const cacheEnd = span(c, t3, cache(catalog, 'GET'), us(250));
          return miss ? span(c, cacheEnd, db(catalog, 'SELECT', 'products'), us(900)) : cacheEnd;
        }),
      );
      const cartEnd = call(root, t + us(20), client('GET', 'checkout', '/cart'), (ctx, t2) =>
        span(ctx, t2, server(checkout, 'GET', '/cart', '/cart'), us(80), (c, t3) => span(c, t3, cache(checkout, 'HGETALL'), us(300))),
      );
      return span(root, Math.max(productEnd, cartEnd), internal(frontend, 'render'), us(350));
    });
  };

  const placeOrder = (at: number) => {
    const declined = random() < 0.1;
    if (declined) expected.paymentErrors++;
    count(expected.structures, 'POST /api/checkout');
    const status = declined ? 502 : 201;
    span(ROOT_CONTEXT, at, server(frontend, 'POST', '/api/checkout', '/api/checkout', status, declined), us(180), (root, t) => {
      t = span(root, t, internal(frontend, 'auth.verify'), us(110));
      return call(root, t, client('POST', 'checkout', '/orders', status, declined), (ctx, t2) =>
        span(ctx, t2, { ...server(checkout, 'POST', '/orders', '/orders', status, declined), events: ['order.validated'] }, us(220), (c, t3) => {
          const insertEnd = span(c, t3, db(checkout, 'INSERT', 'orders'), us(1500));
          const payment: Work = { ...client('POST', 'payments.example.com', '/v1/charges', declined ? 402 : 200, declined), tracer: checkout };
          return span(c, insertEnd, payment, us(25_000, 0.35));
        }),
      );
    });
  };

  let at = START_US;
  for (let i = 0; i < SHOP_TRACES; i++) {
    at += Math.round(-Math.log(1 - random()) * 20_000);
    const spansBefore = spanCount;
    const pick = random();
    const operation = pick < 0.55 ? 'GET /api/products' : pick < 0.85 ? 'GET /api/products/:id' : 'POST /api/checkout';
    if (operation === 'GET /api/products') listProducts(at);
    else if (operation === 'GET /api/products/:id') productPage(at);
    else placeOrder(at);
    count(expected.rootOperations, `frontend: ${operation}`);
    expected.traces++;
    expected.spans += spanCount - spansBefore;
  }
  return { spans: exporter.getFinishedSpans(), expected };
}

/** Writes the export and what it holds beside this script's source. */
export function writeShopExport(dir: string): { file: string; bytes: number; expected: ShopExpected } {
  const { spans, expected } = recordShop();
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += BATCH_SPANS) lines.push(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans.slice(i, i + BATCH_SPANS))));
  const text = lines.join('\n') + '\n';
  const file = `${dir}/shop-otlp.json`;
  writeFileSync(file, text);
  writeFileSync(`${dir}/shop-otlp.expected.json`, JSON.stringify(expected, null, 2) + '\n');
  return { file, bytes: Buffer.byteLength(text), expected };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Compiled to .build-*/test/data/traces/: write into the source folder, three levels up from the build root.
  const sourceDir = fileURLToPath(new URL('../../../../test/data/traces', import.meta.url));
  const { file, bytes, expected } = writeShopExport(sourceDir);
  process.stdout.write(`${file}: ${expected.traces} traces, ${expected.spans} spans, ${(bytes / 1024).toFixed(0)} KiB\n`);
}
