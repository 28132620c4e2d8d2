import { readFileSync, writeFileSync } from 'node:fs';

/** `VmHWM:   81234 kB` in a /proc/PID/status text, in bytes; undefined when absent. */
export function parseVmHwmBytes(status: string): number | undefined {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

export interface ProcFiles {
  read(path: string): string;
  write(path: string, text: string): void;
}

const realProc: ProcFiles = {
  read: (path) => readFileSync(path, 'utf8'),
  write: (path, text) => writeFileSync(path, text),
};

/**
 * Linux keeps each process's peak RSS (VmHWM) and resets it to the current RSS when 5 is written to
 * /proc/self/clear_refs (Linux 4.0+): a window's exact peak at no sampling cost. Elsewhere, or without the
 * permission, `reset` returns false and the caller falls back to its samples.
 */
export class KernelRssPeak {
  private armed = false;

  constructor(private readonly proc: ProcFiles = realProc) {}

  reset(): boolean {
    try {
      this.proc.write('/proc/self/clear_refs', '5');
      this.armed = parseVmHwmBytes(this.proc.read('/proc/self/status')) !== undefined;
    } catch {
      this.armed = false;
    }
    return this.armed;
  }

  /** The peak since the last successful `reset`; undefined when there was none or it cannot be read. */
  peakBytes(): number | undefined {
    if (!this.armed) return undefined;
    try {
      return parseVmHwmBytes(this.proc.read('/proc/self/status'));
    } catch {
      return undefined;
    }
  }
}
