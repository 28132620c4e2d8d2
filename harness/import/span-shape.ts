import type { CallShape, SpanEventShape, SpanShape } from '../../workloads/shape/types.js';
import { durationOf, median, splitSelfTime } from './timing.js';
import type { NodeInstance } from './units.js';

const MAX_ATTRIBUTES = 128;
const MAX_VALUE_BYTES = 4096;
const MAX_LINKS = 128;

export interface SpanShapeContext {
  maxCpuUsPerSpan: number;
  /** The callee route of a call unit, by unit key. */
  callOf(unitKey: number): CallShape;
  /** The queue of a consumer unit, by unit key. */
  queueOf(unitKey: number): string;
  /** Values above the schema's bounds, clamped. */
  clamped: { count: number };
}

export const spanNameOf = (node: NodeInstance) => node.node.span.name || 'unnamed';

function clamp(value: number, max: number, clamped: { count: number }): number {
  if (value > max) clamped.count++;
  return Math.min(value, max);
}

/** Each event name as many times as it occurs per span on average, rounded (so an event on 2% of spans is left out). */
function eventsOf(nodes: readonly NodeInstance[]): SpanEventShape[] {
  const counts = new Map<string, number>();
  for (const n of nodes)
    for (const name of n.node.span.eventNames) counts.set(name || 'event', (counts.get(name || 'event') ?? 0) + 1);
  const events: SpanEventShape[] = [];
  for (const name of [...counts.keys()].sort()) {
    const perSpan = Math.round(counts.get(name)! / nodes.length);
    for (let i = 0; i < perSpan; i++) events.push({ name, attributes: {} });
  }
  return events;
}

function generatedAttributesOf(
  nodes: readonly NodeInstance[],
  clamped: { count: number },
): SpanShape['generatedAttributes'] {
  const count = Math.round(median(nodes.map((n) => n.node.span.attributeCount)));
  if (count === 0) return undefined;
  const withAttributes = nodes.filter((n) => n.node.span.attributeCount > 0);
  const valueBytes = Math.round(
    median(withAttributes.map((n) => n.node.span.attributeValueBytes / n.node.span.attributeCount)),
  );
  return { count: clamp(count, MAX_ATTRIBUTES, clamped), valueBytes: clamp(valueBytes, MAX_VALUE_BYTES, clamped) };
}

/**
 * The same span in every instance of one structure → its shape: self time split into CPU and wait (from `timed` only:
 * requests that were not slow), attribute count and size, events, links, and children in parallel when they overlapped
 * in at least half the instances.
 */
export function spanShapeOf(
  nodes: readonly NodeInstance[],
  timed: readonly boolean[],
  context: SpanShapeContext,
): SpanShape {
  const first = nodes[0];
  const { kind } = first.node.span;
  const timedNodes = nodes.filter((_, i) => timed[i]);
  const splits = timedNodes.map((n) => splitSelfTime(kind, n.selfUs, context.maxCpuUsPerSpan));
  const generatedAttributes = generatedAttributesOf(nodes, context.clamped);
  const links = clamp(
    Math.round(nodes.reduce((sum, n) => sum + n.node.span.links.length, 0) / nodes.length),
    MAX_LINKS,
    context.clamped,
  );
  const children = first.children.map((_, i) =>
    spanShapeOf(
      nodes.map((n) => n.children[i]),
      timed,
      context,
    ),
  );
  const overlapping = nodes.filter((n) => n.overlap).length;
  return {
    name: spanNameOf(first),
    kind,
    attributes: {},
    ...(generatedAttributes ? { generatedAttributes } : {}),
    events: eventsOf(nodes),
    links,
    cpuUs: durationOf(
      splits.map((s) => s.cpuUs),
      context.clamped,
    ),
    waitUs: durationOf(
      splits.map((s) => s.waitUs),
      context.clamped,
    ),
    children,
    parallel: children.length > 1 && overlapping * 2 >= nodes.length,
    ...(first.call ? { call: context.callOf(first.call.key) } : {}),
    ...(first.publish ? { publish: { queue: context.queueOf(first.publish.key) } } : {}),
  };
}
