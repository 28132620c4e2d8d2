import { echo } from '../text.js';
import { parseShard } from '../plan/shard.js';
import type { ShardSpec } from '../plan/types.js';
import { UsageError } from './errors.js';

/**
 * The shard a run measures, first found wins: `--shard K/N`; `TRACEBENCH_SHARD=K/N` (how a CI matrix maps its own
 * variables, e.g. GitLab's `$CI_NODE_INDEX/$CI_NODE_TOTAL`); a Kubernetes Indexed Job's 0-based `JOB_COMPLETION_INDEX`
 * with `--shards N` or `TRACEBENCH_SHARDS=N`. Undefined: the whole plan.
 */
export function resolveShard(
  flags: { shard?: string; shards?: string },
  env: Record<string, string | undefined>,
): ShardSpec | undefined {
  const text = flags.shard ?? env.TRACEBENCH_SHARD;
  const source = flags.shard !== undefined ? '--shard' : 'TRACEBENCH_SHARD';
  if (text !== undefined && text !== '') {
    const spec = parseShard(text);
    if (!spec)
      throw new UsageError(
        `${source}: expected K/N with 1 ≤ K ≤ N (e.g. 2/4: the second of four shards), got "${echo(text)}"`,
      );
    return spec;
  }
  const totalText = flags.shards ?? (env.TRACEBENCH_SHARDS || undefined);
  if (totalText === undefined) return undefined;
  const label = flags.shards !== undefined ? '--shards' : 'TRACEBENCH_SHARDS';
  const count = /^\d{1,6}$/.test(totalText) ? Number(totalText) : 0;
  if (count < 1) throw new UsageError(`${label}: expected a positive whole number, got "${echo(totalText)}"`);
  const indexText = env.JOB_COMPLETION_INDEX;
  if (indexText === undefined || indexText === '')
    throw new UsageError(
      `${label} ${count} needs the shard's index: JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job) is not set; outside Kubernetes pass --shard K/N`,
    );
  const index = /^\d{1,6}$/.test(indexText) ? Number(indexText) : Number.NaN;
  if (!(index >= 0 && index < count))
    throw new UsageError(
      `JOB_COMPLETION_INDEX: expected a whole number from 0 to ${count - 1} (${count} shards), got "${echo(indexText)}"; the Job's completions must equal --shards`,
    );
  return { index: index + 1, count };
}
