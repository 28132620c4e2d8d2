// Imported, not the global: node defines globalThis.performance lazily, and a profile of the service showed that getter
// running on every request (perf record, 500 req/s: as many samples as performance.now itself).
import { performance } from 'node:perf_hooks';
import { GcRecorder } from './gc-profile.js';
import { LoopDelay } from './loop-delay.js';
import type { ProbeOptions } from './options.js';
import type { ProbeSecond, ProbeWindowReport } from './protocol.js';
import type { RequestCounter } from './request-count.js';
import { KernelRssPeak } from './rss-peak.js';
import { ThreadCpuMeter } from './thread-cpu.js';

const SECOND_MS = 1000;

/** What the window reads from outside itself; each absent when its part is off or there is nothing to read. */
export interface WindowSources {
  /** Requests started since the probe loaded, with a hook on each (request-count.ts). */
  requests?: RequestCounter;
  /** Spans waiting in the tracing SDK's batch queue. */
  queueDepth?: () => Promise<number>;
  /** Spans inside export calls that have not answered yet. */
  inFlight?: () => number;
}

/**
 * One measured window. Outside it the probe runs nothing but its request counter: no timer, no monitor, no profiler.
 * Inside, its only wake-ups are the loop-delay monitor's (5 a second by default). The series takes its point on the
 * first request after each second has passed, while the loop is awake anyway: a 1 s timer of its own woke an idle
 * service for 370 µs of CPU a tick (`bench:probe --idle --variant series`), a timer-driven cost that the loaded
 * service does not have. Without the request counter (`TRACEBENCH_PROBE_PARTS` without requests) a timer takes over.
 */
export class ProbeWindow {
  private readonly startNs: bigint;
  private readonly cpuStart: NodeJS.CpuUsage;
  private readonly rssStartBytes: number;
  private readonly heapStartBytes: number;
  private readonly requestsAtStart: number;
  private probeCpuUs = 0;
  private readonly series: ProbeSecond[] = [];
  private sampledRssPeakBytes: number;
  private sampledHeapPeakBytes: number;
  private second: { cpu: NodeJS.CpuUsage; requests: number };
  private timer: NodeJS.Timeout | undefined;
  private nextPointMs: number;
  private readonly loopDelay: LoopDelay | undefined;
  private readonly gc: GcRecorder | undefined;
  private readonly rssPeak = new KernelRssPeak();
  private readonly threads: ThreadCpuMeter;
  private readonly kernelPeak: boolean;
  /** The series rides on the request counter (no timer of its own): it is closed with a last point at window end. */
  private readonly seriesOnRequests: boolean;

  constructor(
    options: ProbeOptions,
    private readonly sources: WindowSources,
  ) {
    // Setting up first, reading the clocks last: the window's CPU starts after the probe's own start-up work.
    this.kernelPeak = options.rssPeak && this.rssPeak.reset();
    if (options.gc) {
      this.gc = new GcRecorder();
      this.gc.start();
    }
    if (options.eventLoopDelayResolutionMs > 0) {
      this.loopDelay = LoopDelay.at(options.eventLoopDelayResolutionMs);
      this.loopDelay.start();
    }
    this.rssStartBytes = process.memoryUsage.rss();
    this.heapStartBytes = process.memoryUsage().heapUsed;
    this.sampledRssPeakBytes = this.rssStartBytes;
    this.sampledHeapPeakBytes = this.heapStartBytes;
    this.requestsAtStart = this.requestsStarted();
    this.threads = new ThreadCpuMeter();
    this.startNs = process.hrtime.bigint();
    this.nextPointMs = performance.now() + SECOND_MS;
    this.cpuStart = process.cpuUsage();
    this.second = { cpu: this.cpuStart, requests: this.requestsAtStart };
    this.seriesOnRequests = options.series && sources.requests !== undefined;
    if (this.seriesOnRequests) sources.requests!.onRequest(() => this.onRequest());
    // Unref'd: the probe never keeps a service alive.
    else if (options.series) this.timer = setInterval(() => void this.tick(), SECOND_MS).unref();
  }

  private onRequest(): void {
    const now = performance.now();
    if (now < this.nextPointMs) return;
    this.nextPointMs = now + SECOND_MS;
    void this.tick();
  }

  /**
   * Closes one point of the series (about a second); its own CPU is timed and reported as `probeCpuUs`. The closing
   * point passes the window's end (`atMs`), so reads taken after the window's clocks do not stamp it past the window.
   */
  private async tick(cpuNow = process.cpuUsage(), atMs?: number): Promise<void> {
    const memory = process.memoryUsage();
    const started = this.requestsStarted();
    this.sampledRssPeakBytes = Math.max(this.sampledRssPeakBytes, memory.rss);
    this.sampledHeapPeakBytes = Math.max(this.sampledHeapPeakBytes, memory.heapUsed);
    const point: ProbeSecond = {
      tMs: Math.round(atMs ?? Number(process.hrtime.bigint() - this.startNs) / 1e6),
      cpuUs: cpuNow.user - this.second.cpu.user + (cpuNow.system - this.second.cpu.system),
      requests: started - this.second.requests,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      loopLagMaxUs: this.loopDelay?.takeSecondMaxUs() ?? 0,
      queueDepth: 0,
      ...(this.sources.inFlight ? { inFlightSpans: this.sources.inFlight() } : {}),
    };
    this.series.push(point);
    this.second = { cpu: cpuNow, requests: started };
    this.addCpuSince(cpuNow);
    if (this.sources.queueDepth) {
      // Collecting the SDK's metrics runs in microtasks only, so its CPU can be timed across the await.
      const before = process.cpuUsage();
      point.queueDepth = await this.sources.queueDepth().catch(() => 0);
      this.addCpuSince(before);
    }
  }

  private requestsStarted(): number {
    return this.sources.requests?.started() ?? 0;
  }

  private addCpuSince(since: NodeJS.CpuUsage): void {
    const used = process.cpuUsage(since);
    this.probeCpuUs += used.user + used.system;
  }

  /**
   * Reads the window's clocks first, then closes the series with a last point for the requests since the previous one
   * (a window that ends before its first second would otherwise have none); that point's work is outside the window.
   */
  async end(): Promise<ProbeWindowReport> {
    const cpuEnd = process.cpuUsage();
    const cpu = process.cpuUsage(this.cpuStart);
    const windowMs = Number(process.hrtime.bigint() - this.startNs) / 1e6;
    const requestsEnd = this.requestsStarted();
    const threadCpuUs = this.threads.read();
    const probeCpuUs = this.probeCpuUs;
    clearInterval(this.timer);
    this.sources.requests?.onRequest(undefined);
    // The closing point takes its loop lag before the monitors stop; only its queue-depth read is awaited, after the
    // synchronous stops, so a window started meanwhile never finds the shared monitors (LoopDelay.at) stopped under it.
    const closing =
      this.seriesOnRequests && requestsEnd > this.second.requests ? this.tick(cpuEnd, windowMs) : undefined;
    const eventLoopDelayUs = this.loopDelay?.stop() ?? { p50: 0, p99: 0, max: 0, mean: 0 };
    const gc = this.gc?.stop() ?? { count: 0, totalMs: 0, maxMs: 0, heapUsedPeakBytes: 0 };
    const memory = process.memoryUsage();
    const kernelPeakBytes = this.kernelPeak ? this.rssPeak.peakBytes() : undefined;
    const sampledRssPeak = Math.max(this.sampledRssPeakBytes, memory.rss);
    await closing;
    return {
      windowMs,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      requests: requestsEnd - this.requestsAtStart,
      rssStartBytes: this.rssStartBytes,
      rssPeakBytes: kernelPeakBytes !== undefined ? Math.max(kernelPeakBytes, sampledRssPeak) : sampledRssPeak,
      rssEndBytes: memory.rss,
      heapUsedPeakBytes: Math.max(gc.heapUsedPeakBytes, this.sampledHeapPeakBytes, memory.heapUsed),
      heapUsedEndBytes: memory.heapUsed,
      gc: { pauseCount: gc.count, pauseTotalMs: gc.totalMs, pauseMaxMs: gc.maxMs },
      eventLoopDelayUs,
      eventLoopDelayResolutionMs: this.loopDelay?.resolutionMs ?? 0,
      rssPeakSource: kernelPeakBytes !== undefined ? 'kernel' : 'sampled',
      probeCpuUs,
      series: this.series,
      threadCpuUs,
    };
  }
}
