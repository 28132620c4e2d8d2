import type { ExporterSetting, ProcessorSetting, PropagatorSetting, SamplerSetting } from '../config/types.js';
import type { CellSettings } from './types.js';

/** OTEL_TRACES_EXPORTER names the exporter; the protocol variable picks between the two OTLP encodings. */
const EXPORTER_ENV: Record<ExporterSetting, Record<string, string>> = {
  none: { OTEL_TRACES_EXPORTER: 'none' },
  console: { OTEL_TRACES_EXPORTER: 'console' },
  'otlp-http-protobuf': { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
  'otlp-http-json': { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
  zipkin: { OTEL_TRACES_EXPORTER: 'zipkin' },
};

export function samplerEnv(sampler: SamplerSetting): Record<string, string> {
  // The samplers beyond the SDK's take their argument in the same variable (workloads/service/samplers).
  if (sampler.type === 'biased')
    return { OTEL_TRACES_SAMPLER: 'biased', OTEL_TRACES_SAMPLER_ARG: JSON.stringify({ ratio: sampler.ratio, alwaysRoutes: sampler.alwaysRoutes, alwaysAttributes: sampler.alwaysAttributes }) };
  if ('tracesPerSecond' in sampler) return { OTEL_TRACES_SAMPLER: sampler.type, OTEL_TRACES_SAMPLER_ARG: String(sampler.tracesPerSecond) };
  return 'ratio' in sampler
    ? { OTEL_TRACES_SAMPLER: sampler.type, OTEL_TRACES_SAMPLER_ARG: String(sampler.ratio) }
    : { OTEL_TRACES_SAMPLER: sampler.type };
}

function processorEnv(processor: ProcessorSetting | null): Record<string, string> {
  if (processor === null) return {};
  // No OTEL_* variable chooses between the simple and batch processors.
  if (processor.type === 'simple') return { TRACEBENCH_SPAN_PROCESSOR: 'simple' };
  return {
    TRACEBENCH_SPAN_PROCESSOR: 'batch',
    OTEL_BSP_MAX_QUEUE_SIZE: String(processor.maxQueueSize),
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(processor.maxExportBatchSize),
    OTEL_BSP_SCHEDULE_DELAY: String(processor.scheduleDelayMillis),
    OTEL_BSP_EXPORT_TIMEOUT: String(processor.exportTimeoutMillis),
  };
}

/** OTEL_PROPAGATORS for a propagator setting; W3C trace context travels with W3C baggage, as the SDK's default. */
export function propagatorsEnv(propagator: PropagatorSetting): string {
  return propagator === 'tracecontext' ? 'tracecontext,baggage' : propagator;
}

/**
 * The environment that carries a cell's settings into the service: standard OTEL_* variables wherever one exists,
 * TRACEBENCH_* only where none does. Exporter endpoints are added per trial by the orchestrator.
 */
export function cellEnv(settings: CellSettings): Record<string, string> {
  if (settings.tracing === 'off') return { OTEL_SDK_DISABLED: 'true', TRACEBENCH_INSTRUMENTATION: settings.instrumentation ?? 'none' };
  return {
    ...(settings.contextManager === false ? { TRACEBENCH_CONTEXT_MANAGER: 'none' } : {}),
    ...(settings.recordOnly ? { TRACEBENCH_SPAN_PROCESSOR: 'none' } : {}),
    TRACEBENCH_INSTRUMENTATION: 'sdk',
    OTEL_SDK_DISABLED: 'false',
    ...samplerEnv(settings.sampler),
    ...processorEnv(settings.processor),
    ...(settings.exporter === null ? EXPORTER_ENV.none : EXPORTER_ENV[settings.exporter]),
    OTEL_PROPAGATORS: propagatorsEnv(settings.propagator ?? 'tracecontext'),
  };
}
