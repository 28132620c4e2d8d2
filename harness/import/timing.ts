import type { DurationUs, SpanKindName } from '../../workloads/shape/types.js';

interface Interval {
  startUs: number;
  endUs: number;
}

/** The part of `parent` covered by its children, each clamped into the parent (skewed clocks, async children). */
export function coveredUs(parent: Interval, children: readonly Interval[]): number {
  const clamped = children
    .map((c) => ({ startUs: Math.max(parent.startUs, c.startUs), endUs: Math.min(parent.endUs, c.endUs) }))
    .filter((c) => c.endUs > c.startUs)
    .sort((a, b) => a.startUs - b.startUs);
  let covered = 0;
  let reachUs = parent.startUs;
  for (const c of clamped) {
    if (c.endUs <= reachUs) continue;
    covered += c.endUs - Math.max(c.startUs, reachUs);
    reachUs = c.endUs;
  }
  return covered;
}

/** Self time: the span's duration not covered by its children; never negative. */
export function selfTimeUs(node: Interval, children: readonly Interval[]): number {
  return Math.max(0, node.endUs - node.startUs - coveredUs(node, children));
}

/** Siblings in start order → runs of siblings that overlap in time (each run ran concurrently); one run each if none do. */
export function concurrentRuns<T extends Interval>(siblings: readonly T[]): T[][] {
  const runs: T[][] = [];
  let reachUs = -Infinity;
  for (const sibling of [...siblings].sort((a, b) => a.startUs - b.startUs)) {
    if (sibling.startUs < reachUs) runs[runs.length - 1].push(sibling);
    else runs.push([sibling]);
    reachUs = Math.max(reachUs, sibling.endUs);
  }
  return runs;
}

/**
 * A trace shows how long a span took, not what it did. The heuristic: a CLIENT or PRODUCER span waits on I/O, so all its
 * self time is wait; any other span burns CPU for its self time up to `maxCpuUs`, and waits for the rest (its I/O was
 * not instrumented).
 */
export function splitSelfTime(kind: SpanKindName, selfUs: number, maxCpuUs: number): { cpuUs: number; waitUs: number } {
  if (kind === 'CLIENT' || kind === 'PRODUCER') return { cpuUs: 0, waitUs: selfUs };
  const cpuUs = Math.min(selfUs, maxCpuUs);
  return { cpuUs, waitUs: selfUs - cpuUs };
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/** The workload schema's upper bound on any duration (10 s). */
export const MAX_US = 10_000_000;

/**
 * Samples → a shape duration: a fixed number when p50 and p99 agree (after rounding to whole µs), else a log-normal
 * `{p50, p99}`. A log-normal needs a positive median, so a median under 1 µs with a longer tail becomes 1 µs.
 * `clamped` counts values above the schema's 10 s.
 */
export function durationOf(samples: readonly number[], clamped: { count: number }): DurationUs {
  const sorted = [...samples].sort((a, b) => a - b);
  const bound = (us: number) => {
    if (us > MAX_US) clamped.count++;
    return Math.min(MAX_US, Math.round(us));
  };
  const p50 = bound(percentile(sorted, 0.5));
  const p99 = bound(percentile(sorted, 0.99));
  const low = p99 > 0 ? Math.max(1, p50) : p50;
  return low === p99 ? p99 : { p50: low, p99 };
}

/** The most frequent value; ties go to the first in sort order, so the result does not depend on input order. */
export function mostFrequent(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}
