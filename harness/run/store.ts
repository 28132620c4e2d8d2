import { appendFileSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync, lstatSync, cpSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Results, TrialRecord } from '../measure/types.js';

/** Append-only per-trial log plus the whole results file; nothing measured is lost if the run dies. */
export class ResultsStore {
  readonly jsonlPath: string;
  readonly jsonPath: string;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.jsonlPath = join(dir, 'results.jsonl');
    this.jsonPath = join(dir, 'results.json');
  }

  /** Synchronous on purpose: a trial's line is on disk before the next trial starts, even if a signal ends us. */
  appendTrial(trial: TrialRecord): void {
    appendFileSync(this.jsonlPath, JSON.stringify(trial) + '\n');
  }

  writeResults(results: Results): void {
    const tmp = `${this.jsonPath}.tmp`;
    writeFileSync(tmp, JSON.stringify(results, null, 2) + '\n');
    renameSync(tmp, this.jsonPath);
  }

  /** Points `<reports>/latest` at this run (a symlink, swapped atomically; a copy where links fail). */
  markLatest(): void {
    const latest = join(dirname(this.dir), 'latest');
    const tmp = `${latest}.tmp-${process.pid}`;
    try {
      rmSync(tmp, { force: true, recursive: true });
      symlinkSync(basename(this.dir), tmp);
      renameSync(tmp, latest);
    } catch {
      try {
        if (lstatSync(latest, { throwIfNoEntry: false })) rmSync(latest, { recursive: true, force: true });
        cpSync(this.dir, latest, { recursive: true });
      } catch {
        // Best effort: the run's own folder holds everything.
      }
    }
  }
}

export function newRunId(configName: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${configName.replace(/[^\w-]+/g, '_')}-${process.pid}`;
}
