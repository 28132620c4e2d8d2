import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time of every thread of a process, in µs, from /proc/PID/task/TID/schedstat (nanoseconds on CPU).
 * Read from outside the process, so it also measures what the in-service probe cannot see of itself.
 */
export function processCpuUs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return ns / 1000;
}
