import { Piscina } from 'piscina';
import { captureEnvironment } from '../results/environment.js';
import { buildClaims } from './claims.js';
import { microOptionIssues, MicroOptionsError } from './options.js';
import { summariseTasks } from './summarise.js';
import { openTelemetryVersions } from './variants.js';
import {
  MICRO_SCHEMA_VERSION,
  SUITE_NAMES,
  type MicroOptions,
  type MicroResults,
  type MicroSection,
  type MicroSuiteResult,
  type SuiteName,
  type SuiteRequest,
} from './types.js';

// The worker is the compiled .js that tsc writes beside this file in dist/.
const WORKER = new URL('./micro-worker.js', import.meta.url).href;

/** One pool per suite, destroyed after it: the next suite gets a new thread, so a fresh isolate (JIT, heap, modules). */
async function runInFreshWorker(request: SuiteRequest, signal?: AbortSignal): Promise<MicroSuiteResult> {
  const pool = new Piscina({ filename: WORKER, minThreads: 1, maxThreads: 1, concurrentTasksPerWorker: 1 });
  try {
    return (await pool.run(request, signal ? { signal } : {})) as MicroSuiteResult;
  } catch (error) {
    if (signal?.aborted) throw error;
    return {
      status: 'error',
      suite: request.suite,
      round: request.round,
      ...(request.variant ? { variant: request.variant.name } : {}),
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    await pool.destroy();
  }
}

/**
 * Runs the micro-benchmark suites one after another (two suites at once would share the cores they measure), each in
 * its own worker, round after round: every round runs every suite once, so drift over the run hits every suite alike.
 * With variants, every suite runs once per variant in each round, back to back, each in a fresh worker that imports
 * that variant's packages. An abort stops the suite in progress and returns what finished, marked `interrupted`.
 */
export async function runMicro(options: MicroOptions): Promise<MicroResults> {
  const issues = microOptionIssues(options);
  if (issues.length > 0) throw new MicroOptionsError(issues);
  const names = (options.suites ?? [...SUITE_NAMES]) as SuiteName[];
  const rounds = options.rounds ?? 1;
  const startedAt = new Date().toISOString();
  const environment = captureEnvironment();
  const suites: MicroSuiteResult[] = [];
  let status: MicroResults['status'] = 'complete';
  const variants = options.variants ?? [];
  const sides = variants.length > 0 ? variants : [undefined];
  run: for (let round = 0; round < rounds; round++) {
    for (const suite of names) {
      // A, B in even rounds, B, A in odd ones: a drift within a round favours neither side over the run.
      for (const variant of round % 2 === 0 ? sides : [...sides].reverse()) {
        if (options.signal?.aborted) {
          status = 'interrupted';
          break run;
        }
        const request: SuiteRequest = {
          suite,
          round,
          profile: options.profile,
          ...(options.slowPrimitive ? { slowPrimitive: options.slowPrimitive } : {}),
          ...(variant ? { variant } : {}),
        };
        try {
          suites.push(await runInFreshWorker(request, options.signal));
        } catch (error) {
          if (!options.signal?.aborted) throw error;
          status = 'interrupted';
          break run;
        }
      }
    }
  }
  const reference = variants.length > 0 ? suites.filter((s) => s.variant === variants[0].name) : suites;
  return {
    schemaVersion: MICRO_SCHEMA_VERSION,
    kind: 'micro',
    status,
    profile: options.profile,
    rounds,
    suiteNames: names,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment,
    suites,
    tasks: summariseTasks(reference),
    claims: buildClaims(reference),
    ...(options.slowPrimitive ? { slowPrimitive: options.slowPrimitive } : {}),
    ...(variants.length > 0
      ? {
          variants: variants.map((v) => ({
            name: v.name,
            nodeModules: v.nodeModules,
            packages: openTelemetryVersions(v.nodeModules),
            tasks: summariseTasks(suites.filter((s) => s.variant === v.name)),
          })),
        }
      : {}),
  };
}

/** The results.json section of a micro run: everything but the environment, which the results document carries. */
export function toMicroSection(results: MicroResults): MicroSection {
  const { kind: _kind, environment: _environment, ...section } = results;
  return section;
}

/**
 * For `tracebench run`: the micro-benchmarks as the `micro` section of the run's results.json, so the report can set
 * the attribution's measured layers next to a prediction from them. Run it after the trials, never during one: the
 * suites would take the cores the service is measured on.
 */
export async function runMicroForResults(options: MicroOptions): Promise<MicroSection> {
  return toMicroSection(await runMicro(options));
}
