import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Config } from '../config/types.js';
import type { TrialRecord } from '../results/types.js';
import { canonicalJson } from '../plan/shard.js';
import type { PlannedTrial, ShardSpec } from '../plan/types.js';
import { readRunLog, RUN_HEADER_FILE, type RunHeader } from './store.js';

/** A planned trial's identity: a plan runs each cell (and variant) once per round. */
export const trialKey = (t: Pick<PlannedTrial, 'round' | 'cellId' | 'variant'>): string =>
  `${t.round}\u0000${t.cellId}\u0000${t.variant ?? ''}`;

export interface Resumed {
  header: RunHeader;
  /** Trials already measured, in the order they were: the resumed run skips these. */
  trials: TrialRecord[];
  /** Trial lines dropped: cut short by the interruption (`interrupted`), or unreadable. */
  cutShort: number;
}

/** Top-level config keys whose values differ, for "the plan changed: ..." */
function configDifferences(a: Config, b: Config): string[] {
  const skip = new Set(['budgets', 'seedSource']);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !skip.has(k)).sort();
  return keys.filter(
    (k) =>
      canonicalJson((a as unknown as Record<string, unknown>)[k]) !==
      canonicalJson((b as unknown as Record<string, unknown>)[k]),
  );
}

const shardText = (s: ShardSpec | undefined) => (s ? `shard ${s.index}/${s.count}` : 'the whole plan (no --shard)');

/**
 * The run in `dir` to continue, checked against the plan about to run: same plan hash, same shard, and every trial in
 * its log one this plan runs. Null when `dir` is absent or empty: the run starts there (an engine's retry of a shard
 * can pass the same folder every time).
 */
export function openResume(
  dir: string,
  expected: { planHash: string; shard?: ShardSpec; trials: readonly PlannedTrial[]; config: Config; seed: number },
): Resumed | null {
  if (!existsSync(join(dir, RUN_HEADER_FILE))) {
    if (!existsSync(dir) || readdirSync(dir).length === 0) return null;
    throw new UsageError(
      `--resume ${dir}: holds no ${RUN_HEADER_FILE}, so it is not a run's folder; pass the folder of the run to continue (reports/<run-id>), or an empty or new folder to start one there`,
    );
  }
  const { header, trials, skippedLines } = readRunLog(dir);
  if (!header.planHash)
    throw new UsageError(
      `--resume ${dir}: the run was written by a tracebench without plan hashes, so it cannot be checked against this plan; rerun it`,
    );
  const sameShard =
    (header.shard?.index ?? 0) === (expected.shard?.index ?? 0) &&
    (header.shard?.count ?? 0) === (expected.shard?.count ?? 0);
  if (!sameShard)
    throw new UsageError(
      `--resume ${dir}: that run measured ${shardText(header.shard)}, this one would measure ${shardText(expected.shard)}; pass the same --shard (or JOB_COMPLETION_INDEX) as the run it continues`,
    );
  if (header.planHash !== expected.planHash) {
    const what = configDifferences(header.config, expected.config);
    if (header.seed !== expected.seed) what.push(`seed ${header.seed} → ${expected.seed}`);
    throw new UsageError(
      `--resume ${dir}: the plan changed since that run (plan ${header.planHash} → ${expected.planHash}; differs in ${what.length > 0 ? what.join(', ') : 'the cells or trial order'}); continue it with the config, --rounds and --seed it ran with, or start a new run`,
    );
  }
  const planned = new Set(expected.trials.map(trialKey));
  const seen = new Set<string>();
  const kept: TrialRecord[] = [];
  let cutShort = skippedLines;
  for (const trial of trials) {
    if (trial.status === 'failed' && trial.error === 'interrupted') {
      cutShort++;
      continue;
    }
    const key = trialKey(trial);
    if (!planned.has(key))
      throw new UsageError(
        `--resume ${dir}: results.jsonl holds a trial this plan does not run (round ${trial.round + 1}, ${trial.cellId}${trial.variant ? ` [${trial.variant}]` : ''}); it is not this plan's log`,
      );
    if (seen.has(key))
      throw new UsageError(
        `--resume ${dir}: results.jsonl holds round ${trial.round + 1} of ${trial.cellId}${trial.variant ? ` [${trial.variant}]` : ''} twice; the log was edited or two runs wrote to it`,
      );
    seen.add(key);
    kept.push(trial);
  }
  return { header, trials: kept, cutShort };
}

/**
 * What `run --resume DIR` takes from the run it continues unless a flag says otherwise: its config file, rounds, seed
 * and shard. Undefined when DIR holds no run yet.
 */
export function resumeDefaults(
  dir: string,
): { configFile: string; rounds: number; seed: number; shard?: ShardSpec } | undefined {
  if (!existsSync(join(dir, RUN_HEADER_FILE))) return undefined;
  const { header } = readRunLog(dir);
  return {
    configFile: header.configFile,
    rounds: header.config.rounds,
    seed: header.seed,
    ...(header.shard ? { shard: { index: header.shard.index, count: header.shard.count } } : {}),
  };
}
