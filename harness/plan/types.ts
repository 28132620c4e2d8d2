import type { TailSamplingConfig } from '../sink/tail/types.js';
import type {
  CompressionSetting,
  ExporterSetting,
  InstrumentationSetting,
  ProcessorSetting,
  PropagatorSetting,
  SamplerSetting,
} from '../config/types.js';

/** An attribution cell's place in the stack of layers (configs/attribution.yaml). */
export interface LayerSetting {
  /** 0 is the service without any SDK; each higher index adds one thing. Cells sharing an index are alternatives. */
  index: number;
  name: string;
  /** What this layer adds over the one beneath, in words. */
  adds: string;
}

/**
 * What a cell runs: the baseline has no tracing SDK (and no API calls) at all; `instrumentation: 'api'` makes the
 * API calls with no SDK registered (the no-op tracer).
 */
export type CellSettings =
  | { tracing: 'off'; instrumentation?: 'api'; layer?: LayerSetting }
  | {
      tracing: 'sdk';
      /** What sets up tracing; absent in results written before the axis existed, read as manual (the reference service's own). */
      instrumentation?: Exclude<InstrumentationSetting, { type: 'none' }>;
      /** false: no context manager is registered (attribution only). @default true */
      contextManager?: boolean;
      /** Spans are recorded and ended but handed to no processor (attribution only). */
      recordOnly?: boolean;
      layer?: LayerSetting;
      /** Tail sampling in the sink (a `tail:` entry of the config). */
      tail?: { name: string; config: TailSamplingConfig };
      sampler: SamplerSetting;
      /** null where it cannot matter (nothing is sampled). */
      processor: ProcessorSetting | null;
      /** null where it cannot matter (nothing is sampled). */
      exporter: ExporterSetting | null;
      /** Only where it can matter (an OTLP exporter); absent means none, as in results written before the axis existed. */
      compression?: Exclude<CompressionSetting, 'none'>;
      /** Absent in results written before the propagator axis existed: read as tracecontext. */
      propagator?: PropagatorSetting;
    };

export interface Cell {
  /** Stable, readable and unique: `baseline`, `always_on~batch~otlp-http-protobuf`,
   * `traceidratio-0.1~batch-q64~none` (batch options only where they differ from the defaults), `always_off`. */
  id: string;
  settings: CellSettings;
  /** Environment that carries the settings into the service (OTEL_* first, TRACEBENCH_* only where none exists). */
  env: Record<string, string>;
  /** Ids of matrix combinations folded into this cell because they measure the same thing. */
  collapsed: string[];
}

export interface PlannedTrial {
  /** 0-based. */
  round: number;
  /** 0-based position within the round, after shuffling. */
  order: number;
  cellId: string;
  /** Set when the config lists variants: every cell runs once per variant in each round. */
  variant?: string;
}

export interface Plan {
  cells: Cell[];
  trials: PlannedTrial[];
  seed: number;
  /** Human notes on collapsed cells, printed before the run. */
  notes: string[];
  /** Rough wall-clock time of the whole plan (startup, warm-up, window, drain, saturation). */
  estimatedSeconds: number;
}

/** Shard K of N (1-based K) of a plan split by `tracebench run --shard K/N`. */
export interface ShardSpec {
  index: number;
  count: number;
}
