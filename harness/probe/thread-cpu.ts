import { readFileSync, readdirSync } from 'node:fs';

/** CPU of this process by thread, µs: the main thread (the event loop, what a CPU profile samples) and all others. */
export interface ThreadCpu {
  main: number;
  /** V8's platform workers (concurrent GC marking and sweeping, background compilation), libuv's pool, the inspector. */
  other: number;
  /** V8's profiler threads (`v8:ProfEvntProc`), when a profile runs: its cost, apart from the service's. */
  profiler: number;
}

const PROFILER_THREAD = /^v8:Prof/;

/** Reads /proc/self/task/<tid>/schedstat (ns on CPU) of every thread, by tid; empty where /proc is missing. */
function threads(): Map<string, { cpuUs: number; profiler: boolean }> {
  const out = new Map<string, { cpuUs: number; profiler: boolean }>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const profiler = PROFILER_THREAD.test(readFileSync(`/proc/self/task/${tid}/comm`, 'utf8'));
      out.set(tid, { cpuUs: ns / 1000, profiler });
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return out;
}

/**
 * A window's CPU by thread (Linux): taken at start, read at end. A thread born inside the window counts in full; one
 * that ended inside it is lost, so `main + other` can fall short of the process's CPU, never exceed it.
 */
export class ThreadCpuMeter {
  private readonly start = threads();

  /** Null where /proc cannot be read (not Linux). */
  read(): ThreadCpu | null {
    if (this.start.size === 0) return null;
    const end = threads();
    const main = String(process.pid);
    const cpu: ThreadCpu = { main: 0, other: 0, profiler: 0 };
    for (const [tid, t] of end) {
      const used = t.cpuUs - (this.start.get(tid)?.cpuUs ?? 0);
      if (tid === main) cpu.main += used;
      else if (t.profiler) cpu.profiler += used;
      else cpu.other += used;
    }
    return cpu;
  }
}

/** Every service's CPU by thread; null when any could not be read, undefined from probes that do not report it. */
export function sumThreadCpu(reports: readonly { threadCpuUs?: ThreadCpu | null }[]): ThreadCpu | null | undefined {
  if (reports.some((r) => r.threadCpuUs === undefined)) return undefined;
  if (reports.some((r) => r.threadCpuUs === null)) return null;
  return reports.reduce(
    (t, r) => ({
      main: t.main + r.threadCpuUs!.main,
      other: t.other + r.threadCpuUs!.other,
      profiler: t.profiler + r.threadCpuUs!.profiler,
    }),
    { main: 0, other: 0, profiler: 0 },
  );
}
