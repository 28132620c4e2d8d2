import fc from 'fast-check';
import { describe, it } from 'node:test';
import { importTraces } from '../../harness/import/import.js';
import type { TraceFormat } from '../../harness/import/types.js';
import { anyText, anyValue, fuzz, mutated, succeedsOrUsageError } from './helpers.js';

const importer = (format: TraceFormat) => (text: string) =>
  succeedsOrUsageError(
    () => importTraces(text, { format }, 'fuzz.json'),
    () => `${format} export ${JSON.stringify(text.slice(0, 400))}`,
  );

const often = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 5, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyValue });

// Small pools, so spans share traces and find their parents; a few ids are malformed on purpose.
const traceIdHex = fc.constantFrom(
  '0102030405060708090a0b0c0d0e0f10',
  '1112131415161718191a1b1c1d1e1f20',
  'AQIDBAUGBwgJCgsMDQ4PEA==',
  'zz',
  '',
);
const spanIdHex = fc.constantFrom(
  '0102030405060708',
  '1112131415161718',
  '2122232425262728',
  '3132333435363738',
  'AQIDBAUGBwg=',
  'x',
  '',
);
const shortId = fc.constantFrom('a1', 'b2', 'c3', 'd4', 'e5', 'A1', '', 'zz');
const name = fc.constantFrom('GET /', 'GET /users/:id', 'db.query', 'publish q', '', '\u001b[2J');
const micros = often(
  fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: 0, max: 5_000_000 }).map(String)),
);
const nanos = often(
  fc.oneof(
    fc.bigInt({ min: 0n, max: 10n ** 13n }).map(String),
    fc.integer({ min: 0, max: 2 ** 40 }),
    fc.constantFrom('abc', '-5', '1e9', ''),
  ),
);

const { anyOtlpValue } = fc.letrec<{ anyOtlpValue: unknown }>((tie) => ({
  anyOtlpValue: fc.oneof(
    { depthIdentifier: 'v', withCrossShrink: true },
    fc.record({ stringValue: fc.string({ maxLength: 8 }) }),
    fc.record({ intValue: fc.oneof(fc.integer(), fc.constantFrom('12', 'abc', '1.5', '')) }),
    fc.record({ doubleValue: anyValue }),
    fc.record({ boolValue: anyValue }),
    fc.record({ bytesValue: fc.constantFrom('AQID', '') }),
    fc.record({
      arrayValue: fc.record({ values: fc.array(tie('anyOtlpValue'), { maxLength: 3, depthIdentifier: 'v' }) }),
    }),
    fc.record({
      kvlistValue: fc.record({
        values: fc.array(fc.record({ key: fc.string({ maxLength: 4 }), value: tie('anyOtlpValue') }), {
          maxLength: 2,
          depthIdentifier: 'v',
        }),
      }),
    }),
    anyValue,
  ),
}));
const otlpAttributes = fc.array(
  fc.record({
    key: often(fc.constantFrom('http.route', 'http.method', 'service.name', 'messaging.destination.name', 'k')),
    value: anyOtlpValue,
  }),
  { maxLength: 3 },
);

const otlpSpan = fc.record(
  {
    traceId: often(traceIdHex),
    spanId: often(spanIdHex),
    parentSpanId: often(spanIdHex),
    name: often(name),
    kind: often(
      fc.oneof(fc.integer({ min: 0, max: 7 }), fc.constantFrom('SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'PRODUCER')),
    ),
    startTimeUnixNano: nanos,
    endTimeUnixNano: nanos,
    attributes: often(otlpAttributes),
    events: often(fc.array(fc.record({ name: anyValue }), { maxLength: 2 })),
    links: often(fc.array(fc.record({ traceId: traceIdHex, spanId: spanIdHex }), { maxLength: 2 })),
    status: often(fc.record({ code: fc.constantFrom(0, 1, 2, 'STATUS_CODE_ERROR') })),
  },
  { requiredKeys: [] },
);
const otlpDocument = fc.record({
  resourceSpans: often(
    fc.array(
      fc.record(
        {
          resource: often(
            fc.record({
              attributes: often(
                fc.array(fc.record({ key: fc.constantFrom('service.name', 'x'), value: anyOtlpValue }), {
                  maxLength: 2,
                }),
              ),
            }),
          ),
          scopeSpans: often(
            fc.array(fc.record({ spans: often(fc.array(otlpSpan, { maxLength: 6 })) }), { maxLength: 2 }),
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
  ),
});

const jaegerSpan = fc.record(
  {
    traceID: often(shortId),
    spanID: often(shortId),
    operationName: often(name),
    references: often(
      fc.array(
        fc.record({ refType: often(fc.constantFrom('CHILD_OF', 'FOLLOWS_FROM')), traceID: shortId, spanID: shortId }),
        { maxLength: 2 },
      ),
    ),
    startTime: micros,
    duration: micros,
    tags: often(
      fc.array(
        fc.record({
          key: often(fc.constantFrom('span.kind', 'error', 'http.route', 'otel.status_code', 'k')),
          type: fc.constantFrom('string', 'bool'),
          value: anyValue,
        }),
        { maxLength: 3 },
      ),
    ),
    logs: often(
      fc.array(
        fc.record({
          fields: fc.array(fc.record({ key: fc.constantFrom('event', 'x'), value: anyValue }), { maxLength: 2 }),
        }),
        { maxLength: 2 },
      ),
    ),
    processID: often(fc.constantFrom('p1', 'p2', 'p3')),
  },
  { requiredKeys: [] },
);
const jaegerDocument = fc.record({
  data: often(
    fc.array(
      fc.record({
        traceID: often(shortId),
        spans: often(fc.array(jaegerSpan, { maxLength: 6 })),
        processes: often(
          fc.dictionary(
            fc.constantFrom('p1', 'p2'),
            fc.record({ serviceName: often(fc.constantFrom('front', 'back', '')) }),
            { maxKeys: 2 },
          ),
        ),
      }),
      { maxLength: 3 },
    ),
  ),
});

const zipkinSpan = fc.record(
  {
    traceId: often(shortId),
    id: often(shortId),
    parentId: often(shortId),
    name: often(name),
    kind: often(fc.constantFrom('SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER')),
    timestamp: micros,
    duration: micros,
    localEndpoint: often(fc.record({ serviceName: often(fc.constantFrom('front', 'back', '')) })),
    tags: often(fc.dictionary(fc.constantFrom('error', 'http.route', 'http.method', 'k'), anyValue, { maxKeys: 3 })),
    annotations: often(fc.array(fc.record({ value: anyValue }), { maxLength: 2 })),
    shared: often(fc.boolean()),
  },
  { requiredKeys: ['traceId'] },
);
const zipkinDocument = fc.array(zipkinSpan, { maxLength: 10 });

/** One document, or several as JSON Lines, then text mutations. */
function asExport(document: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return mutated(
    fc.oneof(
      { weight: 3, arbitrary: document.map((d) => JSON.stringify(d)) },
      {
        weight: 1,
        arbitrary: fc
          .array(document, { minLength: 2, maxLength: 3 })
          .map((ds) => ds.map((d) => JSON.stringify(d)).join('\n')),
      },
    ),
  );
}

const DOCUMENTS: Record<TraceFormat, fc.Arbitrary<unknown>> = {
  'otlp-json': otlpDocument,
  jaeger: jaegerDocument,
  zipkin: zipkinDocument,
};

describe('fuzz: trace imports end in a workload or an input error (exit 2), never anything else', {
  timeout: 180_000,
}, () => {
  for (const format of ['otlp-json', 'jaeger', 'zipkin'] as const) {
    it(`${format}: arbitrary text and JSON`, () =>
      fuzz(
        fc.oneof(
          anyText,
          fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
        ),
        importer(format),
      ));
    it(`${format}: format-shaped exports with malformed fields and text mutations`, () =>
      fuzz(asExport(DOCUMENTS[format]), importer(format)));
  }
});
