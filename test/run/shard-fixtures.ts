import type { Config } from '../../harness/config/types.js';
import {
  type Environment,
  RESULTS_SCHEMA_VERSION,
  type Results,
  type TrialRecord,
} from '../../harness/results/types.js';
import { buildPlan } from '../../harness/plan/plan.js';
import { planHash, shardPlan, splitCells } from '../../harness/plan/shard.js';
import { assembleResults } from '../../harness/run/store.js';
import { syntheticMetrics } from '../stats/synthetic.js';
import { config as parse } from '../plan/helpers.js';

export const SHARD_YAML =
  'name: shards\nrounds: 3\nseed: 5\nmatrix: { sampler: [always_on, { type: traceidratio, ratio: 0.1 }, always_off], processor: [batch], exporter: [none, zipkin] }\n';

export const ENV: Environment = {
  node: 'v20.0.0',
  os: 'Linux',
  cpuModel: 'Test CPU',
  cores: 2,
  totalMemoryBytes: 4e9,
  openTelemetry: {},
  tracebench: '0.1.0',
  hostname: 'vm-1',
};

/** CPU µs per request a cell measures: the baseline 400, each traced cell more; `machine` scales them all. */
const cpuOf = (cellId: string, machine: number) => (cellId === 'baseline' ? 400 : 400 + 20 * cellId.length) * machine;

/**
 * Results as `tracebench run --shard K/N` (or the whole plan, without `shard`) writes them, with synthetic metrics:
 * the plan, the header and the assembly are the real ones.
 */
export function shardResults(
  o: { shard?: { index: number; count: number }; env?: Partial<Environment>; yaml?: string; machine?: number } = {},
): Results {
  const cfg: Config = parse(o.yaml ?? SHARD_YAML);
  const whole = buildPlan(cfg);
  const plan = o.shard ? shardPlan(whole, cfg, o.shard) : whole;
  const runId = `run-${o.shard?.index ?? 'all'}`;
  const trials: TrialRecord[] = plan.trials.map((t) => ({
    runId,
    cellId: t.cellId,
    round: t.round,
    order: t.order,
    ...(o.shard ? { shard: o.shard.index } : {}),
    startedAt: '2026-01-01T00:00:00.000Z',
    wallMs: 5000,
    warnings: [],
    status: 'ok',
    metrics: syntheticMetrics(cpuOf(t.cellId, o.machine ?? 1) * (1 + 0.01 * t.round), 5000, 80e6, 0),
  }));
  const header = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    startedAt: '2026-01-01T00:00:00.000Z',
    configFile: 'shards.yaml',
    config: cfg,
    seed: cfg.seed,
    planHash: planHash(whole, cfg),
    ...(o.shard
      ? {
          shard: {
            ...o.shard,
            cells: splitCells(whole, cfg, o.shard.count).cells[o.shard.index - 1],
            planTrials: whole.trials.length,
          },
        }
      : {}),
    environment: { ...ENV, ...o.env },
    notes: plan.notes,
    cells: plan.cells.map((c) => ({ id: c.id, settings: c.settings, collapsed: c.collapsed })),
    trialsPlanned: plan.trials.length,
  };
  return assembleResults(header, trials, 'complete', '2026-01-01T01:00:00.000Z');
}
