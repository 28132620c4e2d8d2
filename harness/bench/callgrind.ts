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

/** The command a service runs under; `--separate-threads` keeps the main thread's count apart from V8's helpers'. */
export function callgrindWrapper(outDir: string): string[] {
  return [
    'valgrind',
    '--tool=callgrind',
    '--dump-instr=no',
    '--separate-threads=yes',
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
