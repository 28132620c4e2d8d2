import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type {
  ExporterSetting,
  InstrumentationSetting,
  ProcessorSetting,
  PropagatorSetting,
  SamplerSetting,
} from '../config/types.js';
import type { CellSettings } from './types.js';

/** OTEL_TRACES_EXPORTER names the exporter; the protocol variable picks between the two OTLP encodings. */
const EXPORTER_ENV: Record<ExporterSetting, Record<string, string>> = {
  none: { OTEL_TRACES_EXPORTER: 'none' },
  console: { OTEL_TRACES_EXPORTER: 'console' },
  'otlp-http-protobuf': { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' },
  'otlp-http-json': { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
  'otlp-grpc': { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' },
  zipkin: { OTEL_TRACES_EXPORTER: 'zipkin' },
};

/** The zero-code entry point the OpenTelemetry docs recommend. */
export const ZERO_CODE_REGISTER = '@opentelemetry/auto-instrumentations-node/register';

/** tracebench's own copy: a bare `--require` would resolve from the service's working folder, which may lack it. */
function zeroCodeRegister(): string {
  try {
    return createRequire(import.meta.url).resolve(ZERO_CODE_REGISTER);
  } catch {
    return ZERO_CODE_REGISTER;
  }
}

/** import-in-the-middle's loader (harness/probe/esm-hook.ts): without it an ESM app's imports are never patched. */
const ESM_HOOK_URL = new URL('../probe/esm-hook.js', import.meta.url).href;

/** Resource detectors that stay on the machine: the cloud ones query metadata addresses off loopback. */
export const LOCAL_RESOURCE_DETECTORS = 'env,host,os,process,serviceinstance';

export function samplerEnv(sampler: SamplerSetting): Record<string, string> {
  // A user's sampler module has no OTEL_* name: the reference service loads it from TRACEBENCH_SAMPLER_MODULE.
  if (sampler.type === 'module')
    return {
      TRACEBENCH_SAMPLER_MODULE: sampler.module,
      ...(sampler.arg !== undefined ? { TRACEBENCH_SAMPLER_ARG: JSON.stringify(sampler.arg) } : {}),
    };
  // The samplers beyond the SDK's take their argument in the same variable (workloads/service/samplers).
  if (sampler.type === 'biased')
    return {
      OTEL_TRACES_SAMPLER: 'biased',
      OTEL_TRACES_SAMPLER_ARG: JSON.stringify({
        ratio: sampler.ratio,
        alwaysRoutes: sampler.alwaysRoutes,
        alwaysAttributes: sampler.alwaysAttributes,
      }),
    };
  if ('tracesPerSecond' in sampler)
    return { OTEL_TRACES_SAMPLER: sampler.type, OTEL_TRACES_SAMPLER_ARG: String(sampler.tracesPerSecond) };
  return 'ratio' in sampler
    ? { OTEL_TRACES_SAMPLER: sampler.type, OTEL_TRACES_SAMPLER_ARG: String(sampler.ratio) }
    : { OTEL_TRACES_SAMPLER: sampler.type };
}

function processorEnv(processor: ProcessorSetting | null): Record<string, string> {
  if (processor === null) return {};
  if (processor.type === 'module')
    return {
      ...processorEnv(processor.then),
      TRACEBENCH_SPAN_PROCESSOR_MODULE: processor.module,
      ...(processor.arg !== undefined ? { TRACEBENCH_SPAN_PROCESSOR_ARG: JSON.stringify(processor.arg) } : {}),
    };
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

/** One NODE_OPTIONS word; double quotes keep a path with spaces whole (node parses NODE_OPTIONS like a shell). */
function nodeOption(word: string): string {
  return /[\s"\\]/.test(word) ? `"${word.replace(/(["\\])/g, '\\$1')}"` : word;
}

/**
 * What loads a NodeSDK into the service: the zero-code register module, or the user's set-up module. Metrics and logs
 * are turned off (the cell measures tracing), and resource detection stays on the machine unless service.env says otherwise.
 */
function nodeSdkEnv(
  instrumentation: Extract<InstrumentationSetting, { type: 'zero-code' | 'sdk-node' }>,
): Record<string, string> {
  const preload =
    instrumentation.type === 'zero-code'
      ? `--require ${nodeOption(zeroCodeRegister())} --import ${nodeOption(ESM_HOOK_URL)}`
      : `--${instrumentation.load} ${nodeOption(instrumentation.load === 'import' && instrumentation.module.startsWith('/') ? pathToFileURL(instrumentation.module).href : instrumentation.module)}`;
  return {
    NODE_OPTIONS: preload,
    ...(instrumentation.type === 'zero-code' && instrumentation.enabled
      ? { OTEL_NODE_ENABLED_INSTRUMENTATIONS: instrumentation.enabled.join(',') }
      : {}),
    OTEL_NODE_RESOURCE_DETECTORS: LOCAL_RESOURCE_DETECTORS,
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
}

/**
 * The environment that carries a cell's settings into the service: standard OTEL_* variables wherever one exists,
 * TRACEBENCH_* only where none does. Exporter endpoints are added per trial by the orchestrator.
 */
export function cellEnv(settings: CellSettings): Record<string, string> {
  if (settings.tracing === 'off')
    return { OTEL_SDK_DISABLED: 'true', TRACEBENCH_INSTRUMENTATION: settings.instrumentation ?? 'none' };
  const nodeSdk =
    settings.instrumentation && settings.instrumentation.type !== 'manual' ? settings.instrumentation : undefined;
  return {
    ...(settings.contextManager === false ? { TRACEBENCH_CONTEXT_MANAGER: 'none' } : {}),
    ...(settings.recordOnly ? { TRACEBENCH_SPAN_PROCESSOR: 'none' } : {}),
    // Under a NodeSDK the reference service sets up nothing of its own and makes no manual spans.
    TRACEBENCH_INSTRUMENTATION: nodeSdk ? 'none' : 'sdk',
    OTEL_SDK_DISABLED: 'false',
    ...samplerEnv(settings.sampler),
    ...processorEnv(settings.processor),
    // NodeSDK reads OTEL_TRACES_EXPORTER=none as "do not start": where nothing is sampled it still gets an exporter.
    ...(settings.exporter === null
      ? EXPORTER_ENV[nodeSdk ? 'otlp-http-protobuf' : 'none']
      : EXPORTER_ENV[settings.exporter]),
    ...(settings.compression === 'gzip' ? { OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' } : {}),
    OTEL_PROPAGATORS: propagatorsEnv(settings.propagator ?? 'tracecontext'),
    ...(nodeSdk ? nodeSdkEnv(nodeSdk) : {}),
  };
}
