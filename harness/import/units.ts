import type { SpanNode, TraceTree } from './assemble.js';
import { ServiceGraph } from './service-graph.js';
import { concurrentRuns, selfTimeUs } from './timing.js';

/** One span of one request, as it will appear in the shape: remote children split off into their own units. */
export interface NodeInstance {
  node: SpanNode;
  /** Structure id: equal for spans with equal name, kind, service and subtree (calls and publishes included). */
  key: number;
  selfUs: number;
  /** Shape children in start order, except that siblings that overlapped are in a fixed order (see `canonicalOrder`). */
  children: NodeInstance[];
  overlap: boolean;
  call?: UnitInstance;
  publish?: UnitInstance;
}

export type UnitRole = 'route' | 'consumer';

/** A subtree run by one service for one request: a trace's root, a called SERVER span or a consumed message. */
export interface UnitInstance {
  key: number;
  role: UnitRole;
  /** The service that runs it: the root span's, or the entry service for a root moved there. */
  service: string;
  root: NodeInstance;
  /** Set for trace roots: whether the whole request was slow (its timings then stay out of the distributions). */
  slowRequest: boolean;
}

export interface UnitStats {
  inlinedCrossService: number;
  droppedExtraRemoteSpans: number;
}

/** What a fan-out's siblings are sorted by: name, kind, service and callee, then structure id. */
const sortKey = (n: NodeInstance) =>
  JSON.stringify([
    n.node.span.name,
    n.node.span.kind,
    n.node.span.service,
    n.call?.service ?? '',
    n.publish?.service ?? '',
  ]);

/**
 * Siblings that ran concurrently started in whatever order the scheduler chose: sorting each concurrent run keeps that
 * jitter from splitting one structure into several, while runs stay in start order (a fan-out, then `render`).
 */
function canonicalOrder(children: NodeInstance[]): { children: NodeInstance[]; overlap: boolean } {
  const runs = concurrentRuns(children.map((c) => ({ startUs: c.node.startUs, endUs: c.node.endUs, child: c })));
  const sorted = runs.map((run) =>
    run
      .map((r) => r.child)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : a.key - b.key)),
  );
  return { children: sorted.flat(), overlap: runs.some((run) => run.length > 1) };
}

const isCall = (parent: SpanNode, child: SpanNode) =>
  parent.span.kind === 'CLIENT' && child.span.kind === 'SERVER' && child.span.service !== parent.span.service;
const isPublish = (parent: SpanNode, child: SpanNode) =>
  parent.span.kind === 'PRODUCER' && child.span.kind === 'CONSUMER';

function subtreeSize(node: SpanNode): number {
  return 1 + node.children.reduce((sum, child) => sum + subtreeSize(child), 0);
}

/** Interns structure signatures to small ids, so equal trees compare by one number. */
class Structures {
  private readonly ids = new Map<string, number>();
  intern(signature: string): number {
    let id = this.ids.get(signature);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(signature, id);
    }
    return id;
  }
}

/** Builds unit instances from trace trees, deciding which parent → child edges cross services. */
export class UnitBuilder {
  private readonly structures = new Structures();
  private readonly graph = new ServiceGraph();
  readonly stats: UnitStats = { inlinedCrossService: 0, droppedExtraRemoteSpans: 0 };

  /** Seeds the service graph with the most frequent cross-service edges first, so a rare edge is the one inlined. */
  constructor(traces: readonly TraceTree[], unitServiceOfRoot: (trace: TraceTree) => string) {
    const counts = new Map<string, { from: string; to: string; count: number }>();
    const visit = (node: SpanNode, unitService: string) => {
      for (const child of node.children) {
        const crosses = isCall(node, child) || (isPublish(node, child) && child.span.service !== unitService);
        if (crosses) {
          const id = `${unitService}\u0000${child.span.service}`;
          const edge = counts.get(id) ?? { from: unitService, to: child.span.service, count: 0 };
          edge.count++;
          counts.set(id, edge);
        }
        visit(child, crosses ? child.span.service : unitService);
      }
    };
    for (const trace of traces) visit(trace.root, unitServiceOfRoot(trace));
    const edges = [...counts.values()].sort(
      (a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
    );
    for (const edge of edges) this.graph.allow(edge.from, edge.to);
  }

  unit(node: SpanNode, service: string, role: UnitRole): UnitInstance {
    const root = this.node(node, service);
    return {
      key: this.structures.intern(JSON.stringify(['unit', role, service, root.key])),
      role,
      service,
      root,
      slowRequest: false,
    };
  }

  private crossing(parent: SpanNode, child: SpanNode, unitService: string): 'call' | 'publish' | 'inline' {
    if (isCall(parent, child)) {
      if (child.span.service !== unitService && this.graph.allow(unitService, child.span.service)) return 'call';
      this.stats.inlinedCrossService++;
      return 'inline';
    }
    if (isPublish(parent, child)) {
      // A queue consumed in the publisher's own service adds no edge between services.
      if (child.span.service === unitService || this.graph.allow(unitService, child.span.service)) return 'publish';
      this.stats.inlinedCrossService++;
      return 'inline';
    }
    if (child.span.service !== parent.span.service) this.stats.inlinedCrossService++;
    return 'inline';
  }

  private node(node: SpanNode, unitService: string): NodeInstance {
    let call: UnitInstance | undefined;
    let publish: UnitInstance | undefined;
    const inline: NodeInstance[] = [];
    const timed: SpanNode[] = [];
    for (const child of node.children) {
      const crossing = this.crossing(node, child, unitService);
      if ((crossing === 'call' && call) || (crossing === 'publish' && publish)) {
        // A shape span calls or publishes once; the extra remote subtree's time becomes the parent's wait.
        this.stats.droppedExtraRemoteSpans += subtreeSize(child);
        continue;
      }
      timed.push(child);
      if (crossing === 'call') call = this.unit(child, child.span.service, 'route');
      else if (crossing === 'publish') publish = this.unit(child, child.span.service, 'consumer');
      else inline.push(this.node(child, unitService));
    }
    const { children, overlap } = canonicalOrder(inline);
    const { span } = node;
    const signature = JSON.stringify([
      span.service,
      span.kind,
      span.name,
      children.map((c) => c.key),
      call?.key ?? -1,
      publish?.key ?? -1,
    ]);
    return {
      node,
      key: this.structures.intern(signature),
      selfUs: selfTimeUs(node, timed),
      children,
      overlap,
      ...(call ? { call } : {}),
      ...(publish ? { publish } : {}),
    };
  }
}

/** Every unit instance of a request, the root first, then those it calls or publishes to, depth first. */
export function unitsOfRequest(root: UnitInstance): UnitInstance[] {
  const out: UnitInstance[] = [];
  const visitUnit = (unit: UnitInstance) => {
    out.push(unit);
    visitNode(unit.root);
  };
  const visitNode = (node: NodeInstance) => {
    if (node.call) visitUnit(node.call);
    if (node.publish) visitUnit(node.publish);
    node.children.forEach(visitNode);
  };
  visitUnit(root);
  return out;
}

/** Every span of a request across its units, with its depth in the trace. */
export function nodesOfRequest(root: UnitInstance): NodeInstance[] {
  const out: NodeInstance[] = [];
  const visit = (node: NodeInstance) => {
    out.push(node);
    node.children.forEach(visit);
  };
  for (const unit of unitsOfRequest(root)) visit(unit.root);
  return out;
}
