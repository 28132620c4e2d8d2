import { readFileSync, readdirSync } from 'node:fs';

/** `/proc/PID/task/TID/schedstat`: ns on CPU, ns waiting to run, and how many times the thread was put on a CPU. */
export interface ThreadSchedstat {
  cpuNs: number;
  /** Each wake-up from sleep (and each return after preemption) puts the thread on a CPU once. */
  timeslices: number;
}

export function parseSchedstat(text: string): ThreadSchedstat {
  const [cpuNs, , timeslices] = text.trim().split(/\s+/).map(Number);
  return { cpuNs, timeslices };
}

function readThread(pid: number, tid: number | string): ThreadSchedstat | undefined {
  try {
    return parseSchedstat(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'));
  } catch {
    // The thread ended between listing and reading.
    return undefined;
  }
}

/**
 * CPU time of every thread of a process, in µs, from /proc/PID/task/TID/schedstat (nanoseconds on CPU).
 * Read from outside the process, so it also measures what the in-service probe cannot see of itself.
 */
export function processCpuUs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) ns += readThread(pid, tid)?.cpuNs ?? 0;
  return ns / 1000;
}

/** The main thread (its id is the process's): its CPU and its timeslices, which count the event loop's wake-ups. */
export function mainThreadSchedstat(pid: number): ThreadSchedstat {
  return readThread(pid, pid) ?? { cpuNs: Number.NaN, timeslices: Number.NaN };
}
