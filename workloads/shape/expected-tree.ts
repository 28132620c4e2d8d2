import type { ServiceShape, SpanKindName, SpanShape, WorkloadShape } from './types.js';

/** A span tree as a trace shows it: name, kind, service, children (order-free: parallel children race). */
export interface TreeNode {
  name: string;
  kind: SpanKindName;
  service: string;
  children: TreeNode[];
}

/**
 * The trace one request of `routeName` should produce when nothing fails: remote calls put the callee's
 * SERVER tree under the CLIENT span, and a message consumed alone (batchSize 1) puts the CONSUMER tree under
 * the PRODUCER span. Batches of more than one start their own traces (linked), so they are not part of it.
 */
export function expectedTree(shape: WorkloadShape, serviceName: string, routeName: string): TreeNode {
  const services = new Map(shape.services.map((s) => [s.name, s]));
  const consumers = new Map(
    shape.services.flatMap((s) => s.consumers.map((c) => [c.queue, { service: s, consumer: c }] as const)),
  );
  const route = (service: ServiceShape, name: string) => service.routes.find((r) => r.name === name)!;
  const build = (span: SpanShape, service: string): TreeNode => {
    const children = span.children.map((c) => build(c, service));
    if (span.call) {
      const callee = services.get(span.call.service)!;
      children.unshift(build(route(callee, span.call.route).root, callee.name));
    }
    if (span.publish) {
      const target = consumers.get(span.publish.queue)!;
      if (target.consumer.batchSize === 1) children.unshift(build(target.consumer.root, target.service.name));
    }
    return { name: span.name, kind: span.kind, service, children };
  };
  const service = services.get(serviceName)!;
  return build(route(service, routeName).root, service.name);
}

/** A canonical text of a tree, children sorted, for comparing a received trace with its shape. */
export function canonicalTree(node: TreeNode, indent = ''): string {
  const children = node.children.map((c) => canonicalTree(c, `${indent}  `)).sort();
  return [`${indent}${node.kind} ${node.name} @${node.service}`, ...children].join('\n');
}

/** Spans per request of a route, counted from its expected tree. */
export function treeSize(node: TreeNode): number {
  return 1 + node.children.reduce((n, c) => n + treeSize(c), 0);
}
