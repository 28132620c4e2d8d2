import { readFileSync } from 'node:fs';
import type { TracingHandle } from '../../workloads/service/handle.js';
import { DEFAULT_PROBE_OPTIONS, parseProbeParts } from './options.js';
import { watchConnect, watchListen } from './net.js';
import { WindowProfiler } from './profile.js';
import { ProbeWindow } from './window.js';
import { ForeignSpanCounter } from './spans.js';
import { countRequests } from './request-count.js';
import {
  type HarnessToProbe,
  PROBE_TARGET_ENV,
  type ProbeSpanReport,
  type ProbeToHarness,
  untracedSpanReport,
} from './protocol.js';

/**
 * Preloaded (`--import`) into every measured service. It measures only between `window-start` and `window-end` and
 * reports over IPC; outside a window it only counts requests. It also binds every listen to loopback and reports the
 * servers that listen and any connection off loopback (probe-net.ts). `TRACEBENCH_PROBE_PARTS` (read here only) turns
 * parts off to measure what each costs (`npm run bench:probe -- --variant gc,series`); see probe-options.ts.
 */
const TRACING_HANDLE = Symbol.for('tracebench.tracing');

/**
 * True in the process the harness started. The marker and the probe's own NODE_OPTIONS entry are removed at once,
 * so processes the service starts (workers, forks, which inherit both) neither run the probe nor answer for it.
 */
function claimProcess(): boolean {
  const mine = process.env[PROBE_TARGET_ENV] === '1';
  delete process.env[PROBE_TARGET_ENV];
  const nodeOptions = process.env.NODE_OPTIONS;
  if (nodeOptions?.includes(import.meta.url)) {
    const rest = nodeOptions.replace(`--import=${import.meta.url}`, '').trim();
    if (rest) process.env.NODE_OPTIONS = rest;
    else delete process.env.NODE_OPTIONS;
  }
  return mine && typeof process.send === 'function';
}

/** This process's group on Linux (/proc/self/stat's fifth field), else undefined. */
function processGroup(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return Number.isInteger(pgrp) && pgrp > 1 ? pgrp : undefined;
  } catch {
    return undefined;
  }
}

const active = claimProcess();

const parsed = parseProbeParts(process.env.TRACEBENCH_PROBE_PARTS);
if (active && !parsed.ok) {
  console.error(`tracebench probe: ${parsed.error}`);
  process.exit(2);
}
const options = parsed.ok ? parsed.options : { ...DEFAULT_PROBE_OPTIONS };
const requests = active && options.requests ? countRequests() : undefined;

function send(message: ProbeToHarness): void {
  process.send?.(message);
}

function tracingHandle(): TracingHandle | undefined {
  return (globalThis as Record<symbol, unknown>)[TRACING_HANDLE] as TracingHandle | undefined;
}

let window: ProbeWindow | undefined;
let profiler: Promise<WindowProfiler> | undefined;

/** `parts` comes from bench:probe only, to run windows of different parts in one process (probe-cost-in-process.ts). */
async function startWindow(
  parts: string | undefined,
  profileIntervalUs: number | undefined,
): Promise<string | undefined> {
  const windowOptions = parts === undefined ? { ok: true as const, options } : parseProbeParts(parts);
  if (!windowOptions.ok) return windowOptions.error;
  void window?.end();
  window = undefined;
  await profiler?.then((p) => p.stop()).catch(() => undefined);
  profiler = undefined;
  // Started before the window reads its clocks: the profiled window's CPU includes what sampling costs.
  if (profileIntervalUs !== undefined) {
    profiler = WindowProfiler.start(profileIntervalUs);
    await profiler;
  }
  const handle = tracingHandle();
  const hooked = !handle && foreign.registered;
  window = new ProbeWindow(windowOptions.options, {
    requests,
    queueDepth: handle
      ? () => handle.queueDepth()
      : hooked && foreign.queueDepth() !== undefined
        ? async () => foreign.queueDepth() ?? 0
        : undefined,
    inFlight: handle
      ? () => handle.counters().inFlight
      : hooked && foreign.inFlight() !== undefined
        ? () => foreign.inFlight() ?? 0
        : undefined,
  });
  return undefined;
}

async function endWindow(): Promise<ProbeToHarness> {
  // A window-end without a window-start reports an empty window, as before.
  const ending = window ?? new ProbeWindow(options, { requests });
  const profiling = profiler;
  window = undefined;
  profiler = undefined;
  const report = await ending.end();
  if (profiling) {
    const { profile, mainThreadCpuUs } = await (await profiling).stop();
    report.profile = profile;
    report.profileMainThreadCpuUs = mainThreadCpuUs;
  }
  return { tb: 'window', report };
}

/** Counts for an SDK the service set up itself (zero-code, NodeSDK): the reference service's own set-up is left alone. */
const foreign = new ForeignSpanCounter();

async function drain(timeoutMs: number): Promise<ProbeSpanReport> {
  const handle = tracingHandle();
  if (!handle) {
    // A provider the probe could not fully hook reports null where it could not see, never 0.
    if (foreign.registered) return foreign.report(await foreign.drain(timeoutMs));
    return untracedSpanReport();
  }
  const drained = await handle.drain(timeoutMs);
  const c = handle.counters();
  const [dropped, queued] = await Promise.all([handle.droppedQueueFull(), handle.queueDepth()]);
  return {
    tracing: true,
    source: 'tracebench',
    started: c.started,
    sampled: c.sampled,
    ended: c.ended,
    exported: c.exported,
    failed: c.failed,
    dropped,
    queuedAtEnd: queued + c.inFlight,
    drained,
    failureReasons: c.failureReasons,
    exportCallsMaxConcurrent: c.exportCallsMaxConcurrent,
  };
}

if (active) {
  // The attribution layer of API calls without an SDK registers nothing to count: it is left without the watch.
  if (process.env.TRACEBENCH_INSTRUMENTATION !== 'api') foreign.watch(() => tracingHandle() !== undefined);
  send({ tb: 'probe-hello', pid: process.pid });
  watchListen((seen) => send({ tb: 'listen', ...seen }));
  watchConnect((seen) => send({ tb: 'egress', ...seen }));
  process.on('message', (message: HarnessToProbe) => {
    if (message?.tb === 'window-start')
      startWindow(message.parts, message.profileIntervalUs).then(
        (error) => send(error ? { tb: 'probe-error', message: error } : { tb: 'window-started' }),
        (error: Error) => send({ tb: 'probe-error', message: `window start failed: ${error.message}` }),
      );
    else if (message?.tb === 'window-end')
      endWindow().then(send, (error: Error) =>
        send({ tb: 'probe-error', message: `window end failed: ${error.message}` }),
      );
    else if (message?.tb === 'drain')
      drain(message.timeoutMs).then(
        (spans) => send({ tb: 'drained', spans }),
        (error: Error) => send({ tb: 'probe-error', message: `drain failed: ${error.message}` }),
      );
  });
  // A harness that dies must not leave its service behind: the IPC channel closing is the signal. The launcher made this
  // process a group leader; ending the group ends what the service started too.
  process.on('disconnect', () => {
    const group = processGroup();
    if (group === process.pid) process.kill(-group, 'SIGKILL');
    process.exit(0);
  });
}
