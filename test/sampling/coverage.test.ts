import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureCoverage, servicesByRoute, type GroundTruth } from '../../harness/results/coverage.js';
import { mulberry32 } from '../../harness/plan/random.js';
import type { ReceivedSpan } from '../../harness/sink/types.js';
import type { SpanShape, WorkloadShape } from '../../workloads/shape/types.js';

const SERVICES = ['frontend', 'checkout', 'payments'] as const;

interface Request {
  id: string;
  traceId: string;
  route: string;
  error: boolean;
  slow: boolean;
}

/** Requests over two routes, errors at 2% and slow at 5%, drawn from a seed like the generator does. */
function requests(count: number, seed: number): { requests: Request[]; truth: GroundTruth } {
  const random = mulberry32(seed);
  const truth: GroundTruth = { sent: 0, drawnError: 0, drawnSlow: 0, byRoute: {} };
  const list: Request[] = [];
  for (let i = 0; i < count; i++) {
    const route = random() < 0.8 ? 'checkout' : 'browse';
    const error = random() < 0.02;
    const slow = random() < 0.05;
    const traceId = Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0')
      .padStart(32, 'a');
    list.push({ id: `0-${i}`, traceId, route, error, slow });
    truth.byRoute[route] ??= { sent: 0, drawnError: 0, drawnSlow: 0 };
    const perRoute = truth.byRoute[route];
    truth.sent++;
    perRoute.sent++;
    if (error) {
      truth.drawnError++;
      perRoute.drawnError++;
    }
    if (slow) {
      truth.drawnSlow++;
      perRoute.drawnSlow++;
    }
  }
  return { requests: list, truth };
}

function span(
  request: Request,
  service: string,
  spanId: string,
  parentSpanId: string,
  kind: number,
  extra: ReceivedSpan['attributes'] = {},
): ReceivedSpan {
  return {
    traceId: request.traceId,
    spanId,
    parentSpanId,
    name: `${service} op`,
    kind,
    serviceName: service,
    statusCode: request.error ? 2 : 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 1_000_000n,
    attributes: extra,
  };
}

/** `checkout` runs frontend → checkout → payments; `browse` runs frontend only. Truth marks go on SERVER spans. */
function spansOf(request: Request): ReceivedSpan[] {
  const truth = (route: string) => ({
    'tracebench.request.id': request.id,
    'tracebench.truth.error': request.error,
    'tracebench.truth.slow': request.slow,
    'tracebench.route': route,
  });
  const spans = [
    span(request, 'frontend', 'f1', '', 2, truth(request.route)),
    span(request, 'frontend', 'f2', 'f1', 1),
  ];
  if (request.route === 'checkout') {
    spans.push(span(request, 'frontend', 'f3', 'f1', 3));
    spans.push(
      span(request, 'checkout', 'c1', 'f3', 2, truth('place-order')),
      span(request, 'checkout', 'c2', 'c1', 3),
    );
    spans.push(span(request, 'payments', 'p1', 'c2', 2, truth('charge')), span(request, 'payments', 'p2', 'p1', 1));
  }
  return spans;
}

const REACH = { checkout: ['checkout', 'frontend', 'payments'], browse: ['frontend'] };
const input = (truth: GroundTruth, keptSpans: ReceivedSpan[], exported = keptSpans) => ({
  truth,
  keptSpans,
  windowSeconds: 10,
  exported: { spans: exported.length, bytes: exported.length * 100 },
  servicesByRoute: REACH,
});

const { requests: REQUESTS, truth: TRUTH } = requests(4_000, 17);
const ALL_SPANS = REQUESTS.flatMap(spansOf);
/** A deterministic per-trace draw standing in for a trace-id ratio decision. */
const draw = (traceId: string, salt: number) => mulberry32(parseInt(traceId.slice(-8), 16) ^ salt)();

test('always_on: every trace, error and slow request kept; all whole; every service at ratio 1', () => {
  const coverage = measureCoverage(input(TRUTH, ALL_SPANS));
  assert.deepEqual([coverage.traces.kept, coverage.traces.of, coverage.traces.fraction], [4_000, 4_000, 1]);
  assert.equal(coverage.errors.fraction, 1);
  assert.equal(coverage.errors.of, TRUTH.drawnError);
  assert.equal(coverage.slow.fraction, 1);
  assert.deepEqual([coverage.shape.complete, coverage.shape.broken], [4_000, 0]);
  for (const service of SERVICES)
    assert.deepEqual(
      [coverage.byService[service].basis, coverage.byService[service].fraction],
      ['reached', 1],
      service,
    );
  assert.equal(coverage.byService.payments.of, TRUTH.byRoute.checkout.sent);
  assert.equal(coverage.byRoute.browse.traces.fraction, 1);
  assert.equal(
    coverage.byRoute.checkout.traces.fraction,
    1,
    'downstream SERVER spans carry their own route names; the root decides',
  );
  assert.equal(coverage.byRoute.checkout.errors.of, TRUTH.byRoute.checkout.drawnError);
  assert.deepEqual([coverage.unroutedRequests, coverage.unknownRequests, coverage.unattributedSpans], [0, 0, 0]);
});

test('a whole-trace 10% ratio keeps 10% within its binomial interval, traces whole', () => {
  const kept = ALL_SPANS.filter((s) => draw(s.traceId, 1) < 0.1);
  const coverage = measureCoverage(input(TRUTH, kept));
  assert.ok(coverage.traces.low <= 0.1 && 0.1 <= coverage.traces.high, JSON.stringify(coverage.traces));
  assert.ok(coverage.traces.high - coverage.traces.low < 0.04, 'n = 4000 gives a narrow interval');
  assert.equal(coverage.shape.broken, 0);
  assert.ok(Math.abs(coverage.byService.payments.fraction - 0.1) < 0.03);
});

test('independent per-service decisions break traces, and each service shows its own ratio', () => {
  const ratios: Record<string, number> = { frontend: 0.5, checkout: 0.2, payments: 0.8 };
  const kept = ALL_SPANS.filter(
    (s) =>
      draw(s.traceId, 0x51ed * (SERVICES.indexOf(s.serviceName as (typeof SERVICES)[number]) + 1)) <
      ratios[s.serviceName],
  );
  const coverage = measureCoverage(input(TRUTH, kept));
  assert.ok(coverage.shape.broken > 0);
  for (const service of SERVICES) {
    const ratio = coverage.byService[service];
    assert.ok(ratio.low <= ratios[service] && ratios[service] <= ratio.high, `${service}: ${JSON.stringify(ratio)}`);
  }
  // Requests whose frontend root was dropped have no route, but were still kept through checkout or payments.
  assert.ok(coverage.unroutedRequests > 0);
  assert.ok(coverage.traces.fraction > 0.5);
});

test('tail sampling on errors: every error trace kept, few others; cost counts exported and kept apart', () => {
  const errorTraces = new Set(REQUESTS.filter((r) => r.error).map((r) => r.traceId));
  const kept = ALL_SPANS.filter((s) => errorTraces.has(s.traceId));
  const coverage = measureCoverage(input(TRUTH, kept, ALL_SPANS));
  assert.equal(coverage.errors.fraction, 1);
  assert.ok(coverage.errors.low > 0.9);
  assert.equal(coverage.traces.kept, TRUTH.drawnError);
  assert.equal(coverage.cost.exportedSpansPerSecond, ALL_SPANS.length / 10);
  assert.equal(coverage.cost.exportedBytesPerSecond, (ALL_SPANS.length * 100) / 10);
  assert.equal(coverage.cost.keptSpansPerSecond, kept.length / 10);
  assert.ok(
    coverage.cost.keptBytesPerSecondEstimate > 0 &&
      coverage.cost.keptBytesPerSecondEstimate < coverage.cost.exportedBytesPerSecond,
  );
});

test('an error counts as kept when any kept span marks it, even with the root dropped', () => {
  const request: Request = { id: 'r1', traceId: 'b'.repeat(32), route: 'checkout', error: true, slow: false };
  const truth: GroundTruth = {
    sent: 1,
    drawnError: 1,
    drawnSlow: 0,
    byRoute: { checkout: { sent: 1, drawnError: 1, drawnSlow: 0 } },
  };
  const onlyPayments = spansOf(request).filter((s) => s.serviceName === 'payments');
  const coverage = measureCoverage(input(truth, onlyPayments));
  assert.equal(coverage.errors.kept, 1);
  assert.equal(coverage.unroutedRequests, 1);
  assert.equal(coverage.byRoute.checkout.traces.kept, 0, 'the route is unknown without the root');
  assert.equal(coverage.shape.broken, 1);
  assert.equal(coverage.byService.payments.kept, 1);
  assert.equal(coverage.byService.frontend.kept, 0);
});

test('truth marks as Zipkin strings count too; spans of unknown traces are unattributed', () => {
  const request: Request = { id: 'z1', traceId: 'c'.repeat(32), route: 'browse', error: false, slow: true };
  const truth: GroundTruth = {
    sent: 1,
    drawnError: 0,
    drawnSlow: 1,
    byRoute: { browse: { sent: 1, drawnError: 0, drawnSlow: 1 } },
  };
  const spans = spansOf(request).map((s) => ({
    ...s,
    attributes: Object.fromEntries(Object.entries(s.attributes).map(([k, v]) => [k, String(v)])),
  }));
  const stray = { ...spans[1], traceId: 'd'.repeat(32) };
  const coverage = measureCoverage(input(truth, [...spans, stray]));
  assert.equal(coverage.slow.kept, 1);
  assert.equal(coverage.unattributedSpans, 1);
});

test('more kept requests than sent are reported as unknown, not as a fraction above 1', () => {
  const truth: GroundTruth = {
    sent: 2,
    drawnError: 0,
    drawnSlow: 0,
    byRoute: { browse: { sent: 2, drawnError: 0, drawnSlow: 0 } },
  };
  const three = ['e', 'f', '9'].map(
    (c, i): Request => ({ id: `x-${i}`, traceId: c.repeat(32), route: 'browse', error: false, slow: false }),
  );
  const coverage = measureCoverage(input(truth, three.flatMap(spansOf)));
  assert.deepEqual([coverage.traces.kept, coverage.traces.of, coverage.unknownRequests], [2, 2, 1]);
});

test('without the shape, service ratios are shares of kept requests', () => {
  const kept = ALL_SPANS.filter((s) => draw(s.traceId, 1) < 0.5);
  const coverage = measureCoverage({ ...input(TRUTH, kept), servicesByRoute: undefined });
  assert.equal(coverage.byService.frontend.basis, 'kept');
  assert.equal(coverage.byService.frontend.fraction, 1);
  // Only checkout requests reach payments: about 80% of kept requests.
  assert.ok(Math.abs(coverage.byService.payments.fraction - 0.8) < 0.04);
});

test('the window must be positive', () => {
  assert.throws(() => measureCoverage({ ...input(TRUTH, []), windowSeconds: 0 }), RangeError);
});

function shape(
  name: string,
  kind: SpanShape['kind'],
  children: SpanShape[] = [],
  extra: Partial<SpanShape> = {},
): SpanShape {
  return { name, kind, attributes: {}, events: [], links: 0, cpuUs: 0, waitUs: 0, children, parallel: false, ...extra };
}

test('servicesByRoute follows calls and published messages, and stops at cycles', () => {
  const workload: WorkloadShape = {
    name: 'chain',
    description: '',
    services: [
      {
        name: 'frontend',
        routes: [
          {
            name: 'buy',
            method: 'POST',
            path: '/buy',
            weight: 1,
            root: shape('POST /buy', 'SERVER', [
              shape('call', 'CLIENT', [], { call: { service: 'checkout', route: 'place' } }),
            ]),
          },
          { name: 'home', method: 'GET', path: '/', weight: 1, root: shape('GET /', 'SERVER') },
        ],
        consumers: [],
      },
      {
        name: 'checkout',
        routes: [
          {
            name: 'place',
            method: 'POST',
            path: '/place',
            weight: 1,
            root: shape('POST /place', 'SERVER', [
              shape('emit', 'PRODUCER', [], { publish: { queue: 'orders' } }),
              shape('again', 'CLIENT', [], { call: { service: 'checkout', route: 'place' } }),
            ]),
          },
        ],
        consumers: [],
      },
      {
        name: 'mailer',
        routes: [],
        consumers: [{ queue: 'orders', batchSize: 1, maxWaitUs: 1000, root: shape('send', 'CONSUMER') }],
      },
    ],
  };
  assert.deepEqual(servicesByRoute(workload), { buy: ['checkout', 'frontend', 'mailer'], home: ['frontend'] });
});
