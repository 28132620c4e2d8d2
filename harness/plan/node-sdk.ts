import type {
  ExporterSetting,
  InstrumentationSetting,
  ProcessorSetting,
  PropagatorSetting,
  SamplerSetting,
} from '../config/types.js';

// What a NodeSDK (@opentelemetry/sdk-node 0.223) sets up from the OTEL_* variables alone, read from its source: the
// sampler from OTEL_TRACES_SAMPLER (sdk-trace-base's six names), one batch processor per exporter from OTEL_BSP_*
// (console always gets a simple one), OTEL_TRACES_EXPORTER=none meaning "do not start", and OTEL_PROPAGATORS from
// tracecontext, baggage, b3, b3multi and jaeger. A cell asking for anything else would measure something it did not ask.

const SAMPLERS: readonly string[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const EXPORTERS: readonly ExporterSetting[] = ['otlp-http-protobuf', 'otlp-http-json', 'otlp-grpc', 'zipkin'];
const PROPAGATORS: readonly PropagatorSetting[] = ['tracecontext', 'b3', 'b3multi', 'jaeger'];

export interface Axes {
  samplers: SamplerSetting[];
  processors: ProcessorSetting[];
  exporters: ExporterSetting[];
  propagators: PropagatorSetting[];
}

/** Why a NodeSDK cannot be given this value through its environment, or undefined when it can. */
function samplerRefusal(s: SamplerSetting): string | undefined {
  if (s.type === 'module') return 'NodeSDK reads no variable that loads a sampler module';
  if (!SAMPLERS.includes(s.type)) return `NodeSDK's OTEL_TRACES_SAMPLER knows only ${SAMPLERS.join(', ')}`;
  return undefined;
}

function processorRefusal(p: ProcessorSetting): string | undefined {
  if (p.type === 'simple') return 'NodeSDK reads no variable for it (it builds a batch processor per exporter)';
  if (p.type === 'module') return 'NodeSDK reads no variable that loads a span processor module';
  return undefined;
}

function exporterRefusal(e: ExporterSetting): string | undefined {
  if (e === 'none')
    return 'NodeSDK reads OTEL_TRACES_EXPORTER=none as "do not start the SDK", which would measure no tracing at all';
  if (e === 'console')
    return 'NodeSDK pairs the console exporter with a simple processor whatever OTEL_BSP_* say, and writes to stdout';
  return undefined;
}

function propagatorRefusal(p: PropagatorSetting): string | undefined {
  return PROPAGATORS.includes(p)
    ? undefined
    : `NodeSDK's OTEL_PROPAGATORS knows only ${PROPAGATORS.join(', ')} (and baggage)`;
}

/** `zero-code (http)`, `sdk-node ./tracing.js`: the instrumentation as a note names it. */
export function describeInstrumentation(i: InstrumentationSetting): string {
  if (i.type === 'zero-code') return i.enabled ? `zero-code (${i.enabled.join(', ')})` : 'zero-code';
  if (i.type === 'sdk-node') return `sdk-node ${i.module}`;
  return i.type;
}

function keep<T>(
  what: string,
  axis: string,
  values: T[],
  refusal: (v: T) => string | undefined,
  id: (v: T) => string,
  notes: string[],
): T[] {
  return values.filter((v) => {
    const why = refusal(v);
    if (why) notes.push(`instrumentation ${what} cannot vary ${axis} (${id(v)}): ${why}; not measured there`);
    return !why;
  });
}

/**
 * The matrix axes a cell of this instrumentation can honour: all of them for manual (the reference service reads
 * every TRACEBENCH_* variable), only what NodeSDK reads for zero-code and sdk-node. Each refused value gets a note;
 * undefined (with a note) when an axis has nothing left.
 */
export function nodeSdkAxes(
  instrumentation: InstrumentationSetting,
  axes: Axes,
  ids: { sampler: (s: SamplerSetting) => string; processor: (p: ProcessorSetting) => string },
  notes: string[],
): Axes | undefined {
  if (instrumentation.type !== 'zero-code' && instrumentation.type !== 'sdk-node') return axes;
  const what = describeInstrumentation(instrumentation);
  const kept: Axes = {
    samplers: keep(what, 'sampler', axes.samplers, samplerRefusal, ids.sampler, notes),
    processors: keep(what, 'processor', axes.processors, processorRefusal, ids.processor, notes),
    exporters: keep(what, 'exporter', axes.exporters, exporterRefusal, (e) => e, notes),
    propagators: keep(what, 'propagator', axes.propagators, propagatorRefusal, (p) => p, notes),
  };
  const empty = (Object.keys(kept) as (keyof Axes)[]).filter((k) => kept[k].length === 0);
  if (empty.length === 0) return kept;
  notes.push(
    `instrumentation ${what}: no cell measured: none of the matrix's ${empty.join(', ')} can reach a NodeSDK through its environment`,
  );
  return undefined;
}
