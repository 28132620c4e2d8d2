import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import runOpenLoop from '../load/open-loop-worker.js';
import { mergeEncoded, toPercentilesUs } from '../load/histogram.js';
import { DEFAULT_SCHEDULER_TOOL } from '../load/realtime.js';
import type { HttpClient, Pacing } from '../load/types.js';
import { startServer } from './one-route-server.js';

/**
 * `node dist/harness/bench/generator-alloc.js [--rate 5000] [--seconds 3] [--variant raw:hybrid] [--top 12]`
 * (`npm run bench:generator-alloc`): what the open loop's sending thread allocates per request. Runs the open-loop
 * task on this thread (no pool) against a one-route server in a child process, with V8's sampling heap profiler
 * counting objects that later garbage collections freed too, and prints bytes per request in total and by allocation
 * site. Before it, a window without the profiler (which slows collections) counts the young-generation collections
 * and their pauses, with its send lag. A warm-up window first, so the JIT's own allocation is left out.
 */

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes allocated per site (function, file and line), summed over the sampled profile's tree. */
function bySite(root: ProfileNode): Map<string, number> {
  const sites = new Map<string, number>();
  const walk = (node: ProfileNode) => {
    const f = node.callFrame;
    const file = f.url.replace(/^.*\/(dist|node_modules)\//, '$1/');
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    if (node.selfSize > 0) sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child);
  };
  walk(root);
  return sites;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '5000' },
      seconds: { type: 'string', default: '3' },
      variant: { type: 'string', default: 'raw:hybrid' },
      top: { type: 'string', default: '12' },
    },
  });
  const [client, pacing, rt] = values.variant.split(':') as [HttpClient, Pacing, string | undefined];
  const server = await startServer();
  try {
    const task = {
      url: server.url,
      rateRps: Number(values.rate),
      durationMs: Number(values.seconds) * 1000,
      connections: 16,
      timeoutMs: 2000,
      headers: {},
      pacing,
      client,
      arrivals: 'uniform' as const,
      realtime: rt === 'rt',
      schedulerTool: DEFAULT_SCHEDULER_TOOL,
      arrivalSeed: 1,
      workerIndex: 0,
    };
    await runOpenLoop({ ...task, durationMs: 2000 });
    // A window without the profiler (it slows collections down): how often the thread scavenges, and its send lag.
    let scavenges = 0;
    let scavengeMs = 0;
    const gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if ((e as { detail?: { kind?: number } }).detail?.kind !== constants.NODE_PERFORMANCE_GC_MINOR) continue;
        scavenges++;
        scavengeMs += e.duration;
      }
    });
    gc.observe({ entryTypes: ['gc'] });
    const plain = await runOpenLoop(task);
    // GC entries are delivered asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc.disconnect();
    const lag = toPercentilesUs(mergeEncoded([plain.histograms.sendLag]));
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 256,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const result = await runOpenLoop(task);
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
    session.disconnect();
    const sent = Math.max(1, result.counters.sent);
    const sites = [...bySite(profile.head)].sort((a, b) => b[1] - a[1]);
    const total = sites.reduce((sum, [, bytes]) => sum + bytes, 0);
    const seconds = task.durationMs / 1000;
    console.log(
      `${values.variant} at ${task.rateRps} req/s, ${seconds} s windows: ${scavenges} scavenges ` +
        `(${(scavenges / seconds).toFixed(1)}/s, mean ${(scavengeMs / Math.max(1, scavenges)).toFixed(2)} ms), ` +
        `send lag p50/p99/max ${lag.p50}/${lag.p99}/${lag.max} µs, ${plain.counters.sent} sent; profiled window: ` +
        `${result.counters.sent} sent, ${result.counters.ok} ok, ${(total / sent).toFixed(0)} B allocated per request`,
    );
    for (const [site, bytes] of sites.slice(0, Number(values.top)))
      console.log(`${(bytes / sent).toFixed(0).padStart(7)} B/req  ${site}`);
  } finally {
    server.child.kill();
  }
}

await main();
