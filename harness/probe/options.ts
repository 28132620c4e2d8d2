/** What the in-service probe measures; every part can be turned off to measure what it costs (`npm run bench:probe`). */
export interface ProbeOptions {
  /** Count requests on the `http.server.request.start` diagnostics channel, subscribed when the probe loads. @default true */
  requests: boolean;
  /** GC pauses and the heap-used peak from `v8.GCProfiler` (the heap's peak is its size just before a GC). @default true */
  gc: boolean;
  /** Event-loop delay monitor resolution in ms; 0 turns the monitor off. @default 200 */
  eventLoopDelayResolutionMs: number;
  /** RSS peak from the kernel's high-water mark (Linux), reset at window start. @default true */
  rssPeak: boolean;
  /** The per-second series: a point on the first request after each second (a 1 s timer when requests are off). @default true */
  series: boolean;
}

/**
 * Each sample wakes an idle loop, at 45–90 µs of CPU on the 2-core VM (`bench:probe --idle`: 4.5 ms a second at 10 ms,
 * 0.89 ms at 100 ms, 0.46 ms at 200 ms), so the monitor samples every 200 ms. A 3 s window still gets 15 samples; its
 * p99 was its maximum at 100 ms too (30 samples), and a stall delays whichever sample is waiting, at any resolution.
 */
export const DEFAULT_LOOP_DELAY_RESOLUTION_MS = 200;

export const DEFAULT_PROBE_OPTIONS: ProbeOptions = {
  requests: true,
  gc: true,
  eventLoopDelayResolutionMs: DEFAULT_LOOP_DELAY_RESOLUTION_MS,
  rssPeak: true,
  series: true,
};

export type ParsedProbeOptions = { ok: true; options: ProbeOptions } | { ok: false; error: string };

const PART_NAMES = ['requests', 'gc', 'eld', 'rss-peak', 'series'] as const;

/**
 * Reads a `TRACEBENCH_PROBE_PARTS` value: absent means every part at its default; otherwise a comma-separated list of
 * the parts to run (`requests`, `gc`, `eld` or `eld:MS`, `rss-peak`, `series`), the others off. `cpu` alone (or an
 * empty list) keeps only the window's CPU reading, which is always taken.
 */
export function parseProbeParts(text: string | undefined): ParsedProbeOptions {
  if (text === undefined) return { ok: true, options: { ...DEFAULT_PROBE_OPTIONS } };
  const options: ProbeOptions = {
    requests: false,
    gc: false,
    eventLoopDelayResolutionMs: 0,
    rssPeak: false,
    series: false,
  };
  const errors: string[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '' || part === 'cpu') continue;
    const [name, arg] = part.split(':', 2);
    if (name === 'eld') {
      const ms = arg === undefined ? DEFAULT_LOOP_DELAY_RESOLUTION_MS : Number(arg);
      // perf_hooks rejects resolutions under 1 ms; whole milliseconds match Node's timer granularity.
      if (!Number.isInteger(ms) || ms < 1) errors.push(`'${part}': the resolution must be a whole number of ms ≥ 1`);
      else options.eventLoopDelayResolutionMs = ms;
    } else if (arg !== undefined) errors.push(`'${part}': only eld takes a value`);
    else if (name === 'requests') options.requests = true;
    else if (name === 'gc') options.gc = true;
    else if (name === 'rss-peak') options.rssPeak = true;
    else if (name === 'series') options.series = true;
    else errors.push(`'${part}': unknown part (known: cpu, ${PART_NAMES.join(', ')})`);
  }
  if (errors.length > 0) return { ok: false, error: `TRACEBENCH_PROBE_PARTS: ${errors.join('; ')}` };
  return { ok: true, options };
}
