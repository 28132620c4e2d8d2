import type { NormalizedSpan } from './types.js';

export interface SpanNode {
  span: NormalizedSpan;
  startUs: number;
  /** Never before `startUs`: a span that ended before it started is clamped to zero duration. */
  endUs: number;
  /** In start order (ties by span id). */
  children: SpanNode[];
  depth: number;
}

export interface TraceTree {
  traceId: string;
  root: SpanNode;
  spanCount: number;
}

export interface AssembleStats {
  duplicateSpans: number;
  orphanSpans: number;
  rootlessTraces: number;
  skewCorrections: number;
}

const byStart = (a: { startUs: number; span: NormalizedSpan }, b: { startUs: number; span: NormalizedSpan }) =>
  a.startUs - b.startUs || (a.span.spanId < b.span.spanId ? -1 : a.span.spanId > b.span.spanId ? 1 : 0);

/** The deepest attached span whose interval holds the orphan's: where its missing parent most likely was. */
function innermostEnclosing(attached: SpanNode[], orphan: SpanNode): SpanNode | undefined {
  let best: SpanNode | undefined;
  for (const node of attached) {
    if (node.startUs > orphan.startUs || node.endUs < orphan.endUs) continue;
    if (!best || node.depth > best.depth || (node.depth === best.depth && byStart(node, best) > 0)) best = node;
  }
  return best;
}

/**
 * One trace's spans → a tree. Spans whose parent is missing (or in a cycle), and parentless spans beyond the earliest
 * root, are orphans: each is attached with its subtree under the innermost span that encloses it in time, else the root.
 */
function buildTree(spans: NormalizedSpan[], stats: AssembleStats): TraceTree {
  const nodes = spans.map(
    (span): SpanNode => ({
      span,
      startUs: span.startUs,
      endUs: Math.max(span.startUs, span.endUs),
      children: [],
      depth: 0,
    }),
  );
  stats.skewCorrections += spans.filter((s) => s.endUs < s.startUs).length;
  nodes.sort(byStart);
  const byId = new Map(nodes.map((n) => [n.span.spanId, n]));
  const childrenOf = new Map<string, SpanNode[]>();
  for (const node of nodes) {
    const parentId = node.span.parentSpanId;
    if (!parentId || !byId.has(parentId) || parentId === node.span.spanId) continue;
    const siblings = childrenOf.get(parentId);
    if (siblings) siblings.push(node);
    else childrenOf.set(parentId, [node]);
  }
  const roots = nodes.filter((n) => !n.span.parentSpanId);
  if (roots.length === 0) stats.rootlessTraces++;
  const root = roots[0] ?? nodes[0];
  const attachedIds = new Set<string>();
  const attached: SpanNode[] = [];
  const attach = (node: SpanNode, parent: SpanNode | undefined) => {
    const stack: [SpanNode, SpanNode | undefined][] = [[node, parent]];
    while (stack.length > 0) {
      const [next, under] = stack.pop()!;
      if (attachedIds.has(next.span.spanId)) continue;
      attachedIds.add(next.span.spanId);
      attached.push(next);
      if (under) {
        next.depth = under.depth + 1;
        under.children.push(next);
        if (next.startUs < under.startUs) stats.skewCorrections++;
      }
      for (const child of childrenOf.get(next.span.spanId) ?? []) stack.push([child, next]);
    }
  };
  attach(root, undefined);
  // First the spans whose parent is missing, in start order; then whatever is left, which can only be a parent cycle.
  for (const cycles of [false, true]) {
    for (const orphan of nodes) {
      if (attachedIds.has(orphan.span.spanId) || (!cycles && byId.has(orphan.span.parentSpanId))) continue;
      stats.orphanSpans++;
      attach(orphan, innermostEnclosing(attached, orphan) ?? root);
    }
  }
  for (const node of attached) node.children.sort(byStart);
  return { traceId: root.span.traceId, root, spanCount: nodes.length };
}

/** De-duplicates spans (first one kept), groups them by trace and builds each trace's tree; traces in start order. */
export function assembleTraces(spans: NormalizedSpan[]): { traces: TraceTree[]; stats: AssembleStats } {
  const stats: AssembleStats = { duplicateSpans: 0, orphanSpans: 0, rootlessTraces: 0, skewCorrections: 0 };
  const seen = new Set<string>();
  const byTrace = new Map<string, NormalizedSpan[]>();
  for (const span of spans) {
    const key = `${span.traceId}/${span.spanId}`;
    if (seen.has(key)) {
      stats.duplicateSpans++;
      continue;
    }
    seen.add(key);
    const trace = byTrace.get(span.traceId);
    if (trace) trace.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const traces = [...byTrace.values()].map((trace) => buildTree(trace, stats));
  traces.sort((a, b) => byStart(a.root, b.root) || (a.traceId < b.traceId ? -1 : 1));
  return { traces, stats };
}
