import { Piscina } from 'piscina';
import { mergeOpenLoop, splitIntoTasks } from './merge.js';
import type { OpenLoopWorkerResult } from './protocol.js';
import type {
  ClosedLoopOptions,
  ClosedLoopResult,
  LoadGenerator,
  LoadGeneratorOptions,
  OpenLoopOptions,
} from './types.js';
import { realtimeRefusedWarning } from './realtime.js';
import { closedLoopIssues, LoadOptionsError, openLoopIssues } from './validate.js';

/** On 2 cores one generator thread measured best (ARCHITECTURE.md: more threads lowered throughput). */
export const DEFAULT_THREADS = 1;
export const DEFAULT_CONNECTIONS = 16;

// Workers load the compiled .js files that tsc writes beside this one in dist/.
const OPEN_LOOP_WORKER = new URL('./open-loop-worker.js', import.meta.url).href;
const CLOSED_LOOP_WORKER = new URL('./closed-loop-worker.js', import.meta.url).href;

/** A pool of `threads` worker threads driving loopback HTTP load, open loop (measuring) or closed loop (saturation). */
export function createLoadGenerator(options: LoadGeneratorOptions = {}): LoadGenerator {
  const poolThreads = options.threads ?? DEFAULT_THREADS;
  if (!Number.isInteger(poolThreads) || poolThreads < 1) {
    throw new LoadOptionsError([`threads: must be a positive integer, got ${poolThreads}`]);
  }
  // One task per thread at a time, so every open-loop share runs concurrently on its own thread.
  const pool = new Piscina({
    filename: OPEN_LOOP_WORKER,
    minThreads: poolThreads,
    maxThreads: poolThreads,
    concurrentTasksPerWorker: 1,
  });

  let warned = false;

  async function openLoop(given: OpenLoopOptions, signal?: AbortSignal) {
    const o: OpenLoopOptions = {
      ...given,
      threads: given.threads ?? DEFAULT_THREADS,
      connections: given.connections ?? DEFAULT_CONNECTIONS,
    };
    const issues = openLoopIssues(o, poolThreads);
    if (issues.length > 0) throw new LoadOptionsError(issues);
    // When one share fails, the others stop too instead of holding their threads for the rest of the window.
    const siblings = new AbortController();
    const taskSignal = signal ? AbortSignal.any([signal, siblings.signal]) : siblings.signal;
    const runs = splitIntoTasks(o, options.schedulerTool).map(
      (task) => pool.run(task, { signal: taskSignal }) as Promise<OpenLoopWorkerResult>,
    );
    try {
      const result = mergeOpenLoop(o, await Promise.all(runs));
      if (result.realtime.state === 'refused' && !warned) {
        warned = true;
        options.onWarning?.(realtimeRefusedWarning(result.realtime.reason));
      }
      return result;
    } catch (error) {
      siblings.abort();
      throw error;
    }
  }

  async function closedLoop(o: ClosedLoopOptions, signal?: AbortSignal): Promise<ClosedLoopResult> {
    const issues = closedLoopIssues(o);
    if (issues.length > 0) throw new LoadOptionsError(issues);
    return pool.run(o, { filename: CLOSED_LOOP_WORKER, signal });
  }

  return { openLoop, closedLoop, close: () => pool.destroy() };
}
