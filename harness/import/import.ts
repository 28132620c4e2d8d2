import { basename } from 'node:path';
import { echo } from '../text.js';
import { assembleTraces, type TraceTree } from './assemble.js';
import { buildShape } from './build-shape.js';
import { InputError } from './errors.js';
import { parseDocuments } from './parse.js';
import { parseExportText, readExportText } from './read-export.js';
import { summaryLines } from './summary.js';
import {
  DEFAULT_MAX_CPU_US_PER_SPAN,
  DEFAULT_MAX_FILE_BYTES,
  SLOW_FACTOR,
  type ImportOptions,
  type ImportResult,
  type ImportStats,
} from './types.js';
import { toWorkloadYaml } from './write-yaml.js';

/** Deepest span nesting a workload may get from an import: the workload loader's YAML depth limit holds it with room to spare. */
export const MAX_SPAN_DEPTH = 100;

function deepestTrace(traces: readonly TraceTree[]): { traceId: string; depth: number } | undefined {
  let deepest: { traceId: string; depth: number } | undefined;
  for (const trace of traces) {
    const stack = [trace.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (!deepest || node.depth + 1 > deepest.depth) deepest = { traceId: trace.traceId, depth: node.depth + 1 };
      stack.push(...node.children);
    }
  }
  return deepest;
}

/** The heuristics, worded once for the YAML header, the description and the summary. */
export function heuristicLines(maxCpuUsPerSpan: number): string[] {
  return [
    `CPU vs wait (a trace cannot tell them apart): the self time of CLIENT and PRODUCER spans is wait; other spans burn CPU for their self time up to ${maxCpuUsPerSpan} µs (--max-cpu-us-per-span) and wait for the rest.`,
    `slow: a request whose root span took more than ${SLOW_FACTOR}x its route's median; span timings come from the other requests. error.at: the deepest erroring span.`,
  ];
}

/** An export's text → a validated workload shape, its YAML and a summary. `label` names the file in messages. */
export function importTraces(text: string, options: ImportOptions, label: string): ImportResult {
  const maxCpuUsPerSpan = options.maxCpuUsPerSpan ?? DEFAULT_MAX_CPU_US_PER_SPAN;
  const documents = parseExportText(text, label);
  const parsed = parseDocuments(documents, options.format, label);
  if (parsed.spans.length === 0)
    throw new InputError(
      label,
      parsed.skippedSpans > 0
        ? `none of its ${parsed.skippedSpans} spans has a trace id, a span id and a start time: nothing to import (is --format ${options.format} right?)`
        : `the export holds no spans: nothing to import`,
    );
  const { traces, stats: assembled } = assembleTraces(parsed.spans);
  const deepest = deepestTrace(traces);
  if (deepest && deepest.depth > MAX_SPAN_DEPTH)
    throw new InputError(
      label,
      `trace ${echo(deepest.traceId, 32)} nests spans ${deepest.depth} levels deep: the import takes at most ${MAX_SPAN_DEPTH} (a workload's span tree is walked recursively); import a sample without such traces`,
    );
  const file = basename(label);
  const name = options.name ?? file.replace(/\.(jsonl?|ndjson)$/i, '');
  const spans = traces.reduce((sum, t) => sum + t.spanCount, 0);
  const source = `${file} (${options.format}): ${traces.length} traces, ${spans} spans`;
  const built = buildShape(traces, {
    name,
    description: `Imported from ${source}. CPU vs wait is a heuristic: at most ${maxCpuUsPerSpan} µs CPU per span, CLIENT/PRODUCER self time is wait.`,
    maxCpuUsPerSpan,
  });
  const stats: ImportStats = {
    traces: traces.length,
    spans,
    skippedSpans: parsed.skippedSpans,
    ...assembled,
    ...built.stats,
  };
  const header = [
    `Imported by \`tracebench import\` from ${source}. Regenerate rather than edit; see docs/import.md.`,
    ...heuristicLines(maxCpuUsPerSpan),
  ];
  const { yaml, shape } = toWorkloadYaml(built.shape, header);
  return {
    shape,
    yaml,
    stats,
    summary: summaryLines(file, options.format, shape, stats, heuristicLines(maxCpuUsPerSpan)),
  };
}

/** Reads (refusing files above `maxFileBytes`) and imports an export file. */
export function importTraceFile(file: string, options: ImportOptions, label = file): ImportResult {
  const text = readExportText(file, label, options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  return importTraces(text, options, label);
}
