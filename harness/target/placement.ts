import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU placement of a windows run: the measured services on some CPUs, the harness (load generators, sink) on the
 * others. Measured on this 2-core VM, A/A with 4 process sets each (docs/precision.md): with everything free to
 * move, one pair's CPU-per-request ratio varied 8.3% (robust SD) and two processes differed by 2.4%; with the
 * services on CPU 1 and the harness on CPU 0, 4.4% and 0.5%. Both sides of a pair then share the same CPU and
 * neighbours, so neither is the one that happened to sit beside a generator.
 */
export type PlacementRecord =
  /**
   * Services ran on `serviceCpus` while measured; the harness (load generators, sink), and services waiting for their
   * block, on `harnessCpus`.
   */
  | { state: 'split'; harnessCpus: number[]; serviceCpus: number[] }
  /** Nothing was pinned: `reason` says why. */
  | { state: 'off'; reason: string };

/** One line for every view (console, summary, report) of where a run put things. */
export function describePlacement(record: PlacementRecord): string {
  return record.state === 'split'
    ? `services on CPU ${cpuList(record.serviceCpus)} while measured; load generators, sink and waiting services on CPU ${cpuList(record.harnessCpus)}`
    : `CPU placement off (${record.reason})`;
}

/** `0-2,5` → [0, 1, 2, 5]: the format of Cpus_allowed_list and of taskset -c. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new Error(`not a CPU list: '${list}'`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let c = from; c <= to; c++) cpus.push(c);
  }
  return cpus;
}

export const cpuList = (cpus: readonly number[]) => cpus.join(',');

/** The CPUs a process (or, with a TID, one of this process's threads) may run on; null off Linux. */
export function allowedCpus(pid: number | 'self' = 'self'): number[] | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const line = /^Cpus_allowed_list:\s*(.+)$/m.exec(status);
    return line ? parseCpuList(line[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Splits the CPUs this process may use: the services get the upper half (rounded up), the harness the rest. Null with
 * fewer than 2 CPUs, where there is nothing to split.
 */
export function splitCpus(cpus: readonly number[]): { harness: number[]; services: number[] } | null {
  if (cpus.length < 2) return null;
  const services = Math.ceil(cpus.length / 2);
  return { harness: cpus.slice(0, cpus.length - services), services: cpus.slice(cpus.length - services) };
}

/** Sets the affinity of every thread of `pid` with util-linux's taskset; the error text when it could not. */
export function pinAllThreads(pid: number, cpus: readonly number[], tasksetPath = 'taskset'): string | null {
  const r = spawnSync(tasksetPath, ['-a', '-p', '-c', cpuList(cpus), String(pid)], { encoding: 'utf8' });
  if (r.error) return `${tasksetPath} could not run (${r.error.message}); install util-linux`;
  if (r.status !== 0) return `${tasksetPath} failed: ${(r.stderr || r.stdout).trim() || `exit ${r.status}`}`;
  return null;
}

/** Every process of a process group (a service and whatever it started: it runs in its own group), from /proc. */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may itself hold spaces or parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) members.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return members;
}

/** Where a service is put: on the services' CPUs while it is measured, on the harness's while it idles. */
export type ServiceSeat = 'measured' | 'idle';

/** A placement in force: how to put services on their CPUs, and how to give the harness its CPUs back. */
export interface Placement {
  record: PlacementRecord;
  /**
   * Moves a service's whole process group (every thread; threads started later inherit it) onto the services' CPUs
   * (`measured`) or the harness's (`idle`). Warm-up runs before any move, on all CPUs, which is faster. An error's
   * text, or null.
   */
  moveService(pgid: number, seat: ServiceSeat): string | null;
  /** Restores the harness's own affinity to what it was. */
  release(): void;
}

const off = (reason: string): Placement => ({
  record: { state: 'off', reason },
  moveService: () => null,
  release: () => undefined,
});

/** The placement a config asks for: `split` (applied when the machine allows) or `none`. */
export function applyPlacement(mode: 'split' | 'none', options: { tasksetPath?: string } = {}): Placement {
  return mode === 'split' ? applySplitPlacement(options) : off('placement: none');
}

/**
 * Pins this process (all its threads; threads it starts later inherit it) to the harness's CPUs; services are moved to
 * the others with `pinService`. Never throws: when placement cannot be done, the record says why and
 * the run goes on unpinned.
 */
export function applySplitPlacement(options: { tasksetPath?: string } = {}): Placement {
  const taskset = options.tasksetPath ?? 'taskset';
  const before = allowedCpus();
  if (before === null) return off('CPU affinity is read from /proc, which this system does not have');
  const split = splitCpus(before);
  if (split === null) return off(`only CPU ${cpuList(before)} is available to the run: nothing to split`);
  const failed = pinAllThreads(process.pid, split.harness, taskset);
  if (failed !== null) return off(failed);
  return {
    record: { state: 'split', harnessCpus: split.harness, serviceCpus: split.services },
    moveService: (pgid, seat) => {
      for (const pid of processGroupMembers(pgid)) {
        const failed = pinAllThreads(pid, seat === 'measured' ? split.services : split.harness, taskset);
        if (failed !== null) return failed;
      }
      return null;
    },
    release: () => void pinAllThreads(process.pid, before, taskset),
  };
}

/** Moves services to a seat; at the first one that cannot be moved it says why (`log`), stops, and the run goes on. */
export function moveServices(
  placement: Placement,
  services: readonly { pid: number }[],
  seat: ServiceSeat,
  log: (line: string) => void,
): void {
  for (const service of services) {
    const failed = placement.moveService(service.pid, seat);
    if (failed !== null) {
      log(`! could not move service ${service.pid} (${seat}): ${failed}`);
      return;
    }
  }
}
