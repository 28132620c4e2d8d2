import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
  cpSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RunError, UsageError } from '../errors.js';
import { summariseCell } from '../results/summary.js';
import { RESULTS_SCHEMA_VERSION, type CellResult, type Results, type TrialRecord } from '../results/types.js';
import { PREVIOUS_RESULTS_SCHEMA_VERSION, upgradeConfig, upgradeTrialRecord } from '../results/upgrade.js';

/**
 * Everything results.json holds besides the trials, written before the first trial: with results.jsonl it rebuilds
 * results.json when the harness was killed before writing it (`tracebench report DIR`).
 */
export interface RunHeader
  extends Pick<
    Results,
    | 'schemaVersion'
    | 'runId'
    | 'startedAt'
    | 'configFile'
    | 'config'
    | 'seed'
    | 'planHash'
    | 'shard'
    | 'environment'
    | 'notes'
  > {
  /** The planned cells, in plan order (trials and summaries are filled in from the log). */
  cells: (Pick<CellResult, 'id' | 'settings' | 'collapsed'> & {
    /** The variants planned for this cell, when the config has variants (one that does not list the cell's instrumentation is left out). */
    variants?: string[];
  })[];
  trialsPlanned: number;
}

export const RUN_HEADER_FILE = 'run-header.json';

/** Append-only per-trial log plus the whole results file; nothing measured is lost if the run dies. */
export class ResultsStore {
  readonly jsonlPath: string;
  readonly jsonPath: string;

  readonly headerPath: string;

  constructor(readonly dir: string) {
    const parent = dirname(dir);
    let found: ReturnType<typeof statSync> | undefined;
    try {
      found = statSync(parent, { throwIfNoEntry: false });
    } catch {
      // A part of the path is a file: mkdirSync below says so.
    }
    if (found && !found.isDirectory())
      throw new UsageError(
        `--out ${parent}: is an existing file, but --out takes a folder (it receives one sub-folder per run); pick a folder`,
      );
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(
        `--out ${parent}: cannot create ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); pick a folder you can write`,
      );
    }
    this.headerPath = join(dir, RUN_HEADER_FILE);
    this.jsonlPath = join(dir, 'results.jsonl');
    this.jsonPath = join(dir, 'results.json');
  }

  writeHeader(header: RunHeader): void {
    writeFileSync(this.headerPath, `${JSON.stringify(header, null, 2)}\n`);
  }

  /** Synchronous on purpose: a trial's line is on disk before the next trial starts, even if a signal ends us. */
  appendTrial(trial: TrialRecord): void {
    appendFileSync(this.jsonlPath, `${JSON.stringify(trial)}\n`);
  }

  /** Replaces the log with these trials in one rename (a resumed run drops the lines of trials cut short). */
  rewriteTrials(trials: readonly TrialRecord[]): void {
    const tmp = `${this.jsonlPath}.tmp`;
    writeFileSync(tmp, trials.map((t) => `${JSON.stringify(t)}\n`).join(''));
    renameSync(tmp, this.jsonlPath);
  }

  writeResults(results: Results): void {
    const tmp = `${this.jsonPath}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(results, null, 2)}\n`);
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
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${configName.replace(/[^\w-]+/g, '_')}-${process.pid}`;
}

/** The results of a run given its header and trials: one entry per cell (and variant), each with its trials and summary. */
export function assembleResults(
  header: RunHeader,
  trials: readonly TrialRecord[],
  status: Results['status'],
  finishedAt: string,
  extra: Pick<Results, 'interrupted' | 'micro'> = {},
): Results {
  const variants = (header.config.variants?.map((v) => v.name) ?? [undefined]) as (string | undefined)[];
  return {
    schemaVersion: header.schemaVersion,
    runId: header.runId,
    status,
    ...(extra.interrupted ? { interrupted: extra.interrupted } : {}),
    startedAt: header.startedAt,
    finishedAt,
    configFile: header.configFile,
    config: header.config,
    seed: header.seed,
    ...(header.planHash ? { planHash: header.planHash } : {}),
    ...(header.shard ? { shard: header.shard } : {}),
    environment: header.environment,
    notes: header.notes,
    ...(extra.micro ? { micro: extra.micro } : {}),
    cells: header.cells.flatMap((cell) =>
      (cell.variants ?? variants).map((variant) => {
        const own = trials.filter((t) => t.cellId === cell.id && t.variant === variant);
        return {
          id: cell.id,
          ...(variant ? { variant } : {}),
          settings: cell.settings,
          collapsed: cell.collapsed,
          trials: own,
          summary: summariseCell(own),
        };
      }),
    ),
  };
}

/** A run's header and every readable trial line of its results.jsonl; a last line cut short by a kill is counted, not read. */
export function readRunLog(dir: string): { header: RunHeader; trials: TrialRecord[]; skippedLines: number } {
  const headerPath = join(dir, RUN_HEADER_FILE);
  const jsonlPath = join(dir, 'results.jsonl');
  if (!existsSync(headerPath))
    throw new RunError(
      `${dir}: results.json is missing and so is ${RUN_HEADER_FILE} (the run's config and plan, written before its first trial), so results.jsonl cannot be rebuilt; rerun it`,
    );
  let header: RunHeader;
  try {
    header = JSON.parse(readFileSync(headerPath, 'utf8')) as RunHeader;
  } catch (error) {
    throw new RunError(
      `${headerPath}: cannot read it as JSON (${(error as Error).message.slice(0, 200)}); rerun the benchmark`,
    );
  }
  const lines = existsSync(jsonlPath)
    ? readFileSync(jsonlPath, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [];
  const trials: TrialRecord[] = [];
  let skippedLines = 0;
  const previous = header.schemaVersion === PREVIOUS_RESULTS_SCHEMA_VERSION;
  if (previous) header = { ...header, schemaVersion: RESULTS_SCHEMA_VERSION, config: upgradeConfig(header.config) };
  for (const line of lines) {
    try {
      const trial = JSON.parse(line) as TrialRecord;
      trials.push(previous ? upgradeTrialRecord(trial) : trial);
    } catch {
      skippedLines++;
    }
  }
  return { header, trials, skippedLines };
}

/**
 * results.json of a run that was killed before writing it, from its header and every trial line in results.jsonl; the
 * run is marked interrupted after the trials the log holds. A last line cut short by the kill is left out and said so.
 */
export function rebuildResults(dir: string): { results: Results; skippedLines: number } {
  const { header, trials, skippedLines } = readRunLog(dir);
  const last = trials.at(-1);
  const lastEnd = last ? Date.parse(last.startedAt) + last.wallMs : Number.NaN;
  const finishedAt = Number.isFinite(lastEnd) ? new Date(lastEnd).toISOString() : header.startedAt;
  const interrupted = {
    trialsFinished: trials.length,
    trialsPlanned: header.trialsPlanned,
    rebuiltFrom: 'results.jsonl' as const,
  };
  return { results: assembleResults(header, trials, 'interrupted', finishedAt, { interrupted }), skippedLines };
}
