import dc from 'node:diagnostics_channel';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import type { TracingHandle } from '../../workloads/service/handle.js';
import type { HarnessToProbe, ProbeSecond, ProbeSpanReport, ProbeToHarness, ProbeWindowReport } from './protocol.js';

/**
 * Preloaded (`--import`) into every measured service. It measures only between `window-start` and
 * `window-end`, reports over IPC, and costs one 100 ms timer, a GC observer and a 10 ms-resolution
 * event-loop-delay monitor.
 */
const TRACING_HANDLE = Symbol.for('tracebench.tracing');
const SAMPLE_EVERY_MS = 100;

function send(message: ProbeToHarness): void {
  process.send?.(message);
}

function tracingHandle(): TracingHandle | undefined {
  return (globalThis as Record<symbol, unknown>)[TRACING_HANDLE] as TracingHandle | undefined;
}

class Window {
  readonly startNs = process.hrtime.bigint();
  readonly cpuStart = process.cpuUsage();
  requests = 0;
  rssStart = process.memoryUsage.rss();
  rssPeak = this.rssStart;
  heapPeak = process.memoryUsage().heapUsed;
  gcCount = 0;
  gcTotalMs = 0;
  gcMaxMs = 0;
  /** CPU the probe's own sampling used; CPU time, not wall time, so being descheduled does not count. */
  probeCpuUs = 0;
  series: ProbeSecond[] = [];
  private second = { cpu: process.cpuUsage(), requests: 0, lagMaxUs: 0, rss: 0, heap: 0 };
  private lastTickNs = process.hrtime.bigint();
  private ticks = 0;

  /** One sample every 100 ms; every tenth closes a second of the series. */
  async tick(): Promise<void> {
    const cpu0 = process.cpuUsage();
    const now = process.hrtime.bigint();
    const lagUs = Number(now - this.lastTickNs) / 1000 - SAMPLE_EVERY_MS * 1000;
    this.lastTickNs = now;
    const memory = process.memoryUsage();
    this.rssPeak = Math.max(this.rssPeak, memory.rss);
    this.heapPeak = Math.max(this.heapPeak, memory.heapUsed);
    this.second.lagMaxUs = Math.max(this.second.lagMaxUs, Math.max(0, lagUs));
    this.second.rss = memory.rss;
    this.second.heap = memory.heapUsed;
    if (++this.ticks % 10 === 0) {
      const cpu = process.cpuUsage(this.second.cpu);
      const point: ProbeSecond = {
        tMs: Math.round(Number(now - this.startNs) / 1e6),
        cpuUs: cpu.user + cpu.system,
        requests: this.requests - this.second.requests,
        rssBytes: this.second.rss,
        heapUsedBytes: this.second.heap,
        loopLagMaxUs: Math.round(this.second.lagMaxUs),
        queueDepth: 0,
      };
      this.series.push(point);
      this.second = { cpu: process.cpuUsage(), requests: this.requests, lagMaxUs: 0, rss: 0, heap: 0 };
      const handle = tracingHandle();
      if (handle) {
        this.addCpu(cpu0);
        // Collecting the SDK's metrics runs in microtasks only, so its CPU can be timed across the await.
        const before = process.cpuUsage();
        point.queueDepth = await handle.queueDepth().catch(() => 0);
        this.addCpu(before);
        return;
      }
    }
    this.addCpu(cpu0);
  }

  private addCpu(since: NodeJS.CpuUsage): void {
    const used = process.cpuUsage(since);
    this.probeCpuUs += used.user + used.system;
  }
}

let window: Window | undefined;
let timer: NodeJS.Timeout | undefined;
const LOOP_DELAY_RESOLUTION_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });

dc.subscribe('http.server.request.start', () => {
  if (window) window.requests++;
});

const gcObserver = new PerformanceObserver((list) => {
  if (!window) return;
  for (const entry of list.getEntries()) {
    window.gcCount++;
    window.gcTotalMs += entry.duration;
    window.gcMaxMs = Math.max(window.gcMaxMs, entry.duration);
  }
});

function startWindow(): void {
  window = new Window();
  loopDelay.reset();
  loopDelay.enable();
  gcObserver.observe({ entryTypes: ['gc'] });
  timer = setInterval(() => void window?.tick(), SAMPLE_EVERY_MS);
}

function endWindow(): ProbeWindowReport {
  const w = window ?? new Window();
  const cpu = process.cpuUsage(w.cpuStart);
  const windowMs = Number(process.hrtime.bigint() - w.startNs) / 1e6;
  clearInterval(timer);
  loopDelay.disable();
  gcObserver.disconnect();
  window = undefined;
  const memory = process.memoryUsage();
  // Each value includes the monitor's own interval (an idle loop reads ~10 ms here), so subtract it.
  const ns = (v: number) => (Number.isFinite(v) ? Math.max(0, Math.round(v / 1000 - LOOP_DELAY_RESOLUTION_MS * 1000)) : 0);
  return {
    windowMs,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    requests: w.requests,
    rssStartBytes: w.rssStart,
    rssPeakBytes: Math.max(w.rssPeak, memory.rss),
    rssEndBytes: memory.rss,
    heapUsedPeakBytes: Math.max(w.heapPeak, memory.heapUsed),
    heapUsedEndBytes: memory.heapUsed,
    gc: { count: w.gcCount, totalMs: w.gcTotalMs, maxMs: w.gcMaxMs },
    eventLoopDelayUs: { p50: ns(loopDelay.percentile(50)), p99: ns(loopDelay.percentile(99)), max: ns(loopDelay.max), mean: ns(loopDelay.mean) },
    probeCpuUs: w.probeCpuUs,
    series: w.series,
  };
}

async function drain(timeoutMs: number): Promise<ProbeSpanReport> {
  const handle = tracingHandle();
  if (!handle) return { tracing: false, started: 0, sampled: 0, ended: 0, exported: 0, failed: 0, dropped: 0, queuedAtEnd: 0, drained: true, failureReasons: {} };
  const drained = await handle.drain(timeoutMs);
  const c = handle.counters();
  const [dropped, queued] = await Promise.all([handle.droppedQueueFull(), handle.queueDepth()]);
  return { tracing: true, started: c.started, sampled: c.sampled, ended: c.ended, exported: c.exported, failed: c.failed, dropped, queuedAtEnd: queued + c.inFlight, drained, failureReasons: c.failureReasons };
}

if (process.send) {
  process.on('message', (message: HarnessToProbe) => {
    if (message?.tb === 'window-start') {
      startWindow();
      send({ tb: 'window-started' });
    }
    else if (message?.tb === 'window-end') send({ tb: 'window', report: endWindow() });
    else if (message?.tb === 'drain')
      drain(message.timeoutMs).then(
        (spans) => send({ tb: 'drained', spans }),
        (error: Error) => send({ tb: 'probe-error', message: `drain failed: ${error.message}` }),
      );
  });
  // A harness that dies must not leave its service behind: the IPC channel closing is the signal.
  process.on('disconnect', () => process.exit(0));
}
