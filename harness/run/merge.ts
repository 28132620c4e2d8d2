import { UsageError } from '../errors.js';
import { crossMachineNote, machineNames } from '../results/machines.js';
import { summariseCell } from '../results/summary.js';
import type { CellResult, MergedShard, Results, ShardMachine } from '../results/types.js';
import { buildPlan } from '../plan/plan.js';
import { canonicalJson, planHash, splitCells } from '../plan/shard.js';

export interface ShardInput {
  /** The folder or file it was read from, as given: messages name shards by it. */
  from: string;
  results: Results;
}

export interface MergeOptions {
  /** Merge without every shard (the missing shards' cells are absent, and said so). @default false */
  allowMissing?: boolean;
  /** @default new Date() */
  now?: Date;
}

const label = (s: ShardInput) =>
  s.results.shard ? `shard ${s.results.shard.index}/${s.results.shard.count} (${s.from})` : s.from;

/** A config as it decides what is measured and judged; where its seed came from does not matter. */
const configText = (r: Results) => {
  const { seedSource: _seedSource, ...rest } = r.config;
  return canonicalJson(rest);
};

function refuse(what: string, shards: readonly ShardInput[], fix: string): never {
  throw new UsageError(`merge: ${what}:\n${shards.map((s) => `  - ${label(s)}`).join('\n')}\n${fix}`);
}

/** Every reason the shards cannot be merged into one run, thrown as one usage error naming the shards. */
function checkShards(inputs: readonly ShardInput[], allowMissing: boolean): void {
  const unsharded = inputs.filter((s) => !s.results.shard);
  if (unsharded.length > 0)
    refuse(
      'not shards of a plan (run without --shard)',
      unsharded,
      'merge takes the folders of `tracebench run --shard K/N` runs; compare whole runs with tracebench compare',
    );
  const [first] = inputs;
  const differ = (pick: (r: Results) => unknown, what: string, fix: string) => {
    const other = inputs.find((s) => pick(s.results) !== pick(first.results));
    if (other)
      refuse(
        `${what}: ${label(first)} has ${String(pick(first.results))}, ${label(other)} has ${String(pick(other.results))}`,
        [first, other],
        fix,
      );
  };
  differ((r) => r.schemaVersion, 'different results schema versions', 'rerun the older shards with this tracebench');
  differ(
    (r) => r.environment.tracebench,
    'different tracebench versions',
    'run every shard with the same tracebench version (pin it in the workflow or image)',
  );
  differ(
    (r) => r.shard!.count,
    'different shard counts',
    'every shard of one merge must come from the same --shards N (or --shard K/N with one N)',
  );
  differ(
    (r) => r.planHash ?? 'no plan hash',
    'different plans (config, rounds, seed or cells)',
    'run every shard with the same config, --rounds and --seed (a seed from the clock differs per shard: set seed in the config)',
  );
  const config = inputs.find((s) => configText(s.results) !== configText(first.results));
  if (config)
    refuse(
      'different configs (budgets or other settings)',
      [first, config],
      'run every shard with the same config file and --budgets',
    );
  const byIndex = new Map<number, ShardInput[]>();
  for (const s of inputs) byIndex.set(s.results.shard!.index, [...(byIndex.get(s.results.shard!.index) ?? []), s]);
  const twice = [...byIndex.values()].find((list) => list.length > 1);
  if (twice) refuse(`shard ${twice[0].results.shard!.index} given twice`, twice, 'pass each shard once');
  const count = first.results.shard!.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0 && !allowMissing)
    throw new UsageError(
      `merge: shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (given: ${inputs.map(label).join(', ')}); pass every shard's folder, or --allow-missing to merge what there is (the missing shards' cells are then absent from the results)`,
    );
}

function machineOf(s: ShardInput): ShardMachine {
  const { machines: _machines, ...env } = s.results.environment;
  return { ...env, shard: s.results.shard!.index, runId: s.results.runId };
}

/**
 * One run's results from its shards: the reference cells hold every shard's trials (each trial keeps its shard, so a
 * cell is paired with its own shard's baseline), every other cell its one shard's; cells in the whole plan's order.
 */
export function mergeShards(inputs: readonly ShardInput[], options: MergeOptions = {}): Results {
  if (inputs.length === 0) throw new UsageError('merge: no shard given; pass the folders of the shards to merge');
  checkShards(inputs, options.allowMissing ?? false);
  const shards = [...inputs].sort((a, b) => a.results.shard!.index - b.results.shard!.index);
  const [first] = shards;
  const config = first.results.config;
  const whole = buildPlan(config);
  if (planHash(whole, config) !== first.results.planHash)
    refuse(
      `this tracebench plans the shards' config differently (plan ${planHash(whole, config)}, shards ${first.results.planHash})`,
      shards,
      'merge with the tracebench version that ran the shards',
    );
  const split = splitCells(whole, config, first.results.shard!.count);
  for (const s of shards) {
    const expected = split.cells[s.results.shard!.index - 1].join(', ');
    if (s.results.shard!.cells.join(', ') !== expected)
      refuse(
        `${label(s)} measured cells ${s.results.shard!.cells.join(', ')}, but the plan gives it ${expected}`,
        [s],
        'rerun the shard with this tracebench',
      );
  }
  const cells: CellResult[] = [];
  for (const planned of whole.cells) {
    const entries = shards.flatMap((s) =>
      s.results.cells
        .filter((c) => c.id === planned.id)
        .map((c) => ({ ...c, trials: c.trials.map((t) => ({ ...t, shard: s.results.shard!.index })) })),
    );
    const variants = [...new Set(entries.map((c) => c.variant))];
    for (const variant of variants) {
      const own = entries.filter((c) => c.variant === variant);
      const trials = own.flatMap((c) => c.trials);
      cells.push({ ...own[0], trials, summary: own.length === 1 ? own[0].summary : summariseCell(trials) });
    }
  }
  const statuses = shards.map((s) => s.results.status);
  const status = statuses.includes('failed') ? 'failed' : statuses.includes('interrupted') ? 'interrupted' : 'complete';
  const count = first.results.shard!.count;
  const present = new Set(shards.map((s) => s.results.shard!.index));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !present.has(i));
  const machines = shards.map(machineOf);
  const hosts = machineNames({ environment: { ...first.results.environment, machines } });
  const notes = [...new Set(shards.flatMap((s) => s.results.notes))];
  notes.push(
    `merged from ${shards.length} of ${count} shards of plan ${first.results.planHash} on ${hosts.length} machine${hosts.length === 1 ? '' : 's'}: ${hosts.join('; ')}. Each cell is paired with the baseline its own shard measured in the same round, never another shard's.`,
  );
  const cross = crossMachineNote({ environment: { ...first.results.environment, machines }, cells });
  if (cross) notes.push(cross);
  if (missing.length > 0)
    notes.push(
      `shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')} missing (--allow-missing): cells ${missing.flatMap((i) => split.cells[i - 1]).join(', ')} not measured.`,
    );
  if (shards.some((s) => s.results.micro)) notes.push('micro-benchmark sections of the shards are not merged.');
  const interrupted = shards.filter((s) => s.results.interrupted);
  const mergedShards: MergedShard[] = shards.map((s) => ({
    index: s.results.shard!.index,
    count,
    runId: s.results.runId,
    status: s.results.status,
    from: s.from,
    trials: s.results.cells.reduce((n, c) => n + c.trials.length, 0),
    hostname: s.results.environment.hostname,
  }));
  const stamp = (options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return {
    schemaVersion: first.results.schemaVersion,
    runId: `${stamp}-${config.name.replace(/[^\w-]+/g, '_')}-merged`,
    status,
    ...(interrupted.length > 0
      ? {
          interrupted: {
            trialsFinished: shards.reduce(
              (n, s) =>
                n + (s.results.interrupted?.trialsFinished ?? s.results.cells.reduce((k, c) => k + c.trials.length, 0)),
              0,
            ),
            trialsPlanned: shards.reduce(
              (n, s) =>
                n + (s.results.interrupted?.trialsPlanned ?? s.results.cells.reduce((k, c) => k + c.trials.length, 0)),
              0,
            ),
          },
        }
      : {}),
    startedAt: shards.map((s) => s.results.startedAt).sort()[0],
    finishedAt: shards
      .map((s) => s.results.finishedAt)
      .sort()
      .at(-1)!,
    configFile: first.results.configFile,
    config,
    seed: first.results.seed,
    ...(first.results.planHash ? { planHash: first.results.planHash } : {}),
    shards: mergedShards,
    environment: { ...first.results.environment, machines },
    notes,
    cells,
  };
}
