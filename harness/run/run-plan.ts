import { UsageError } from '../errors.js';
import type { Config } from '../config/types.js';
import type { Environment, ShardRecord } from '../results/types.js';
import { buildPlan, formatDuration, formatPlan } from '../plan/plan.js';
import { planHash, shardPlan, splitCells, splittableCells } from '../plan/shard.js';
import type { Plan, ShardSpec } from '../plan/types.js';
import type { Resumed } from './resume.js';

/** The trials a run measures: the whole plan, or one shard of it (printed), with the whole plan's hash. */
export function planRun(
  config: Config,
  configFile: string,
  shard: ShardSpec | undefined,
  log: (line: string) => void,
): { plan: Plan; hash: string; shardRecord?: ShardRecord } {
  const whole = buildPlan(config);
  const hash = planHash(whole, config);
  if (!shard) {
    log(formatPlan(whole, config));
    return { plan: whole, hash };
  }
  const splittable = splittableCells(whole);
  if (shard.count > splittable)
    throw new UsageError(
      `--shard ${shard.index}/${shard.count}: the plan has ${splittable} cells to split besides the baseline, so some of ${shard.count} shards would measure nothing; use at most ${splittable} shards`,
    );
  if (config.seedSource === 'clock')
    throw new UsageError(
      `--shard ${shard.index}/${shard.count}: ${configFile} has no seed, so each shard would draw its own from the clock and run a different plan; set seed: in the config or pass --seed`,
    );
  const plan = shardPlan(whole, config, shard);
  const split = splitCells(whole, config, shard.count);
  log(formatPlan(plan, config));
  log(
    `shard ${shard.index}/${shard.count} of plan ${hash}: ${plan.trials.length} of ${whole.trials.length} trials (the baseline in every round, as every shard), ${formatDuration(split.estimatedSeconds[shard.index - 1])}`,
  );
  return {
    plan,
    hash,
    shardRecord: { ...shard, cells: split.cells[shard.index - 1], planTrials: whole.trials.length },
  };
}

/** What a resumed run says before it goes on: how far the run got, and a warning when it continues on another machine. */
export function resumeLines(resumed: Resumed, dir: string, planned: number, environment: Environment): string[] {
  const was = resumed.header.environment;
  const lines: string[] = [];
  if (was.hostname !== environment.hostname || was.cpuModel !== environment.cpuModel)
    lines.push(
      `warning: this run started on ${was.hostname} (${was.cpuModel}) and continues on ${environment.hostname} (${environment.cpuModel}): a cell is paired with its own round's baseline, but rounds from two machines widen its spread`,
    );
  lines.push(
    `resuming ${dir}: ${resumed.trials.length} of ${planned} trials already measured${resumed.cutShort > 0 ? `; ${resumed.cutShort} cut short by the interruption, measured again` : ''}`,
  );
  return lines;
}
