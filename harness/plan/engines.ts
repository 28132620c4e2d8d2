import type { Config } from '../config/types.js';
import { splitCells } from './shard.js';
import type { Plan } from './types.js';

/** One shard as an engine's job sees it. */
export interface ShardJob {
  /** `K/N`, what `tracebench run --shard` takes. */
  shard: string;
  index: number;
  count: number;
  /** The plan's seed: pass it (`--seed`) so every shard runs the same plan even when the config sets none. */
  seed: number;
  /** Cells measured besides the baseline every shard runs. */
  cells: number;
  trials: number;
  estimatedSeconds: number;
}

export function shardJobs(plan: Plan, config: Config, count: number): ShardJob[] {
  const split = splitCells(plan, config, count);
  const reference = new Set(split.referenceCells);
  const referenceTrials = plan.trials.filter((t) => reference.has(t.cellId)).length;
  return split.cells.map((cells, i) => {
    const own = new Set(cells);
    return {
      shard: `${i + 1}/${count}`,
      index: i + 1,
      count,
      seed: plan.seed,
      cells: cells.length,
      trials: referenceTrials + plan.trials.filter((t) => own.has(t.cellId)).length,
      estimatedSeconds: Math.round(split.estimatedSeconds[i]),
    };
  });
}

/** GitHub Actions allows at most this many jobs in one matrix. */
export const GITHUB_MATRIX_MAX_JOBS = 256;

/** `strategy.matrix: ${{ fromJSON(...) }}`: one `include` entry per shard; a job reads `matrix.shard`. */
export function githubMatrix(jobs: readonly ShardJob[]): { include: ShardJob[] } {
  return { include: [...jobs] };
}

export interface IndexedJobOptions {
  /** Job name; also names the results sub-folders. */
  name: string;
  /** Container image holding tracebench and the config. */
  image: string;
  /** The config path inside the image. */
  configFile: string;
  seed: number;
  shards: number;
  /** Pods at once. @default shards */
  parallelism?: number;
  /** PersistentVolumeClaim each shard writes `shard-<index>/` into. */
  claimName: string;
}

/**
 * A Kubernetes Indexed Job: one pod per shard, its index in JOB_COMPLETION_INDEX; a pod retried after a failure resumes
 * its shard's folder on the shared volume. One CPU-bound benchmark per node: `parallelism` pods on the same node would
 * measure each other, so a required pod anti-affinity keeps them apart.
 */
export function indexedJob(o: IndexedJobOptions): Record<string, unknown> {
  const labels = { 'app.kubernetes.io/name': 'tracebench', 'tracebench/run': o.name };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: o.name, labels },
    spec: {
      completionMode: 'Indexed',
      completions: o.shards,
      parallelism: o.parallelism ?? o.shards,
      backoffLimitPerIndex: 2,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
          containers: [
            {
              name: 'shard',
              image: o.image,
              command: ['sh', '-c'],
              args: [
                // Exit 1 (a budget failed) is the merge's to judge; a retry would measure nothing new.
                `tracebench run --config ${o.configFile} --seed ${o.seed} --shards ${o.shards} --resume /results/${o.name}/shard-$JOB_COMPLETION_INDEX || { code=$?; [ "$code" -eq 1 ] || exit "$code"; }`,
              ],
              resources: { requests: { cpu: '2', memory: '2Gi' }, limits: { cpu: '2', memory: '2Gi' } },
              volumeMounts: [{ name: 'results', mountPath: '/results' }],
            },
          ],
          volumes: [{ name: 'results', persistentVolumeClaim: { claimName: o.claimName } }],
        },
      },
    },
  };
}
