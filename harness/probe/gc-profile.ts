import { GCProfiler } from 'node:v8';

/** GC pauses in a window and the heap's peak, which it reaches just before a collection. */
export interface GcSummary {
  count: number;
  totalMs: number;
  maxMs: number;
  /** Largest used heap V8 saw right before a GC in the window; 0 without a GC. */
  heapUsedPeakBytes: number;
}

/** The fields of a `v8.GCProfiler` statistic this summary reads; `cost` is the pause in µs. */
export interface GcStatistic {
  cost: number;
  beforeGC: { heapStatistics: { usedHeapSize: number } };
}

export function summariseGcStatistics(statistics: readonly GcStatistic[]): GcSummary {
  let totalUs = 0;
  let maxUs = 0;
  let heapUsedPeakBytes = 0;
  for (const s of statistics) {
    totalUs += s.cost;
    maxUs = Math.max(maxUs, s.cost);
    heapUsedPeakBytes = Math.max(heapUsedPeakBytes, s.beforeGC.heapStatistics.usedHeapSize);
  }
  return { count: statistics.length, totalMs: totalUs / 1000, maxMs: maxUs / 1000, heapUsedPeakBytes };
}

/**
 * Records every GC of the window with `v8.GCProfiler`: no JavaScript runs per GC (a `gc` PerformanceObserver queues
 * an entry and a callback for each; both cost ~40 µs per collection in a micro-benchmark), and the statistics carry
 * the heap size before each GC, the exact heap-used peak that timed sampling only approaches.
 */
export class GcRecorder {
  private profiler: GCProfiler | undefined;

  start(): void {
    this.profiler = new GCProfiler();
    this.profiler.start();
  }

  stop(): GcSummary {
    const result = this.profiler?.stop();
    this.profiler = undefined;
    return summariseGcStatistics(result?.statistics ?? []);
  }
}
