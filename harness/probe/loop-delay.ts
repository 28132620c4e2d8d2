import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Event-loop delay over a window, in µs: percentiles of samples taken every `resolutionMs`. */
export interface LoopDelayUs {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * A monitor's value is the interval between two of its timer callbacks (resolution included; an idle loop reads the
 * resolution itself), in ns; the delay is what exceeds the resolution, in whole µs. No sample (NaN, ±Infinity) reads 0.
 */
export function delayUs(intervalNs: number, resolutionMs: number): number {
  if (!Number.isFinite(intervalNs)) return 0;
  return Math.max(0, Math.round(intervalNs / 1000 - resolutionMs * 1000));
}

/**
 * Node's monitor records the interval between two of its callbacks, so the first interval after `enable` or `reset` is
 * not recorded: a stall in a window's first `resolutionMs` goes unseen.
 *
 * Two monitors at the same resolution: one over the whole window (its percentiles), one reset every second (the
 * series' worst delay). Enabled in the same turn, their timers fall due in the same loop iteration, so the second
 * monitor adds no wake-up (measured: two cost as much CPU as one on an idle loop).
 */
export class LoopDelay {
  private readonly window: IntervalHistogram;
  private readonly second: IntervalHistogram;
  private static readonly made = new Map<number, LoopDelay>();

  /** One pair of monitors per resolution for the life of the process, reset at each start: windows do not allocate them anew. */
  static at(resolutionMs: number): LoopDelay {
    let made = LoopDelay.made.get(resolutionMs);
    if (!made) {
      made = new LoopDelay(resolutionMs);
      LoopDelay.made.set(resolutionMs, made);
    }
    return made;
  }

  constructor(readonly resolutionMs: number) {
    this.window = monitorEventLoopDelay({ resolution: resolutionMs });
    this.second = monitorEventLoopDelay({ resolution: resolutionMs });
  }

  start(): void {
    this.windowMaxNs = 0;
    this.window.reset();
    this.second.reset();
    this.window.enable();
    this.second.enable();
  }

  private windowMaxNs = 0;

  /** Worst delay since the previous call (or the start), µs. */
  takeSecondMaxUs(): number {
    const windowMaxNs = this.window.count > 0 ? this.window.max : 0;
    const secondMaxNs = this.second.count > 0 ? this.second.max : 0;
    // A monitor skips the interval right after a reset; a new window maximum can only have come from this second.
    const maxNs = windowMaxNs > this.windowMaxNs ? Math.max(secondMaxNs, windowMaxNs) : secondMaxNs;
    this.windowMaxNs = windowMaxNs;
    this.second.reset();
    return maxNs > 0 ? delayUs(maxNs, this.resolutionMs) : 0;
  }

  stop(): LoopDelayUs {
    this.window.disable();
    this.second.disable();
    const h = this.window;
    if (h.count === 0) return { p50: 0, p99: 0, max: 0, mean: 0 };
    const us = (ns: number) => delayUs(ns, this.resolutionMs);
    return { p50: us(h.percentile(50)), p99: us(h.percentile(99)), max: us(h.max), mean: us(h.mean) };
  }
}
