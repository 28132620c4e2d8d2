import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { defaultConfigPath, loadConfigFile } from '../../config/load.js';
import { GITHUB_MATRIX_MAX_JOBS, githubMatrix, indexedJob, shardJobs } from '../../plan/engines.js';
import { buildPlan, formatDuration, formatPlan } from '../../plan/plan.js';
import { planHash, splittableCells } from '../../plan/shard.js';
import { echo } from '../../text.js';
import { EXIT, UsageError } from '../errors.js';
import { integerFlag } from '../flags.js';

const FORMATS = ['text', 'json', 'github', 'k8s'] as const;

/**
 * The plan of a config without running it, split into --shards N: as text, as JSON, as a GitHub Actions matrix
 * (`strategy.matrix: ${{ fromJSON(...) }}`) or as a Kubernetes Indexed Job, so a CI engine runs the shards.
 */
export async function planCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      shards: { type: 'string' },
      format: { type: 'string', default: 'text' },
      rounds: { type: 'string' },
      seed: { type: 'string' },
      image: { type: 'string' },
      name: { type: 'string' },
      claim: { type: 'string' },
      parallelism: { type: 'string' },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`plan takes no arguments (got '${positionals.join(' ')}'); use --config FILE`);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format))
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got "${echo(values.format ?? '')}"`);
  const shards = integerFlag('shards', values.shards, 1) ?? 1;
  const configFile = values.config ?? defaultConfigPath();
  const config = await loadConfigFile(configFile, {
    rounds: integerFlag('rounds', values.rounds, 1),
    seed: integerFlag('seed', values.seed, 0),
  });
  if (config.method?.type === 'windows' && (shards > 1 || format === 'github' || format === 'k8s'))
    throw new UsageError(
      `${shards > 1 ? `--shards ${shards}` : `--format ${format}`}: ${configFile} runs the windows method (method: windows), whose comparisons each start and measure both sides in one process tree: it does not split into shards; shard a trials config (such as configs/matrix.yaml) instead`,
    );
  // Every shard must run one plan: a seed drawn here goes into each job's command, so the shards share it.
  if (config.seedSource === 'clock' && format !== 'text')
    process.stderr.write(`${configFile} sets no seed: the jobs run with --seed ${config.seed}, drawn now\n`);
  const plan = buildPlan(config);
  const splittable = splittableCells(plan);
  if (shards > splittable)
    throw new UsageError(
      `--shards ${shards}: the plan has ${splittable} cells to split besides the baseline; use at most ${splittable} shards`,
    );
  if (format === 'github' && shards > GITHUB_MATRIX_MAX_JOBS)
    throw new UsageError(`--shards ${shards}: a GitHub Actions matrix holds at most ${GITHUB_MATRIX_MAX_JOBS} jobs`);
  const jobs = shardJobs(plan, config, shards);
  const hash = planHash(plan, config);
  switch (format) {
    case 'github':
      process.stdout.write(`${JSON.stringify(githubMatrix(jobs))}\n`);
      break;
    case 'json':
      process.stdout.write(
        `${JSON.stringify({ planHash: hash, seed: plan.seed, trials: plan.trials.length, estimatedSeconds: Math.round(plan.estimatedSeconds), shards: jobs }, null, 2)}\n`,
      );
      break;
    case 'k8s': {
      const name =
        values.name ??
        `tracebench-${config.name}`
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, '-')
          .slice(0, 52);
      const job = indexedJob({
        name,
        image: values.image ?? 'ghcr.io/your-org/tracebench:latest',
        configFile,
        seed: plan.seed,
        shards,
        parallelism: integerFlag('parallelism', values.parallelism, 1) ?? shards,
        claimName: values.claim ?? 'tracebench-results',
      });
      process.stdout.write(stringify(job, { aliasDuplicateObjects: false, lineWidth: 0 }));
      break;
    }
    default:
      process.stdout.write(`${formatPlan(plan, config)}\nplan hash: ${hash}\n`);
      if (shards > 1)
        process.stdout.write(
          `\n${shards} shards (each also runs the baseline in every round):\n${jobs.map((j) => `  ${j.shard}: ${j.cells} cells, ${j.trials} trials, ${formatDuration(j.estimatedSeconds)}`).join('\n')}\n`,
        );
  }
  return EXIT.ok;
}
