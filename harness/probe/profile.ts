import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { CpuProfile } from './protocol.js';

/** This thread's time on CPU, µs (Linux: /proc/thread-self/schedstat, ns); null elsewhere. */
function threadCpuUs(): number | null {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1000 : null;
  } catch {
    return null;
  }
}

/**
 * V8's sampling CPU profiler, in-process through the inspector's `Profiler` domain: no debugger port is opened, the
 * session talks to this isolate only. Started before the window reads its clocks and stopped after, so the window's
 * CPU includes what the sampling costs (the run reports it beside the unprofiled window's: `profile.cpuUsPerRequest`).
 */
export class WindowProfiler {
  private readonly session = new Session();
  private threadCpuStartUs: number | null = null;

  private constructor() {}

  /** Connects, sets the sampling interval (µs) and starts; the profiler's thread signals this one at that interval. */
  static async start(intervalUs: number): Promise<WindowProfiler> {
    const profiler = new WindowProfiler();
    profiler.session.connect();
    await profiler.session.post('Profiler.enable');
    await profiler.session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await profiler.session.post('Profiler.start');
    profiler.threadCpuStartUs = threadCpuUs();
    return profiler;
  }

  /**
   * The profile in Chrome DevTools' format (`.cpuprofile`: nodes, samples, timeDeltas, startTime, endTime in µs), and
   * the main thread's CPU while it ran: the sampler thread samples wall time, and on busy cores it runs mostly while
   * this thread waits, so the run places the thread's measured CPU by the samples' shares (docs/attribution.md).
   */
  async stop(): Promise<{ profile: CpuProfile; mainThreadCpuUs: number | null }> {
    try {
      const end = threadCpuUs();
      const { profile } = await this.session.post('Profiler.stop');
      const start = this.threadCpuStartUs;
      return { profile: profile as CpuProfile, mainThreadCpuUs: end !== null && start !== null ? end - start : null };
    } finally {
      await this.session.post('Profiler.disable').catch(() => undefined);
      this.session.disconnect();
    }
  }
}
