import type { WorkloadShape } from '../../workloads/shape/types.js';
import type { ImportStats, TraceFormat } from './types.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Warnings that say what was changed and why, only for what happened. */
function warnings(stats: ImportStats): string[] {
  const out: string[] = [];
  if (stats.movedRootOperations.length > 0)
    out.push(
      `root operations of services other than the entry became routes of the entry service (the load generator only sends to the entry): ${stats.movedRootOperations.join(', ')}`,
    );
  if (stats.inlinedCrossService > 0)
    out.push(
      `${plural(stats.inlinedCrossService, 'cross-service span')} stayed inline in the caller's tree (no CLIENT/PRODUCER parent, a self-call, or a call that would make services call each other in a cycle)`,
    );
  if (stats.droppedExtraRemoteSpans > 0)
    out.push(
      `${plural(stats.droppedExtraRemoteSpans, 'span')} dropped: a CLIENT (PRODUCER) span with more than one remote SERVER (CONSUMER) child keeps the first; the others' time became the parent's wait`,
    );
  if (stats.clampedValues > 0)
    out.push(
      `${plural(stats.clampedValues, 'value')} above the workload schema's limits (10 s, 128 attributes or links, 4096-byte values) clamped to the limit`,
    );
  if (stats.skippedSpans > 0)
    out.push(`${plural(stats.skippedSpans, 'span')} without a trace id, span id or start time skipped`);
  return out;
}

/** The summary printed to stderr: what was read, what was built, what was repaired, and the heuristics used. */
export function summaryLines(
  file: string,
  format: TraceFormat,
  shape: WorkloadShape,
  stats: ImportStats,
  heuristics: readonly string[],
): string[] {
  const routes = shape.services.reduce((sum, s) => sum + s.routes.length, 0);
  const consumers = shape.services.reduce((sum, s) => sum + s.consumers.length, 0);
  const services = shape.services.map(
    (s, i) =>
      `${s.name}${i === 0 ? ' (entry)' : ''}: ${plural(s.routes.length, 'route')}${s.consumers.length ? `, ${plural(s.consumers.length, 'consumer')}` : ''}`,
  );
  return [
    `import: ${file} (${format}): ${plural(stats.traces, 'trace')}, ${plural(stats.spans, 'span')}`,
    `  workload '${shape.name}': ${plural(shape.services.length, 'service')}, ${plural(routes, 'route')}, ${plural(consumers, 'consumer')}; ${services.join('; ')}`,
    `  repairs: ${plural(stats.duplicateSpans, 'duplicate span')} dropped, ${plural(stats.orphanSpans, 'orphan')} re-attached, ${plural(stats.rootlessTraces, 'rootless trace')}, ${plural(stats.skewCorrections, 'clock-skew correction')}`,
    ...heuristics.map((h) => `  heuristic: ${h}`),
    ...warnings(stats).map((w) => `  warning: ${w}`),
  ];
}
