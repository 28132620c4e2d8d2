import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import type { RealtimeRecord, SchedulerTool } from './types.js';

/** SCHED_FIFO priority of the pacing threads: the lowest band is enough to preempt every normal (CFS) task. */
export const REALTIME_PRIORITY = 10;

/** Linux scheduling policies, as `/proc/<pid>/task/<tid>/stat` numbers them. */
export const SCHED_OTHER = 0;
export const SCHED_FIFO = 1;

export const DEFAULT_SCHEDULER_TOOL: SchedulerTool = { chrtPath: 'chrt', priority: REALTIME_PRIORITY };

export type SchedulingOutcome = { ok: true } | { ok: false; reason: string };

/** The calling thread's Linux thread id (a sync fs call runs on the calling thread); null off Linux. */
export function currentThreadId(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const match = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Puts one thread of this process at SCHED_FIFO (`realtime`) or back at SCHED_OTHER, with `chrt -p`, which changes
 * only the thread whose id it is given. Never throws: a refusal (no CAP_SYS_NICE, chrt missing) comes back as a reason.
 */
export function setThreadRealtime(
  tid: number | null,
  realtime: boolean,
  tool: SchedulerTool = DEFAULT_SCHEDULER_TOOL,
): SchedulingOutcome {
  if (process.platform !== 'linux')
    return { ok: false, reason: `real-time scheduling needs Linux, not ${process.platform}` };
  if (tid === null) return { ok: false, reason: 'the thread id is unknown (/proc/thread-self unreadable)' };
  const args = realtime ? ['-f', '-p', String(tool.priority), String(tid)] : ['-o', '-p', '0', String(tid)];
  try {
    execFileSync(tool.chrtPath, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
    return { ok: true };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') return { ok: false, reason: `${tool.chrtPath} not found (it comes with util-linux)` };
    const stderr = e.stderr?.toString().trim();
    return { ok: false, reason: `${tool.chrtPath} ${args.join(' ')} failed: ${stderr || e.message}` };
  }
}

/**
 * Puts the threads `tids` at SCHED_FIFO, all or none: after a refusal the ones already set go back to normal.
 * `leave` puts them back to normal (a pool thread outlives the window, and must not stay real-time when idle).
 */
export function enterRealtime(
  tids: (number | null)[],
  tool: SchedulerTool = DEFAULT_SCHEDULER_TOOL,
): { record: RealtimeRecord; leave(): void } {
  const set: number[] = [];
  const leave = () => {
    for (const tid of set.splice(0)) setThreadRealtime(tid, false, tool);
  };
  for (const tid of tids) {
    const outcome = setThreadRealtime(tid, true, tool);
    if (!outcome.ok) {
      leave();
      return { record: { state: 'refused', reason: outcome.reason }, leave };
    }
    set.push(tid!);
  }
  return { record: { state: 'applied', policy: 'SCHED_FIFO', priority: tool.priority, threads: set.length }, leave };
}

/** The scheduling policy (SCHED_OTHER 0, SCHED_FIFO 1, ...) and RT priority of one thread of `pid`; null if unreadable. */
export function readThreadPolicy(tid: number, pid = process.pid): { policy: number; priority: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses: field 3 (state) is fields[0].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { policy: Number(fields[41 - 3]), priority: Number(fields[40 - 3]) };
  } catch {
    return null;
  }
}

/** The warning a run shows once when `load.realtime` was asked for but not granted. */
export function realtimeRefusedWarning(reason: string): string {
  return `load.realtime: the generator's pacing threads could not be put at SCHED_FIFO (${reason}), so they ran at normal priority and their send lag includes the kernel's descheduling; to enable it run as root, grant the capability (sudo setcap cap_sys_nice+ep "$(command -v node)") or allow real-time priorities (ulimit -r ${REALTIME_PRIORITY} in the shell that starts tracebench, or rtprio in /etc/security/limits.conf)`;
}
