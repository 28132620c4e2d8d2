import type {
  ConsumerShape,
  ErrorShape,
  RouteShape,
  ServiceShape,
  SlowShape,
  WorkloadShape,
} from '../../workloads/shape/types.js';
import type { TraceTree } from './assemble.js';
import { methodFor, routePathFor, serviceNameFor, slug, uniqueName } from './naming.js';
import { errorOf, markSlow } from './request-rates.js';
import { spanNameOf, spanShapeOf, type SpanShapeContext } from './span-shape.js';
import { median, mostFrequent } from './timing.js';
import {
  UnitBuilder,
  unitsOfRequest,
  type NodeInstance,
  type UnitInstance,
  type UnitRole,
  type UnitStats,
} from './units.js';

/** All instances of one unit structure: one route (or consumer) in the shape. */
interface Group {
  key: number;
  role: UnitRole;
  service: string;
  instances: UnitInstance[];
  /** Instances that were a trace's root: they weigh the route and define its error and slow rates. */
  requests: UnitInstance[];
  error?: ErrorShape;
  slow?: SlowShape;
  /** Route name or queue, once named. */
  name: string;
}

export interface BuildOptions {
  name: string;
  description: string;
  maxCpuUsPerSpan: number;
}

export interface BuildStats extends UnitStats {
  clampedValues: number;
  movedRootOperations: string[];
}

const rootOperation = (trace: TraceTree) => `${trace.root.span.service}\u0000${trace.root.span.name}`;

/** The service of the most frequent root operation (ties by name): where the load generator sends requests. */
function entryServiceOf(traces: readonly TraceTree[]): string {
  const counts = new Map<string, { service: string; count: number }>();
  for (const trace of traces) {
    const id = rootOperation(trace);
    counts.set(id, { service: trace.root.span.service, count: (counts.get(id)?.count ?? 0) + 1 });
  }
  return [...counts.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))[0][1].service;
}

function groupsOf(requests: readonly UnitInstance[]): Group[] {
  const groups = new Map<number, Group>();
  for (const request of requests) {
    for (const unit of unitsOfRequest(request)) {
      let group = groups.get(unit.key);
      if (!group) {
        group = { key: unit.key, role: unit.role, service: unit.service, instances: [], requests: [], name: '' };
        groups.set(unit.key, group);
      }
      group.instances.push(unit);
      if (unit === request) group.requests.push(unit);
    }
  }
  return [...groups.values()];
}

function medianSelfByKey(groups: readonly Group[]): (key: number) => number {
  const samples = new Map<number, number[]>();
  const visit = (n: NodeInstance) => {
    const values = samples.get(n.key);
    if (values) values.push(n.selfUs);
    else samples.set(n.key, [n.selfUs]);
    n.children.forEach(visit);
  };
  for (const g of groups) for (const u of g.instances) visit(u.root);
  const medians = new Map([...samples].map(([key, values]) => [key, median(values)]));
  return (key) => medians.get(key) ?? 0;
}

const weightOf = (g: Group) => g.requests.length || g.instances.length;
const httpOf = (g: Group, field: 'httpRoute' | 'httpMethod') =>
  mostFrequent(g.instances.map((u) => u.root.node.span[field]).filter((v): v is string => v !== undefined));

/** Route names, paths and queue names: unique, deterministic (most frequent structure first). */
function nameGroups(groups: Group[]): Map<number, string> {
  const paths = new Map<number, string>();
  const routeNames = new Map<string, Set<string>>();
  const routePaths = new Map<string, Set<string>>();
  const queues = new Set<string>();
  const ordered = [...groups].sort(
    (a, b) =>
      weightOf(b) - weightOf(a) ||
      (spanNameOf(a.instances[0].root) < spanNameOf(b.instances[0].root) ? -1 : 1) ||
      a.key - b.key,
  );
  for (const g of ordered) {
    const spanName = spanNameOf(g.instances[0].root);
    if (g.role === 'consumer') {
      g.name = uniqueName(slug(g.instances[0].root.node.span.messagingDestination ?? spanName, 'queue'), queues);
      continue;
    }
    const names = routeNames.get(g.service) ?? new Set<string>();
    const taken = routePaths.get(g.service) ?? new Set<string>();
    routeNames.set(g.service, names);
    routePaths.set(g.service, taken);
    g.name = uniqueName(slug(spanName), names);
    // Two structures of one operation share its path: later ones get a /variant-N suffix so a service can tell them apart.
    const method = methodFor(httpOf(g, 'httpMethod'));
    const base = routePathFor(httpOf(g, 'httpRoute')) ?? `/${slug(spanName)}`;
    let path = base;
    for (let n = 2; taken.has(`${method} ${path}`); n++) path = `${base.replace(/\/$/, '')}/variant-${n}`;
    taken.add(`${method} ${path}`);
    paths.set(g.key, path);
  }
  return paths;
}

/** Trace trees → a workload shape: one route per distinct structure of each root operation, callees and consumers in their services. */
export function buildShape(
  traces: readonly TraceTree[],
  options: BuildOptions,
): { shape: WorkloadShape; stats: BuildStats } {
  const entry = entryServiceOf(traces);
  const builder = new UnitBuilder(traces, () => entry);
  const requests = traces.map((t) => builder.unit(t.root, entry, 'route'));
  const moved = new Set(
    traces.filter((t) => t.root.span.service !== entry).map((t) => `${t.root.span.service}: ${t.root.span.name}`),
  );
  const groups = groupsOf(requests);
  const clamped = { count: 0 };
  const medianSelfUs = medianSelfByKey(groups);
  for (const g of groups) {
    if (g.requests.length === 0) continue;
    g.error = errorOf(g.requests);
    g.slow = markSlow(g.requests, medianSelfUs, clamped);
  }
  const paths = nameGroups(groups);
  const byKey = new Map(groups.map((g) => [g.key, g]));
  const serviceNames = new Map<string, string>();
  const takenServiceNames = new Set<string>();
  const rawServices = [entry, ...[...new Set(groups.map((g) => g.service))].filter((s) => s !== entry).sort()];
  for (const raw of rawServices) serviceNames.set(raw, uniqueName(serviceNameFor(raw), takenServiceNames));
  const context: SpanShapeContext = {
    maxCpuUsPerSpan: options.maxCpuUsPerSpan,
    callOf: (key) => ({ service: serviceNames.get(byKey.get(key)!.service)!, route: byKey.get(key)!.name }),
    queueOf: (key) => byKey.get(key)!.name,
    clamped,
  };
  const rootShapeOf = (g: Group) => {
    const anyFast = g.instances.some((u) => !u.slowRequest);
    return spanShapeOf(
      g.instances.map((u) => u.root),
      g.instances.map((u) => !anyFast || !u.slowRequest),
      context,
    );
  };
  const services: ServiceShape[] = rawServices.map((raw) => {
    const mine = groups.filter((g) => g.service === raw);
    const routes: RouteShape[] = mine
      .filter((g) => g.role === 'route')
      .sort((a, b) => weightOf(b) - weightOf(a) || (a.name < b.name ? -1 : 1))
      .map((g) => ({
        name: g.name,
        method: methodFor(httpOf(g, 'httpMethod')),
        path: paths.get(g.key)!,
        weight: weightOf(g),
        ...(g.error ? { error: g.error } : {}),
        ...(g.slow ? { slow: g.slow } : {}),
        root: rootShapeOf(g),
      }));
    const consumers: ConsumerShape[] = mine
      .filter((g) => g.role === 'consumer')
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((g) => ({ queue: g.name, batchSize: 1, maxWaitUs: 1000, root: rootShapeOf(g) }));
    return { name: serviceNames.get(raw)!, routes, consumers };
  });
  return {
    shape: { name: options.name, description: options.description, services },
    stats: { ...builder.stats, clampedValues: clamped.count, movedRootOperations: [...moved].sort() },
  };
}
