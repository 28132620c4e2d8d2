import type { TracingHandle } from '../../workloads/service/handle.js';
import { parseProbeParts } from './probe-options.js';
import { ProbeWindow } from './probe-window.js';
import { countRequests } from './request-count.js';
import type { HarnessToProbe, ProbeSpanReport, ProbeToHarness } from './protocol.js';

/**
 * Preloaded (`--import`) into every measured service. It measures only between `window-start` and `window-end` and
 * reports over IPC; outside a window it only counts requests. `TRACEBENCH_PROBE_PARTS` (read here only) turns parts off to
 * measure what each costs (`npm run bench:probe -- --variant gc,series`); see probe-options.ts.
 */
const TRACING_HANDLE = Symbol.for('tracebench.tracing');

const parsed = parseProbeParts(process.env.TRACEBENCH_PROBE_PARTS);
if (!parsed.ok) {
  console.error(`tracebench probe: ${parsed.error}`);
  process.exit(2);
}
const options = parsed.options;
const requests = options.requests ? countRequests() : undefined;

function send(message: ProbeToHarness): void {
  process.send?.(message);
}

function tracingHandle(): TracingHandle | undefined {
  return (globalThis as Record<symbol, unknown>)[TRACING_HANDLE] as TracingHandle | undefined;
}

let window: ProbeWindow | undefined;

/** `parts` comes from bench:probe only, to run windows of different parts in one process (probe-cost-in-process.ts). */
function startWindow(parts: string | undefined): string | undefined {
  const windowOptions = parts === undefined ? { ok: true as const, options } : parseProbeParts(parts);
  if (!windowOptions.ok) return windowOptions.error;
  void window?.end();
  const handle = tracingHandle();
  window = new ProbeWindow(windowOptions.options, { requests, queueDepth: handle ? () => handle.queueDepth() : undefined });
  return undefined;
}

async function endWindow(): Promise<ProbeToHarness> {
  // A window-end without a window-start reports an empty window, as before.
  const ending = window ?? new ProbeWindow(options, { requests });
  window = undefined;
  return { tb: 'window', report: await ending.end() };
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
      const error = startWindow(message.parts);
      send(error ? { tb: 'probe-error', message: error } : { tb: 'window-started' });
    } else if (message?.tb === 'window-end')
      endWindow().then(send, (error: Error) => send({ tb: 'probe-error', message: `window end failed: ${error.message}` }));
    else if (message?.tb === 'drain')
      drain(message.timeoutMs).then(
        (spans) => send({ tb: 'drained', spans }),
        (error: Error) => send({ tb: 'probe-error', message: `drain failed: ${error.message}` }),
      );
  });
  // A harness that dies must not leave its service behind: the IPC channel closing is the signal.
  process.on('disconnect', () => process.exit(0));
}
