/** A workload describes the span trees that requests produce; the generic service runs it. */

export type SpanKindName = 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'INTERNAL';

export type AttributeValue = string | number | boolean;

export interface SpanEventShape {
  name: string;
  attributes: Record<string, AttributeValue>;
}

export interface SpanShape {
  name: string;
  /** @default 'INTERNAL' ('SERVER' for a route's root) */
  kind: SpanKindName;
  attributes: Record<string, AttributeValue>;
  events: SpanEventShape[];
  /** CPU burned inside this span, before its children (µs). @default 0 */
  cpuUs: number;
  /** Asynchronous wait inside this span, after its own CPU (µs); below 1000 µs it is one event-loop turn. @default 0 */
  waitUs: number;
  /** Children run in sequence, or all at once when `parallel`. */
  children: SpanShape[];
  /** @default false */
  parallel: boolean;
}

export interface RouteShape {
  name: string;
  method: 'GET' | 'POST';
  /** Path pattern with `:param` segments, e.g. `/api/users/:id`. */
  path: string;
  /** Relative share of requests. @default 1 */
  weight: number;
  root: SpanShape;
}

export interface WorkloadShape {
  name: string;
  description: string;
  serviceName: string;
  routes: RouteShape[];
}
