/**
 * A workload describes the span trees that requests produce, across one or more services; the generic
 * reference service runs it (one process per service). Validated by `schema.ts`; documented in workloads/README.md.
 */

export type SpanKindName = 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'INTERNAL';

export type AttributeValue = string | number | boolean;

/**
 * A duration in µs: a fixed value, a log-normal given by its median and 99th percentile (what trace exports
 * show: skewed, positive), or a uniform range.
 */
export type DurationUs = number | { p50: number; p99: number } | { min: number; max: number };

export interface SpanEventShape {
  name: string;
  attributes: Record<string, AttributeValue>;
}

/** Synthetic attributes `attr.0` … `attr.N-1`, each a string of `valueBytes` characters, on top of `attributes`. */
export interface GeneratedAttributes {
  count: number;
  valueBytes: number;
}

/** A remote call: this span (a CLIENT) sends an HTTP request to a route of another service, context in headers. */
export interface CallShape {
  service: string;
  /** The callee route's `name`. */
  route: string;
}

/** A message published to a queue: this span (a PRODUCER) hands it to the queue's consumer. */
export interface PublishShape {
  queue: string;
}

export interface SpanShape {
  name: string;
  /** @default 'INTERNAL' */
  kind: SpanKindName;
  attributes: Record<string, AttributeValue>;
  /** @default none */
  generatedAttributes?: GeneratedAttributes;
  events: SpanEventShape[];
  /** Links to that many other span contexts (references into other traces). @default 0 */
  links: number;
  /** CPU burned inside this span, before its children. @default 0 */
  cpuUs: DurationUs;
  /** Asynchronous wait inside this span, after its own CPU; below 1000 µs it is one event-loop turn. @default 0 */
  waitUs: DurationUs;
  /** Children run in sequence, or all at once when `parallel`. */
  children: SpanShape[];
  /** @default false */
  parallel: boolean;
  /** Set on CLIENT spans that call another service (after this span's own work, before its children). */
  call?: CallShape;
  /** Set on PRODUCER spans that publish a message. */
  publish?: PublishShape;
}

/** Where a drawn error or slow path happens: a span name in this route's tree or in any service it reaches. */
export interface ErrorShape {
  /** Probability that a request is drawn to fail (0..1). */
  rate: number;
  /** The span that fails (status ERROR, exception event); the failure travels up to the root. @default the root */
  at?: string;
}

export interface SlowShape {
  rate: number;
  /** Extra wait added to the span `at`. */
  extraWaitUs: number;
  /** @default the root */
  at?: string;
}

export interface RouteShape {
  name: string;
  method: 'GET' | 'POST';
  /** Path pattern with `:param` segments, e.g. `/api/users/:id`. */
  path: string;
  /** Relative share of the entry service's requests (ignored for routes only called by other services). @default 1 */
  weight: number;
  error?: ErrorShape;
  slow?: SlowShape;
  root: SpanShape;
}

/** Consumes a queue in batches: one CONSUMER-rooted tree per batch, linked to each message's PRODUCER span. */
export interface ConsumerShape {
  queue: string;
  /** Messages per batch, at most. @default 1 */
  batchSize: number;
  /** How long a partial batch waits for more messages. @default 1000 */
  maxWaitUs: number;
  root: SpanShape;
}

export interface ServiceShape {
  name: string;
  routes: RouteShape[];
  consumers: ConsumerShape[];
}

export interface WorkloadShape {
  name: string;
  description: string;
  /** The first service is the entry: the load generator sends only to it, routes picked by weight. */
  services: ServiceShape[];
}

/**
 * Ground truth: the generator marks each request in this header; every service forwards it on its calls and
 * messages and records it on its SERVER and CONSUMER spans, so the sink can tell which traces matter.
 * Value: `<requestId>;e=<0|1>;s=<0|1>`.
 */
export const TRUTH_HEADER = 'x-tracebench-truth';
export const TRUTH_ATTRIBUTES = {
  requestId: 'tracebench.request.id',
  error: 'tracebench.truth.error',
  slow: 'tracebench.truth.slow',
  route: 'tracebench.route',
} as const;

export interface Truth {
  requestId: string;
  error: boolean;
  slow: boolean;
}

/** Fills `:param` segments with integers drawn from `random`. */
export function fillPath(pattern: string, random: () => number): string {
  return pattern.replace(/:[A-Za-z_]\w*/g, () => String(1 + Math.floor(random() * 100_000)));
}

export function formatTruth(truth: Truth): string {
  return `${truth.requestId};e=${truth.error ? 1 : 0};s=${truth.slow ? 1 : 0}`;
}

export function parseTruth(value: string | undefined): Truth | undefined {
  if (!value) return undefined;
  const [requestId, ...flags] = value.split(';');
  if (!requestId) return undefined;
  return { requestId, error: flags.includes('e=1'), slow: flags.includes('s=1') };
}
