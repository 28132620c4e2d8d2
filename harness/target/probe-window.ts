import { GcRecorder } from './gc-profile.js';
import { LoopDelay } from './loop-delay.js';
import type { ProbeOptions } from './probe-options.js';
import type { ProbeSecond, ProbeWindowReport } from './protocol.js';
import { KernelRssPeak } from './rss-peak.js';

const SECOND_MS = 1000;

/** What the window reads from outside itself; each absent when its part is off or there is nothing to read. */
export interface WindowSources {
  /** Requests started since the probe loaded (request-count.ts). */
  requestsStarted?: () => number;
  /** Spans waiting in the tracing SDK's batch queue. */
  queueDepth?: () => Promise<number>;
}

/**
 * One measured window. Outside it the probe runs nothing but its request counter: no timer, no monitor, no profiler.
 * Inside, its only wake-ups are the loop-delay monitor's (10 a second by default) and one timer a second for the series.
 */
export class ProbeWindow {
  private readonly startNs = process.hrtime.bigint();
  private readonly cpuStart = process.cpuUsage();
  private readonly rssStartBytes = process.memoryUsage.rss();
  private readonly heapStartBytes = process.memoryUsage().heapUsed;
  private readonly requestsAtStart: number;
  private probeCpuUs = 0;
  private readonly series: ProbeSecond[] = [];
  private sampledRssPeakBytes = this.rssStartBytes;
  private sampledHeapPeakBytes = this.heapStartBytes;
  private second: { cpu: NodeJS.CpuUsage; requests: number };
  private timer: NodeJS.Timeout | undefined;
  private readonly loopDelay: LoopDelay | undefined;
  private readonly gc: GcRecorder | undefined;
  private readonly rssPeak = new KernelRssPeak();
  private readonly kernelPeak: boolean;

  constructor(options: ProbeOptions, private readonly sources: WindowSources) {
    this.requestsAtStart = this.requestsStarted();
    this.second = { cpu: this.cpuStart, requests: this.requestsAtStart };
    this.kernelPeak = options.rssPeak && this.rssPeak.reset();
    if (options.gc) (this.gc = new GcRecorder()).start();
    if (options.eventLoopDelayResolutionMs > 0) (this.loopDelay = new LoopDelay(options.eventLoopDelayResolutionMs)).start();
    // Unref'd: the probe never keeps a service alive.
    if (options.series) this.timer = setInterval(() => void this.tick(), SECOND_MS).unref();
  }

  /** Closes one second of the series; its own CPU is timed and reported as `probeCpuUs`. */
  private async tick(): Promise<void> {
    const cpuNow = process.cpuUsage();
    const memory = process.memoryUsage();
    const started = this.requestsStarted();
    this.sampledRssPeakBytes = Math.max(this.sampledRssPeakBytes, memory.rss);
    this.sampledHeapPeakBytes = Math.max(this.sampledHeapPeakBytes, memory.heapUsed);
    const point: ProbeSecond = {
      tMs: Math.round(Number(process.hrtime.bigint() - this.startNs) / 1e6),
      cpuUs: cpuNow.user - this.second.cpu.user + (cpuNow.system - this.second.cpu.system),
      requests: started - this.second.requests,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      loopLagMaxUs: this.loopDelay?.takeSecondMaxUs() ?? 0,
      queueDepth: 0,
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
    return this.sources.requestsStarted?.() ?? 0;
  }

  private addCpuSince(since: NodeJS.CpuUsage): void {
    const used = process.cpuUsage(since);
    this.probeCpuUs += used.user + used.system;
  }

  end(): ProbeWindowReport {
    const cpu = process.cpuUsage(this.cpuStart);
    const windowMs = Number(process.hrtime.bigint() - this.startNs) / 1e6;
    clearInterval(this.timer);
    const eventLoopDelayUs = this.loopDelay?.stop() ?? { p50: 0, p99: 0, max: 0, mean: 0 };
    const gc = this.gc?.stop() ?? { count: 0, totalMs: 0, maxMs: 0, heapUsedPeakBytes: 0 };
    const memory = process.memoryUsage();
    const kernelPeakBytes = this.kernelPeak ? this.rssPeak.peakBytes() : undefined;
    const sampledRssPeak = Math.max(this.sampledRssPeakBytes, memory.rss);
    return {
      windowMs,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      requests: this.requestsStarted() - this.requestsAtStart,
      rssStartBytes: this.rssStartBytes,
      rssPeakBytes: kernelPeakBytes !== undefined ? Math.max(kernelPeakBytes, sampledRssPeak) : sampledRssPeak,
      rssEndBytes: memory.rss,
      heapUsedPeakBytes: Math.max(gc.heapUsedPeakBytes, this.sampledHeapPeakBytes, memory.heapUsed),
      heapUsedEndBytes: memory.heapUsed,
      gc: { count: gc.count, totalMs: gc.totalMs, maxMs: gc.maxMs },
      eventLoopDelayUs,
      eventLoopDelayResolutionMs: this.loopDelay?.resolutionMs ?? 0,
      rssPeakSource: kernelPeakBytes !== undefined ? 'kernel' : 'sampled',
      probeCpuUs: this.probeCpuUs,
      series: this.series,
    };
  }
}
