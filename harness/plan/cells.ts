import { BATCH_DEFAULTS } from '../config/schema.js';
import { COMPRESSING_EXPORTERS } from '../config/vocabulary.js';
import type {
  Config,
  ExporterSetting,
  InstrumentationSetting,
  ProcessorSetting,
  SamplerSetting,
} from '../config/types.js';
import { cellEnv } from './env.js';
import { nodeSdkAxes } from './node-sdk.js';
import type { Cell, CellSettings } from './types.js';

export const BASELINE_ID = 'baseline';

/** `always_on`, `traceidratio-0.1`. String(number) is the shortest exact form, so distinct ratios give distinct ids. */
export function samplerId(sampler: SamplerSetting): string {
  if (sampler.type === 'module') return `${moduleName(sampler.module)}${argSuffix(sampler.arg)}`;
  if (sampler.type === 'biased')
    return `biased-${sampler.ratio}${sampler.alwaysRoutes.length + Object.keys(sampler.alwaysAttributes).length > 0 ? `-r${sampler.alwaysRoutes.length + Object.keys(sampler.alwaysAttributes).length}` : ''}`;
  if ('tracesPerSecond' in sampler) return `${sampler.type}-${sampler.tracesPerSecond}`;
  return 'ratio' in sampler ? `${sampler.type}-${sampler.ratio}` : sampler.type;
}

/** `./samplers/error-and-slow.js` → `error-and-slow`: the file's name without folder or extension, or the package name. */
export function moduleName(module: string): string {
  const last =
    module
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? module;
  return last.replace(/\.(c|m)?(j|t)s$/, '').replace(/[^\w.-]+/g, '-') || 'module';
}

/** `-0.01` for a scalar argument; a structured one is named by its place in the config, not spelled out. */
function argSuffix(arg: unknown): string {
  if (arg === undefined) return '';
  if (typeof arg === 'number' || typeof arg === 'boolean') return `-${arg}`;
  if (typeof arg === 'string') return `-${arg.replace(/[^\w.-]+/g, '-').slice(0, 20)}`;
  return `-${JSON.stringify(arg).length.toString(36)}`;
}

/** `simple`, `batch`, `batch-q64-b32-d200-t1000`: batch options appear only where they differ from the defaults. */
export function processorId(processor: ProcessorSetting): string {
  if (processor.type === 'module')
    return `${moduleName(processor.module)}${argSuffix(processor.arg)}-then-${processorId(processor.then)}`;
  if (processor.type === 'simple') return 'simple';
  const defaultBatch = Math.min(BATCH_DEFAULTS.maxExportBatchSize, processor.maxQueueSize);
  const parts = [
    processor.maxQueueSize !== BATCH_DEFAULTS.maxQueueSize ? `q${processor.maxQueueSize}` : '',
    processor.maxExportBatchSize !== defaultBatch ? `b${processor.maxExportBatchSize}` : '',
    processor.scheduleDelayMillis !== BATCH_DEFAULTS.scheduleDelayMillis ? `d${processor.scheduleDelayMillis}` : '',
    processor.exportTimeoutMillis !== BATCH_DEFAULTS.exportTimeoutMillis ? `t${processor.exportTimeoutMillis}` : '',
  ];
  return ['batch', ...parts.filter(Boolean)].join('-');
}

/** `manual` (left out of cell ids), `zero-code`, `zero-code-http`, `sdk-node-tracing`. */
export function instrumentationId(instrumentation: InstrumentationSetting): string {
  switch (instrumentation.type) {
    case 'none':
    case 'manual':
      return instrumentation.type;
    case 'zero-code':
      return ['zero-code', ...(instrumentation.enabled ?? [])].join('-');
    case 'sdk-node':
      // The extension stays: tracing.mjs and tracing.cjs are different set-ups.
      return `sdk-node-${(instrumentation.module.split(/[\\/]/).pop() ?? 'module').replace(/[^\w.-]+/g, '-')}`;
  }
}

/** `baseline`, `always_on~batch~otlp-http-protobuf`, or the sampler alone where processor and exporter cannot matter. */
export function cellId(settings: CellSettings): string {
  if (settings.tracing === 'off') return settings.instrumentation === 'api' ? 'api-noop' : BASELINE_ID;
  // Manual cells keep the ids they had before the instrumentation axis, so older runs still compare.
  const how =
    settings.instrumentation && settings.instrumentation.type !== 'manual'
      ? [instrumentationId(settings.instrumentation)]
      : [];
  const parts = [...how, samplerId(settings.sampler)];
  if (settings.contextManager === false) parts.push('no-context');
  if (settings.recordOnly) parts.push('recorded');
  if (settings.processor !== null) parts.push(processorId(settings.processor));
  if (settings.exporter !== null) parts.push(settings.exporter);
  if (settings.compression) parts.push(settings.compression);
  // The default propagator stays out of ids, so ids of runs before the axis existed still match.
  if (settings.propagator && settings.propagator !== 'tracecontext') parts.push(settings.propagator);
  if (settings.tail) parts.push(`tail-${settings.tail.name}`);
  return parts.join('~');
}

/**
 * True when no span can be sampled, so no span reaches a processor or exporter. The load generator sends no parent
 * context, so parentbased_always_off drops every root span too.
 */
export function samplesNothing(sampler: SamplerSetting): boolean {
  return (
    sampler.type === 'always_off' ||
    sampler.type === 'parentbased_always_off' ||
    (sampler.type !== 'biased' && 'ratio' in sampler && sampler.ratio === 0)
  );
}

/** Drops entries equal to an earlier one once defaults are filled in, with a note naming both positions. */
function dedupe<T>(axis: string, values: readonly T[], id: (v: T) => string, notes: string[]): T[] {
  const first = new Map<string, number>();
  const kept: T[] = [];
  values.forEach((value, index) => {
    const key = id(value);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, index);
      kept.push(value);
    } else {
      notes.push(
        `matrix.${axis}[${index}] is the same as matrix.${axis}[${earlier}] (${key}) once defaults are filled in: measured once`,
      );
    }
  });
  return kept;
}

/**
 * Combinations that differ only in a compression their exporter cannot apply (none, console, zipkin) are one cell,
 * without compression, with a note.
 */
function foldCompression(combos: CellSettings[], notes: string[]): Cell[] {
  const cells: Cell[] = [];
  const byId = new Map<string, Cell>();
  for (const settings of combos) {
    if (settings.tracing !== 'sdk') continue;
    const { compression, ...plain } = settings;
    const compresses = settings.exporter !== null && COMPRESSING_EXPORTERS.includes(settings.exporter);
    const kept: CellSettings = compresses ? settings : plain;
    const id = cellId(kept);
    const folded = compression && !compresses ? [cellId(settings)] : [];
    if (folded.length > 0)
      notes.push(
        `${id}: compression ${compression} folded into none: the ${settings.exporter} exporter sends uncompressed`,
      );
    const existing = byId.get(id);
    if (existing) existing.collapsed.push(...folded);
    else {
      const made = cell(kept, folded);
      byId.set(id, made);
      cells.push(made);
    }
  }
  return cells;
}

function cell(settings: CellSettings, collapsed: string[] = []): Cell {
  return { id: cellId(settings), settings, env: cellEnv(settings), collapsed };
}

/**
 * The cells to measure: the uninstrumented baseline first, then sampler × processor × exporter, with equivalent
 * combinations folded into one cell (each fold explained in `notes`).
 */
export function expandMatrix(config: Config): { cells: Cell[]; notes: string[] } {
  if (config.attribution) return attributionCells(config);
  const notes: string[] = [];
  const samplers = dedupe('sampler', config.matrix.sampler, samplerId, notes);
  const processors = dedupe('processor', config.matrix.processor, processorId, notes);
  const exporters = dedupe('exporter', config.matrix.exporter, (e: ExporterSetting) => e, notes);
  const propagators = dedupe('propagator', config.matrix.propagator, (p) => p, notes);
  const compressions = dedupe('compression', config.matrix.compression ?? ['none'], (c) => c, notes);
  const instrumentations = dedupe(
    'instrumentation',
    config.matrix.instrumentation ?? [{ type: 'manual' }],
    instrumentationId,
    notes,
  ).filter((i, index) => {
    if (i.type !== 'none') return true;
    notes.push(
      `matrix.instrumentation: none is the baseline cell, measured in every round anyway (entry ${index + 1} adds nothing)`,
    );
    return false;
  }) as Exclude<InstrumentationSetting, { type: 'none' }>[];

  // An A/A or A/B of variants compares each cell with itself; the baseline would only double the trials (calibrate).
  const cells: Cell[] = config.matrix.baseline === false ? [] : [cell({ tracing: 'off' })];
  for (const instrumentation of instrumentations) {
    const axes = nodeSdkAxes(
      instrumentation,
      { samplers, processors, exporters, propagators },
      { sampler: samplerId, processor: processorId },
      notes,
    );
    if (!axes) continue;
    const how = instrumentation.type === 'manual' ? {} : { instrumentation };
    // parentbased_X is never folded into X: the parent-based sampler runs another code path, and its cost is worth measuring.
    for (const sampler of axes.samplers) {
      // Propagators are never folded: even with nothing sampled, the context still travels in headers.
      for (const propagator of axes.propagators) {
        const combos = axes.processors.flatMap((processor) =>
          axes.exporters.flatMap((exporter) =>
            compressions.map(
              (compression): CellSettings => ({
                tracing: 'sdk',
                ...how,
                sampler,
                processor,
                exporter,
                ...(compression === 'gzip' ? { compression } : {}),
                propagator,
              }),
            ),
          ),
        );
        if (samplesNothing(sampler)) {
          const folded = combos.map(cellId);
          const settings: CellSettings = {
            tracing: 'sdk',
            ...how,
            sampler,
            processor: null,
            exporter: null,
            propagator,
          };
          cells.push(cell(settings, folded));
          if (folded.length > 1)
            notes.push(
              `${cellId(settings)}: ${folded.length} processor × exporter combinations collapsed into 1: nothing is sampled, so no span reaches a processor`,
            );
        } else {
          cells.push(...foldCompression(combos, notes));
        }
      }
    }
  }

  // Tail cells: the head sampler in the services, the first processor, exporter and propagator; the sink decides.
  for (const tail of config.tail ?? [])
    cells.push(
      cell({
        tracing: 'sdk',
        sampler: tail.head,
        processor: processors[0],
        exporter: exporters[0],
        propagator: propagators[0],
        tail: { name: tail.name, config: tail.sampling },
      }),
    );

  const ids = new Set(cells.map((c) => c.id));
  if (ids.size !== cells.length)
    throw new Error(`internal: duplicate cell ids in ${cells.map((c) => c.id).join(', ')}`);
  return { cells, notes };
}

/**
 * Attribution: the same service with one layer added at a time, so the CPU each costs can be read as a difference.
 * Exporters (and the simple processor) are alternatives on the top layer, each measured against `recorded`.
 */
export function attributionCells(config: Config): { cells: Cell[]; notes: string[] } {
  const exporters = config.attribution!.exporters;
  const layer = (index: number, name: string, adds: string) => ({ index, name, adds });
  const always = (type: 'always_on' | 'always_off') => ({ type }) as const;
  const batch = { type: 'batch' as const, ...BATCH_DEFAULTS, ...config.attribution!.batch };
  const cells = [
    cell({ tracing: 'off', layer: layer(0, 'no SDK', 'the service alone') }),
    cell({
      tracing: 'off',
      instrumentation: 'api',
      layer: layer(1, 'API, no-op tracer', 'API calls with no SDK registered'),
    }),
    cell({
      tracing: 'sdk',
      sampler: always('always_off'),
      processor: null,
      exporter: null,
      contextManager: false,
      layer: layer(2, 'SDK, always_off', 'the SDK: provider, sampler, non-recording spans'),
    }),
    cell({
      tracing: 'sdk',
      sampler: always('always_off'),
      processor: null,
      exporter: null,
      layer: layer(3, 'context manager', 'an AsyncLocalStorage context manager'),
    }),
    cell({
      tracing: 'sdk',
      sampler: always('always_on'),
      processor: null,
      exporter: null,
      recordOnly: true,
      layer: layer(4, 'spans recorded', 'recording every span (always_on), handed to no processor'),
    }),
    ...exporters.map((exporter) =>
      cell({
        tracing: 'sdk',
        sampler: always('always_on'),
        processor: batch,
        exporter,
        layer: layer(5, `batch → ${exporter}`, `the batch processor exporting with ${exporter}`),
      }),
    ),
    ...(config.attribution!.simple
      ? [
          cell({
            tracing: 'sdk',
            sampler: always('always_on'),
            processor: { type: 'simple' },
            exporter: exporters[0],
            layer: layer(
              5,
              `simple → ${exporters[0]}`,
              `the simple processor exporting each span with ${exporters[0]}`,
            ),
          }),
        ]
      : []),
  ];
  return { cells, notes: [`attribution: ${cells.length} layer cells; the matrix is not used`] };
}
