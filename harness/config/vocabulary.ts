import type { CompressionSetting, ExporterSetting, PropagatorSetting } from './types.js';

// The settings' names, in a module of their own so the config and budget schemas can both use them without a cycle.

export const SAMPLERS_WITHOUT_ARG = [
  'always_on',
  'always_off',
  'parentbased_always_on',
  'parentbased_always_off',
] as const;
export const SAMPLERS_WITH_RATIO = [
  'traceidratio',
  'parentbased_traceidratio',
  'consistent_probability',
  'parentbased_consistent_probability',
] as const;
export const SAMPLERS_WITH_RATE = ['ratelimiting', 'parentbased_ratelimiting'] as const;
export const EXPORTERS = [
  'none',
  'console',
  'otlp-http-protobuf',
  'otlp-http-json',
  'otlp-grpc',
  'zipkin',
] as const satisfies readonly ExporterSetting[];
/** Exporters that send spans to the sink, so `exported − received` counts spans lost on the way. */
export const SINK_EXPORTERS: readonly ExporterSetting[] = [
  'otlp-http-protobuf',
  'otlp-http-json',
  'otlp-grpc',
  'zipkin',
];
/** Exporters whose requests can be compressed (the OTLP ones; the Zipkin exporter has no such option). */
export const COMPRESSING_EXPORTERS: readonly ExporterSetting[] = ['otlp-http-protobuf', 'otlp-http-json', 'otlp-grpc'];
export const COMPRESSIONS = ['none', 'gzip'] as const satisfies readonly CompressionSetting[];
export const PROPAGATORS = [
  'tracecontext',
  'b3',
  'b3multi',
  'jaeger',
  'xray',
] as const satisfies readonly PropagatorSetting[];

/** The micro-benchmark suites, in run order. */
export const SUITE_NAMES = ['span', 'propagation', 'sampler', 'processor', 'serialize'] as const;
