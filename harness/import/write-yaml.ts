import { Document, isMap, isSeq, parse as parseYaml, visit } from 'yaml';
import { issueLines } from '../config/issues.js';
import { workloadSchema } from '../../workloads/shape/schema.js';
import type { SpanShape, WorkloadShape } from '../../workloads/shape/types.js';

/** A span with the schema's defaults left out (no empty lists, zero durations, `parallel: false`), keys in reading order. */
function compactSpan(span: SpanShape): Record<string, unknown> {
  return {
    name: span.name,
    kind: span.kind,
    ...(span.cpuUs !== 0 ? { cpuUs: span.cpuUs } : {}),
    ...(span.waitUs !== 0 ? { waitUs: span.waitUs } : {}),
    ...(Object.keys(span.attributes).length > 0 ? { attributes: span.attributes } : {}),
    ...(span.generatedAttributes ? { generatedAttributes: span.generatedAttributes } : {}),
    ...(span.events.length > 0
      ? { events: span.events.map((e) => (Object.keys(e.attributes).length > 0 ? e : { name: e.name })) }
      : {}),
    ...(span.links > 0 ? { links: span.links } : {}),
    ...(span.call ? { call: span.call } : {}),
    ...(span.publish ? { publish: span.publish } : {}),
    ...(span.parallel ? { parallel: true } : {}),
    ...(span.children.length > 0 ? { children: span.children.map(compactSpan) } : {}),
  };
}

function compactShape(shape: WorkloadShape): Record<string, unknown> {
  return {
    name: shape.name,
    description: shape.description,
    services: shape.services.map((s) => ({
      name: s.name,
      ...(s.routes.length > 0 ? { routes: s.routes.map((r) => ({ ...r, root: compactSpan(r.root) })) } : {}),
      ...(s.consumers.length > 0
        ? { consumers: s.consumers.map((c) => ({ queue: c.queue, batchSize: c.batchSize, root: compactSpan(c.root) })) }
        : {}),
    })),
  };
}

/** Small mappings (a duration, a call, an error rate) read best on one line. */
const FLOW_KEYS = new Set(['cpuUs', 'waitUs', 'generatedAttributes', 'call', 'publish', 'error', 'slow']);

/**
 * The shape as YAML, header comment first, then checked against `workloadSchema` exactly as a loader would read it.
 * A failure is a bug in the importer, not in the input: it throws a plain Error, which the CLI reports as internal.
 */
export function toWorkloadYaml(
  shape: WorkloadShape,
  header: readonly string[],
): { yaml: string; shape: WorkloadShape } {
  const document = new Document(compactShape(shape), { aliasDuplicateObjects: false });
  visit(document, {
    Pair(_, pair) {
      const key = (pair.key as { value?: unknown } | null)?.value;
      if (typeof key === 'string' && FLOW_KEYS.has(key) && isMap(pair.value)) pair.value.flow = true;
      if (key === 'events' && isSeq(pair.value)) for (const item of pair.value.items) if (isMap(item)) item.flow = true;
    },
  });
  const yaml = header.map((line) => `${`# ${line}`.trimEnd()}\n`).join('') + document.toString({ lineWidth: 0 });
  const parsed = workloadSchema.safeParse(parseYaml(yaml));
  if (!parsed.success)
    throw new Error(
      `the imported workload fails the workload schema (a bug in tracebench import):\n${issueLines(parsed.error.issues).join('\n')}`,
    );
  return { yaml, shape: parsed.data };
}
