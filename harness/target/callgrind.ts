import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Instruction counts of a service under valgrind's callgrind (probe-cost.ts `--meter callgrind`). They do not move
 * with what else the machine runs, which CPU time on this shared 2-core VM does (paired runs of fresh processes differ
 * by ~9% in CPU per request, by ~0.1% in instructions). What they leave out: the kernel's side of the work (syscalls,
 * wake-ups), which `--idle` measures in CPU time, and valgrind runs the service ~50× slower, so timer-driven work weighs
 * more per request than it does at full speed.
 */
export const CALLGRIND_PREFIX = 'cg';

/**
 * How much faster than the load's rate a service is warmed under callgrind with counting off (`instrumentLater`): the
 * reference service served 150 req/s there untraced, against ~20 counted, and the JIT settles by requests served.
 */
export const INSTRUCTIONS_WARMUP_RATE_FACTOR = 5;

/** Bound of a service's start-up under callgrind: node starts in about 10 s there, the SDK and its imports slower. */
export const CALLGRIND_STARTUP_MS = 120_000;

/**
 * The command a service runs under; `--separate-threads` keeps the main thread's count apart from V8's helpers'.
 * `instrumentLater`: nothing is counted until `InstructionCounter.begin`, and valgrind runs the service ~10× slower
 * instead of ~50-80× until then, so a warm-up gets through thousands of requests (the JIT needs requests, not seconds).
 */
export function callgrindWrapper(outDir: string, options: { instrumentLater?: boolean } = {}): string[] {
  return [
    'valgrind',
    '--tool=callgrind',
    '--dump-instr=no',
    '--separate-threads=yes',
    ...(options.instrumentLater ? ['--instr-atstart=no'] : []),
    `--callgrind-out-file=${join(outDir, `${CALLGRIND_PREFIX}.%p`)}`,
  ];
}

/** True when valgrind and callgrind_control are installed (Debian: `apt-get install valgrind`). */
export async function callgrindAvailable(): Promise<boolean> {
  try {
    await run('valgrind', ['--version']);
    await run('callgrind_control', ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** Instructions executed since the last zero, all threads and the main thread alone. */
export interface InstructionCount {
  total: number;
  mainThread: number;
}

/** `summary: 123` or `totals: 123` in one callgrind dump (the first event is Ir). */
export function parseDumpInstructions(text: string): number {
  const match = /^(?:summary|totals):\s+(\d+)/m.exec(text);
  if (!match) throw new Error('callgrind dump has no summary or totals line');
  return Number(match[1]);
}

/**
 * Adds up the thread files of dump `part` (`cg.PID.PART-TT`, thread 01 the main one). Without separate threads the
 * dump is one file, `cg.PID.PART`, counted as the main thread.
 */
export function readDump(outDir: string, pid: number, part: number): InstructionCount {
  const stem = `${CALLGRIND_PREFIX}.${pid}.${part}`;
  const files = readdirSync(outDir).filter((f) => f === stem || f.startsWith(`${stem}-`));
  if (files.length === 0) throw new Error(`no callgrind dump ${stem} in ${outDir}`);
  let total = 0;
  let mainThread = 0;
  for (const file of files) {
    const n = parseDumpInstructions(readFileSync(join(outDir, file), 'utf8'));
    total += n;
    if (file === stem || file.endsWith('-01')) mainThread += n;
  }
  return { total, mainThread };
}

/** Counts one stretch of a running service: `start` zeroes the counters, `stop` dumps them and reads the dump. */
export class CallgrindMeter {
  private part = 0;

  constructor(private readonly outDir: string) {}

  async start(pid: number): Promise<void> {
    await run('callgrind_control', ['--zero', String(pid)]);
  }

  async stop(pid: number): Promise<InstructionCount> {
    // callgrind_control returns once valgrind has taken the command and written the dump.
    await run('callgrind_control', ['--dump', String(pid)]);
    this.part++;
    return readDump(this.outDir, pid, this.part);
  }
}

/**
 * Main-thread instructions of process sets (one or more services each) under callgrind, for `npm run bench:precision
 * -- --meter instructions`: `begin` switches counting on (services started with `instrumentLater`), `start` zeroes
 * every process's counters, `stop` dumps them and returns the sum of the processes' main threads. V8's helper threads
 * (concurrent marking and sweeping, background compilation) are left out: in 5 s windows of a warm untraced service
 * their count added 0% to 60% to the main thread's, which held within ±1.6% until a collection (docs/precision.md).
 */
export class InstructionCounter {
  private readonly meters = new Map<number, CallgrindMeter>();

  constructor(readonly outDir: string) {}

  private meter(pid: number): CallgrindMeter {
    let meter = this.meters.get(pid);
    if (!meter) {
      meter = new CallgrindMeter(this.outDir);
      this.meters.set(pid, meter);
    }
    return meter;
  }

  async begin(pids: readonly number[]): Promise<void> {
    await Promise.all(pids.map((pid) => run('callgrind_control', ['--instr=on', String(pid)])));
  }

  async start(pids: readonly number[]): Promise<void> {
    await Promise.all(pids.map((pid) => this.meter(pid).start(pid)));
  }

  async stop(pids: readonly number[]): Promise<number> {
    const counts = await Promise.all(pids.map((pid) => this.meter(pid).stop(pid)));
    return counts.reduce((t, c) => t + c.mainThread, 0);
  }
}
