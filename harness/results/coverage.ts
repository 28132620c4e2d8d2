import {
  TRUTH_ATTRIBUTES,
  type ServiceShape,
  type SpanShape,
  type WorkloadShape,
} from '../../workloads/shape/types.js';
import { estimateSpanBytes } from '../sink/tail/span-bytes.js';
import { assembleTraces, type TraceAssembly } from '../sink/traces.js';
import type { ReceivedSpan } from '../sink/types.js';
import { proportion, type Proportion } from '../stats/binomial.js';

/** What the load generator sent in one trial and what it drew; the load generator's TruthCounts fits it. */
export interface GroundTruth {
  sent: number;
  drawnError: number;
  drawnSlow: number;
  byRoute: Record<string, { sent: number; drawnError: number; drawnSlow: number }>;
}

export interface CoverageInput {
  truth: GroundTruth;
  /** What the backend kept: every received span under head sampling, the sampled traces' spans under tail sampling. */
  keptSpans: readonly ReceivedSpan[];
  /** The trial's measured window, the denominator of every rate; spans and truth must cover the same requests. */
  windowSeconds: number;
  /** What the services exported, as the sink counted it (SinkStats.spansReceived and bytesReceived). */
  exported: { spans: number; bytes: number };
  /** Services each entry route reaches (`servicesByRoute(shape)`); without it per-service ratios are of kept requests. */
  servicesByRoute?: Readonly<Record<string, readonly string[]>>;
  /** Confidence level of every interval. @default 0.95 */
  level?: number;
}

/**
 * A service's effective sampling ratio: requests with a kept span in the service, over
 * - `reached`: the requests sent on routes whose tree reaches the service (known from the workload shape), or
 * - `kept`: all kept requests, when the shape was not given; then it reads "share of kept traces that include the
 *   service", which is 1 for whole-trace sampling of a service every route reaches.
 */
export interface ServiceRatio extends Proportion {
  basis: 'reached' | 'kept';
}

/** The coverage record: requests kept (a trace with a span of theirs), of those sent; error and slow ones, of those drawn. */
export interface CoverageFractions {
  traces: Proportion;
  errors: Proportion;
  slow: Proportion;
}

export type RouteCoverage = CoverageFractions;

export interface SamplingCost {
  windowSeconds: number;
  /** What left the services, as the sink received it: what head sampling saves. */
  exportedSpansPerSecond: number;
  exportedBytesPerSecond: number;
  /** What the backend kept: what tail sampling saves downstream. */
  keptSpansPerSecond: number;
  /** Kept bytes estimated from span content (≈ OTLP protobuf size), since the wire bytes of a kept subset are unknown. */
  keptBytesPerSecondEstimate: number;
}

/** `errors`: requests drawn to fail with a kept span marked error, of those drawn. */
export interface Coverage extends CoverageFractions {
  /** Request ids kept beyond what the generator says it sent (warm-up or another trial leaking in); 0 when inputs agree. */
  unknownRequests: number;
  /** Kept spans no request id reaches: no span of their trace carries one. */
  unattributedSpans: number;
  /** Complete versus broken traces among the kept spans. */
  shape: TraceAssembly;
  byService: Record<string, ServiceRatio>;
  /** Per entry route; requests whose entry root span was not kept have no known route and are left out (see unroutedRequests). */
  byRoute: Record<string, RouteCoverage>;
  unroutedRequests: number;
  cost: SamplingCost;
}

interface KeptRequest {
  error: boolean;
  slow: boolean;
  route: string | undefined;
  services: Set<string>;
}

const SERVER_KIND = 2;

/** Zipkin carries every tag as a string. */
const isTrue = (value: unknown) => value === true || value === 'true';

function requestIdOf(span: ReceivedSpan): string | undefined {
  const id = span.attributes[TRUTH_ATTRIBUTES.requestId];
  return id === undefined ? undefined : String(id);
}

/** Only SERVER and CONSUMER spans carry the request id; the rest of a trace is reached through its trace id. */
function requestsByTrace(spans: readonly ReceivedSpan[]): Map<string, string> {
  const byTrace = new Map<string, string>();
  for (const span of spans) {
    const id = requestIdOf(span);
    if (id !== undefined && !byTrace.has(span.traceId)) byTrace.set(span.traceId, id);
  }
  return byTrace;
}

function keptRequests(spans: readonly ReceivedSpan[]): {
  requests: Map<string, KeptRequest>;
  unattributedSpans: number;
} {
  const byTrace = requestsByTrace(spans);
  const requests = new Map<string, KeptRequest>();
  let unattributedSpans = 0;
  for (const span of spans) {
    const id = requestIdOf(span) ?? byTrace.get(span.traceId);
    if (id === undefined) {
      unattributedSpans++;
      continue;
    }
    let request = requests.get(id);
    if (!request) {
      request = { error: false, slow: false, route: undefined, services: new Set() };
      requests.set(id, request);
    }
    request.error ||= isTrue(span.attributes[TRUTH_ATTRIBUTES.error]);
    request.slow ||= isTrue(span.attributes[TRUTH_ATTRIBUTES.slow]);
    request.services.add(span.serviceName);
    // Downstream SERVER spans carry their own route name; the entry route is on the root SERVER span only.
    const route = span.attributes[TRUTH_ATTRIBUTES.route];
    if (span.parentSpanId === '' && span.kind === SERVER_KIND && typeof route === 'string') request.route = route;
  }
  return { requests, unattributedSpans };
}

/** More kept than sent cannot be a proportion: the excess is reported as unknownRequests instead. */
const capped = (kept: number, of: number, level: number) => proportion(Math.min(kept, of), of, level);

function count(requests: Iterable<KeptRequest>, predicate: (request: KeptRequest) => boolean): number {
  let n = 0;
  for (const request of requests) if (predicate(request)) n++;
  return n;
}

function routeCoverage(
  input: CoverageInput,
  requests: readonly KeptRequest[],
  level: number,
): { byRoute: Record<string, RouteCoverage>; unrouted: number } {
  const byRoute: Record<string, RouteCoverage> = {};
  for (const [route, truth] of Object.entries(input.truth.byRoute)) {
    const onRoute = requests.filter((request) => request.route === route);
    byRoute[route] = {
      traces: capped(onRoute.length, truth.sent, level),
      errors: capped(
        count(onRoute, (r) => r.error),
        truth.drawnError,
        level,
      ),
      slow: capped(
        count(onRoute, (r) => r.slow),
        truth.drawnSlow,
        level,
      ),
    };
  }
  const unrouted = count(requests, (request) => request.route === undefined || !(request.route in input.truth.byRoute));
  return { byRoute, unrouted };
}

function serviceRatios(
  input: CoverageInput,
  requests: readonly KeptRequest[],
  level: number,
): Record<string, ServiceRatio> {
  const reach = input.servicesByRoute;
  const services = new Set(requests.flatMap((request) => [...request.services]));
  if (reach) for (const list of Object.values(reach)) for (const service of list) services.add(service);
  const ratios: Record<string, ServiceRatio> = {};
  for (const service of [...services].sort()) {
    const kept = count(requests, (request) => request.services.has(service));
    if (!reach) {
      ratios[service] = { basis: 'kept', ...capped(kept, Math.min(requests.length, input.truth.sent), level) };
      continue;
    }
    let reached = 0;
    for (const [route, truth] of Object.entries(input.truth.byRoute))
      if (reach[route]?.includes(service)) reached += truth.sent;
    ratios[service] = { basis: 'reached', ...capped(kept, reached, level) };
  }
  return ratios;
}

/** Of the requests the generator sent, what the kept spans show, and what keeping them cost per second. */
export function measureCoverage(input: CoverageInput): Coverage {
  if (!(input.windowSeconds > 0))
    throw new RangeError(`windowSeconds must be greater than 0, got ${input.windowSeconds}`);
  const level = input.level ?? 0.95;
  const { requests: byId, unattributedSpans } = keptRequests(input.keptSpans);
  const requests = [...byId.values()];
  const { truth } = input;
  const { byRoute, unrouted } = routeCoverage(input, requests, level);
  let keptBytes = 0;
  for (const span of input.keptSpans) keptBytes += estimateSpanBytes(span);
  return {
    traces: capped(requests.length, truth.sent, level),
    errors: capped(
      count(requests, (r) => r.error),
      truth.drawnError,
      level,
    ),
    slow: capped(
      count(requests, (r) => r.slow),
      truth.drawnSlow,
      level,
    ),
    unknownRequests: Math.max(0, requests.length - truth.sent),
    unattributedSpans,
    shape: assembleTraces(input.keptSpans),
    byService: serviceRatios(input, requests, level),
    byRoute,
    unroutedRequests: unrouted,
    cost: {
      windowSeconds: input.windowSeconds,
      exportedSpansPerSecond: input.exported.spans / input.windowSeconds,
      exportedBytesPerSecond: input.exported.bytes / input.windowSeconds,
      keptSpansPerSecond: input.keptSpans.length / input.windowSeconds,
      keptBytesPerSecondEstimate: keptBytes / input.windowSeconds,
    },
  };
}

/**
 * For each entry route of a workload, the services its span tree reaches through calls and published messages.
 * The tree is static, so every request on a route reaches them all, except where a drawn error stops a subtree
 * early; consumers that batch several requests' messages record one request id per batch span.
 */
export function servicesByRoute(shape: WorkloadShape): Record<string, string[]> {
  const services = new Map(shape.services.map((service) => [service.name, service]));
  const result: Record<string, string[]> = {};
  const entry = shape.services[0];
  for (const route of entry?.routes ?? []) {
    const reached = new Set<string>();
    const visited = new Set<string>();
    const enter = (service: ServiceShape, root: SpanShape, key: string) => {
      if (visited.has(key)) return;
      visited.add(key);
      reached.add(service.name);
      walk(root);
    };
    const walk = (span: SpanShape): void => {
      if (span.call) {
        const callee = services.get(span.call.service);
        const calleeRoute = callee?.routes.find((r) => r.name === span.call!.route);
        if (callee && calleeRoute) enter(callee, calleeRoute.root, `${callee.name} route ${calleeRoute.name}`);
      }
      if (span.publish) {
        for (const consumerService of shape.services) {
          for (const consumer of consumerService.consumers) {
            if (consumer.queue === span.publish.queue)
              enter(consumerService, consumer.root, `${consumerService.name} queue ${consumer.queue}`);
          }
        }
      }
      for (const child of span.children) walk(child);
    };
    enter(entry, route.root, `${entry.name} route ${route.name}`);
    result[route.name] = [...reached].sort();
  }
  return result;
}
