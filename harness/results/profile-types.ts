import type { ThreadCpu } from '../probe/protocol.js';

/**
 * Where a profile places main-thread CPU, in categories a user can act on. `tracebench` is the harness's own work in
 * the service (its probe, the counting wrappers around sampler, processor and exporter, the self-observability meter
 * it hands the batch processor); `unmapped` is time on frames no rule places (natives with no placed caller).
 */
export const PROFILE_CATEGORIES = [
  'service',
  'api',
  'instrumentation',
  'sdk',
  'context',
  'sampler',
  'propagation',
  'processor',
  'serialization',
  'exporter',
  'gc',
  'tracebench',
  'runtime',
  'unmapped',
] as const;

export type ProfileCategory = (typeof PROFILE_CATEGORIES)[number];

/** The categories that exist only because the service traces: their sum is what a profile attributes to tracing. */
export const TRACING_CATEGORIES: readonly ProfileCategory[] = [
  'api',
  'instrumentation',
  'sdk',
  'context',
  'sampler',
  'propagation',
  'processor',
  'serialization',
  'exporter',
];

/** What each category holds, for tables and legends. */
export const CATEGORY_LABELS: Record<ProfileCategory, string> = {
  service: "service's own work",
  api: '@opentelemetry/api',
  instrumentation: 'instrumentations',
  sdk: 'SDK span lifecycle',
  context: 'context manager',
  sampler: 'sampler',
  propagation: 'propagator',
  processor: 'span processor and queue',
  serialization: 'serialization',
  exporter: "exporter's HTTP/gRPC client",
  gc: 'garbage collection',
  tracebench: "tracebench's probe and wrappers",
  runtime: 'other runtime',
  unmapped: 'unmapped',
};

/** One frame of the pruned call tree behind the report's flame view: total and self µs per request. */
export interface FlameNode {
  /** Function name and where it lives (package or file, line). */
  name: string;
  category: ProfileCategory;
  totalUs: number;
  selfUs: number;
  children: FlameNode[];
}

/** A profiled window of a trial: an extra window after the measured one, so no unprofiled figure includes it. */
export interface TrialProfile {
  /** The `.cpuprofile` files beside results.json, one per service process (Chrome DevTools, speedscope). */
  files: string[];
  /** The sampling interval asked for, µs. */
  intervalUs: number;
  /** Samples in the profiles, every service's. */
  samples: number;
  /** Requests the entry service served in the profiled window. */
  requests: number;
  windowMs: number;
  /** The profiled window's service CPU per request, measured as `cpuUsPerRequest` is: against it, the profiler's cost. */
  cpuUsPerRequest: number;
  /**
   * The main thread's CPU in the profiled window per request (Linux schedstat, every service's): what the categories
   * divide. Null where it could not be read: the categories are then raw sample time.
   */
  mainThreadCpuUsPerRequest: number | null;
  /**
   * Non-idle sample time per request, before it is scaled to the main thread's CPU: on contended cores the sampler
   * thread runs mostly while the service waits, so this falls short of the thread's CPU (the ratio says by how much).
   */
  sampledUsPerRequest: number;
  /** The profiled window's CPU by thread per request (main, others, the profiler's own threads); null off Linux. */
  threadCpuUsPerRequest: ThreadCpu | null;
  /** The main thread's CPU placed by each category's share of the non-idle samples, µs per request. */
  categoryUsPerRequest: Record<ProfileCategory, number>;
  /** The call tree, pruned to frames of at least 1% of the profile (a few hundred at most), for the flame view. */
  flame: FlameNode;
}
