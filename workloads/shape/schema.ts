import { z } from 'zod';
import { echo, echoList, quote } from '../../harness/text.js';
import type { DurationUs, ServiceShape, SpanShape, WorkloadShape } from './types.js';

const attributeValue = z.union([z.string(), z.number(), z.boolean()]);
const attributes = z.record(z.string().min(1), attributeValue).default({});
const MAX_US = 10_000_000;
const us = z.number().min(0, 'must be 0 or more (µs)').max(MAX_US, 'must be at most 10 s (10000000 µs)');

const durationUs: z.ZodType<DurationUs, unknown> = z.union(
  [
    us,
    z
      .strictObject({ p50: us, p99: us })
      .refine((d) => d.p99 >= d.p50, { message: 'p99 must be at least p50', path: ['p99'] }),
    z
      .strictObject({ min: us, max: us })
      .refine((d) => d.max >= d.min, { message: 'max must be at least min', path: ['max'] }),
  ],
  { error: 'must be µs as a number, {p50, p99} (log-normal) or {min, max} (uniform)' },
);

const name = z.string().min(1, 'must be a non-empty name');

const spanShape: z.ZodType<SpanShape, unknown> = z.lazy(() =>
  z
    .strictObject({
      name: z.string().min(1, 'must be a non-empty span name'),
      kind: z.enum(['SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER', 'INTERNAL']).default('INTERNAL'),
      attributes,
      generatedAttributes: z
        .strictObject({ count: z.int().min(0).max(128), valueBytes: z.int().min(0).max(4096).default(16) })
        .optional(),
      events: z.array(z.strictObject({ name: z.string().min(1), attributes })).default([]),
      links: z.int().min(0).max(128).default(0),
      cpuUs: durationUs.default(0),
      waitUs: durationUs.default(0),
      children: z.array(spanShape).default([]),
      parallel: z.boolean().default(false),
      call: z.strictObject({ service: name, route: name }).optional(),
      publish: z.strictObject({ queue: name }).optional(),
    })
    .superRefine((span, ctx) => {
      if (span.call && span.kind !== 'CLIENT')
        ctx.addIssue({
          code: 'custom',
          path: ['kind'],
          message: `a span with call must be kind CLIENT (it is ${span.kind})`,
        });
      if (span.publish && span.kind !== 'PRODUCER')
        ctx.addIssue({
          code: 'custom',
          path: ['kind'],
          message: `a span with publish must be kind PRODUCER (it is ${span.kind})`,
        });
      if (span.call && span.publish)
        ctx.addIssue({ code: 'custom', path: ['publish'], message: 'a span either calls or publishes, not both' });
    }),
);

const rate = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

const route = z.strictObject({
  name,
  method: z.enum(['GET', 'POST']).default('GET'),
  path: z
    .string()
    .regex(/^\/[\w\-./:]*$/, 'must start with / and hold only letters, digits, - _ . / and :param segments'),
  weight: z.number().positive('must be more than 0').default(1),
  error: z.strictObject({ rate, at: name.optional() }).optional(),
  slow: z.strictObject({ rate, extraWaitUs: us, at: name.optional() }).optional(),
  root: spanShape,
});

const consumer = z.strictObject({
  queue: name,
  batchSize: z.int().min(1).max(1000).default(1),
  maxWaitUs: us.default(1000),
  root: spanShape,
});

const service = z.strictObject({
  name: z.string().regex(/^[A-Za-z][\w.-]*$/, 'must start with a letter and hold only letters, digits, . _ -'),
  routes: z.array(route).default([]),
  consumers: z.array(consumer).default([]),
});

function walk(
  span: SpanShape,
  visit: (span: SpanShape, path: (string | number)[]) => void,
  path: (string | number)[],
): void {
  visit(span, path);
  span.children.forEach((child, i) => {
    walk(child, visit, [...path, 'children', i]);
  });
}

/** Every span of a service with its path in the YAML, for cross-checks. */
export function spansOf(service: ServiceShape, at: number): { span: SpanShape; path: (string | number)[] }[] {
  const out: { span: SpanShape; path: (string | number)[] }[] = [];
  const add = (span: SpanShape, path: (string | number)[]) => {
    out.push({ span, path });
  };
  service.routes.forEach((r, i) => {
    walk(r.root, add, ['services', at, 'routes', i, 'root']);
  });
  service.consumers.forEach((c, i) => {
    walk(c.root, add, ['services', at, 'consumers', i, 'root']);
  });
  return out;
}

/** Names resolve (services, routes, queues, error/slow spans), and calls between services form no cycle. */
function crossCheck(shape: WorkloadShape, ctx: z.RefinementCtx): void {
  const byName = new Map<string, ServiceShape>();
  shape.services.forEach((s, i) => {
    if (byName.has(s.name))
      ctx.addIssue({
        code: 'custom',
        path: ['services', i, 'name'],
        message: `duplicate service name ${quote(s.name)}`,
      });
    byName.set(s.name, s);
  });
  if (shape.services[0] && shape.services[0].routes.length === 0)
    ctx.addIssue({
      code: 'custom',
      path: ['services', 0, 'routes'],
      message: 'the first service is the entry and must list at least one route',
    });
  const queues = new Map<string, string>();
  shape.services.forEach((s, i) => {
    s.consumers.forEach((c, j) => {
      if (queues.has(c.queue))
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'consumers', j, 'queue'],
          message: `queue ${quote(c.queue)} already has a consumer in service ${quote(queues.get(c.queue) ?? '')}`,
        });
      queues.set(c.queue, s.name);
    });
  });
  const allSpanNames = new Set<string>();
  const edges = new Map<string, Set<string>>();
  shape.services.forEach((s, i) => {
    const routeNames = new Set<string>();
    s.routes.forEach((r, j) => {
      if (routeNames.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'routes', j, 'name'],
          message: `duplicate route name ${quote(r.name)} in service ${quote(s.name)}`,
        });
      routeNames.add(r.name);
    });
    const out = new Set<string>();
    edges.set(s.name, out);
    for (const { span, path } of spansOf(s, i)) {
      allSpanNames.add(span.name);
      if (span.call) {
        const callee = byName.get(span.call.service);
        if (!callee)
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'call', 'service'],
            message: `no service named ${quote(span.call.service)} (services: ${echoList([...byName.keys()])})`,
          });
        else if (!callee.routes.some((r) => r.name === span.call!.route))
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'call', 'route'],
            message: `service ${quote(callee.name)} has no route named ${quote(span.call.route)} (routes: ${echoList(callee.routes.map((r) => r.name)) || 'none'})`,
          });
        else out.add(callee.name);
      }
      if (span.publish) {
        const consumerService = queues.get(span.publish.queue);
        if (!consumerService)
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'publish', 'queue'],
            message: `no consumer for queue ${quote(span.publish.queue)}: add one under some service's consumers`,
          });
        else if (consumerService !== s.name) out.add(consumerService);
      }
    }
  });
  shape.services.forEach((s, i) => {
    s.routes.forEach((r, j) => {
      for (const key of ['error', 'slow'] as const) {
        const at = r[key]?.at;
        if (at && !allSpanNames.has(at))
          ctx.addIssue({
            code: 'custom',
            path: ['services', i, 'routes', j, key, 'at'],
            message: `no span named ${quote(at)} in this workload`,
          });
      }
    });
  });
  const cycle = findCycle(edges);
  if (cycle)
    ctx.addIssue({
      code: 'custom',
      path: ['services'],
      message: `services call each other in a cycle (${cycle.map((n) => echo(n, 40)).join(' → ')}): remote calls must form a tree or DAG`,
    });
}

function findCycle(edges: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

/** Most services one workload may have; each is a process of its own. */
export const MAX_SERVICES = 200;

export const workloadSchema: z.ZodType<WorkloadShape, unknown> = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().default(''),
    // Calls between services are walked depth-first: the bound keeps a chain of services within the stack.
    services: z
      .array(service)
      .min(1, 'must list at least one service')
      .max(MAX_SERVICES, `must list at most ${MAX_SERVICES} services`),
  })
  .superRefine(crossCheck);

/** Services in an order where every callee (and queue consumer) starts before its callers: reverse topological. */
export function startOrder(shape: WorkloadShape): ServiceShape[] {
  const byName = new Map(shape.services.map((s) => [s.name, s]));
  const queues = new Map<string, string>();
  for (const s of shape.services) for (const c of s.consumers) queues.set(c.queue, s.name);
  const done = new Set<string>();
  const order: ServiceShape[] = [];
  const visit = (s: ServiceShape) => {
    if (done.has(s.name)) return;
    done.add(s.name);
    spansOf(s, 0).forEach(({ span }) => {
      const dep = span.call?.service ?? (span.publish ? queues.get(span.publish.queue) : undefined);
      if (dep && dep !== s.name) visit(byName.get(dep)!);
    });
    order.push(s);
  };
  shape.services.forEach(visit);
  return order;
}
