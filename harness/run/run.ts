import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, RunError } from '../errors.js';
import type { Config } from '../config/types.js';
import { SINK_EXPORTERS } from '../config/vocabulary.js';
import { entryProblem } from '../config/entry.js';
import { createLoadGenerator } from '../load/generator.js';
import type { LoadGenerator } from '../load/types.js';
import { captureEnvironment } from '../results/environment.js';
import { RESULTS_SCHEMA_VERSION, type Results, type TrialRecord } from '../results/types.js';
import type { ShardSpec } from '../plan/types.js';
import { startSink } from '../sink/sink.js';
import type { Sink } from '../sink/types.js';
import { launchService, type LaunchOptions, type RunningService } from '../target/launch.js';
import { loadWorkload } from '../../workloads/shape/load.js';
import type { WorkloadShape } from '../../workloads/shape/types.js';
import { ResultsStore, assembleResults, newRunId, type RunHeader } from './store.js';
import { openResume, trialKey } from './resume.js';
import { planRun, resumeLines } from './run-plan.js';
import { runMicroForResults } from '../micro/index.js';
import type { MicroSection } from '../micro/types.js';
import { runTrial } from './trial.js';

/** The parts a test may replace (STYLE lesson 8): the process spawner, the load generator, the sink. */
export interface RunDeps {
  launch: (options: LaunchOptions) => Promise<RunningService>;
  /** `onWarning` is called once per generator when `load.realtime` is refused. */
  createGenerator: (threads: number, onWarning?: (message: string) => void) => LoadGenerator;
  startSink: (config: Config) => Promise<Sink>;
}

export interface RunOptions {
  config: Config;
  configFile: string;
  /** Folder that receives `<run-id>/` and `latest`. */
  reportsDir: string;
  /** Human progress (stderr). */
  log: (line: string) => void;
  signal: AbortSignal;
  deps?: Partial<RunDeps>;
  /** Measure only this shard of the plan: its cells plus the reference cells, every round. */
  shard?: ShardSpec;
  /** Continue the run in this folder, skipping trials its results.jsonl holds; an absent or empty folder starts the run there. */
  resumeDir?: string;
}

export const REFERENCE_SERVICE_ENTRY = fileURLToPath(new URL('../../workloads/service/main.js', import.meta.url));

/** The gRPC receiver starts only for a run with a cell that needs it. */
export function exportsOverGrpc(config: Config): boolean {
  return [...config.matrix.exporter, ...(config.attribution?.exporters ?? [])].includes('otlp-grpc');
}

const defaultDeps: RunDeps = {
  launch: launchService,
  createGenerator: (threads, onWarning) => createLoadGenerator({ threads, ...(onWarning ? { onWarning } : {}) }),
  // Spans are kept for trace assembly (complete and broken traces); the sink bounds how many.
  startSink: (config) => startSink({ fault: config.sink, keepSpans: true, grpc: exportsOverGrpc(config) }),
};

/** Everything about the system under test that can be wrong is checked before anything starts. */
export function resolveTarget(
  config: Config,
  configFile: string,
): {
  entry: string;
  command?: string[];
  cwd?: string;
  workloadFile: string;
  workload?: WorkloadShape;
  variantEntries: Map<string, string>;
} {
  const baseDir = dirname(resolve(configFile));
  const issues: string[] = [];
  const workload = loadWorkload(config.service.workload, baseDir);
  if (!workload.ok) issues.push(...workload.issues.map((i) => `service.workload: ${i}`));
  else {
    const names = workload.shape.services.map((s) => s.name);
    for (const name of Object.keys(config.service.perService))
      if (!names.includes(name))
        issues.push(
          `service.perService.${name}: the workload '${workload.shape.name}' has no service named '${name}' (services: ${names.join(', ')})`,
        );
  }
  const { command } = config.service;
  const entry = config.service.entry ? resolve(baseDir, config.service.entry) : command ? '' : REFERENCE_SERVICE_ENTRY;
  const entryIssue = entry ? entryProblem(entry) : undefined;
  if (entryIssue)
    issues.push(`service.entry: ${entryIssue}${config.service.entry ? '' : ' (run `npm run build` first)'}`);
  // A service of the user's runs where its config is (or in service.cwd), so its relative paths and preloads resolve there.
  const custom = Boolean(config.service.entry || command);
  const cwd = custom || config.service.cwd ? resolve(baseDir, config.service.cwd ?? '.') : undefined;
  if (cwd && !(existsSync(cwd) && statSync(cwd).isDirectory())) issues.push(`service.cwd: no folder at ${cwd}`);
  const variantEntries = new Map<string, string>();
  config.variants?.forEach((v, i) => {
    if (!v.entry) return;
    const file = resolve(baseDir, v.entry);
    const variantIssue = entryProblem(file);
    if (variantIssue) issues.push(`variants[${i}].entry: ${variantIssue}`);
    variantEntries.set(v.name, file);
  });
  if ((config.tail ?? []).length > 0 && !SINK_EXPORTERS.includes(config.matrix.exporter[0]))
    issues.push(
      `tail: tail sampling happens in the sink, but matrix.exporter[0] is ${config.matrix.exporter[0]}, which sends nothing there: list an OTLP or Zipkin exporter first`,
    );
  if (issues.length > 0) throw new ConfigError(configFile, issues);
  return {
    entry,
    ...(command ? { command } : {}),
    ...(cwd ? { cwd } : {}),
    workloadFile: workload.ok ? workload.file : '',
    ...(workload.ok ? { workload: workload.shape } : {}),
    variantEntries,
  };
}

function describeTrial(t: TrialRecord): string {
  if (t.status === 'failed') return `FAILED: ${t.error}`;
  const m = t.metrics;
  const flag = t.status === 'invalid' ? '  INVALID' : '';
  return `${m.cpuUsPerRequest.toFixed(0)} µs CPU/req, p99 ${(m.latencyUs.corrected.p99 / 1000).toFixed(2)} ms, ${m.achievedRps.toFixed(0)} req/s${flag}`;
}

export async function runBenchmark(options: RunOptions): Promise<{ results: Results; dir: string }> {
  const { config, configFile, log, signal } = options;
  const deps = { ...defaultDeps, ...options.deps };
  const { entry, command, cwd, workloadFile, workload, variantEntries } = resolveTarget(config, configFile);
  const variantsByName = new Map((config.variants ?? []).map((v) => [v.name, v]));
  const { shard } = options;
  const { plan, hash, shardRecord } = planRun(config, configFile, shard, log);

  const resumed = options.resumeDir
    ? openResume(options.resumeDir, {
        planHash: hash,
        ...(shard ? { shard } : {}),
        trials: plan.trials,
        config,
        seed: plan.seed,
      })
    : null;
  const runId = resumed?.header.runId ?? newRunId(config.name);
  const store = new ResultsStore(options.resumeDir ? resolve(options.resumeDir) : join(options.reportsDir, runId));
  const startedAt = new Date().toISOString();
  const environment = captureEnvironment();
  const scratch = mkdtempSync(join(os.tmpdir(), 'tracebench-'));
  const trials: TrialRecord[] = [...(resumed?.trials ?? [])];
  const done = new Set(trials.map(trialKey));
  const cellsById = new Map(plan.cells.map((c) => [c.id, c]));
  if (resumed) {
    store.rewriteTrials(trials);
    for (const line of resumeLines(resumed, store.dir, plan.trials.length, environment)) log(line);
  }

  const header: RunHeader = resumed?.header ?? {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    startedAt,
    configFile: resolve(configFile),
    config,
    seed: plan.seed,
    planHash: hash,
    ...(shardRecord ? { shard: shardRecord } : {}),
    environment,
    notes: plan.notes,
    cells: plan.cells.map((c) => ({
      id: c.id,
      settings: c.settings,
      collapsed: c.collapsed,
      // A variant that does not list a cell's instrumentation has no trials of it, and no entry for it.
      ...(config.variants
        ? {
            variants: config.variants
              .map((v) => v.name)
              .filter((v) => plan.trials.some((t) => t.cellId === c.id && t.variant === v)),
          }
        : {}),
    })),
    trialsPlanned: plan.trials.length,
  };
  if (!resumed) store.writeHeader(header);
  const results = (status: Results['status']): Results =>
    assembleResults(header, trials, status, new Date().toISOString(), {
      ...(status === 'interrupted'
        ? { interrupted: { trialsFinished: trials.length, trialsPlanned: plan.trials.length } }
        : {}),
      ...(micro ? { micro } : {}),
    });

  let sink: Sink | undefined;
  let generator: LoadGenerator | undefined;
  let final: Results | undefined;
  let micro: MicroSection | undefined;
  let loopFinished = false;
  try {
    try {
      sink = await deps.startSink(config);
    } catch (error) {
      throw new RunError(`the sink could not start on 127.0.0.1: ${(error as Error).message}`);
    }
    generator = deps.createGenerator(config.load.threads, (warning) => log(`! ${warning}`));
    log(`writing ${store.dir}`);
    for (const [index, planned] of plan.trials.entries()) {
      if (signal.aborted) break;
      if (done.has(trialKey(planned))) continue;
      const cell = cellsById.get(planned.cellId)!;
      const stdoutFile = join(scratch, 'service-stdout.log');
      const variant = planned.variant ? variantsByName.get(planned.variant) : undefined;
      const trial = await runTrial({
        runId,
        config,
        cell,
        round: planned.round,
        order: planned.order,
        entry,
        ...(command ? { command } : {}),
        ...(cwd ? { cwd } : {}),
        workloadFile,
        workload: workload!,
        // A variant that cannot run manual cells runs an app of its own, not the reference service: requestPath only.
        referenceService:
          !config.service.entry &&
          !command &&
          !(variant?.instrumentation && !variant.instrumentation.some((i) => i.type === 'manual')),
        sink,
        generator,
        launch: deps.launch,
        stdoutFile,
        signal,
        burnIterationsPerUs: environment.burnIterationsPerUs,
        profileDir: store.dir,
        ...(variant ? { variant, variantEntry: variantEntries.get(variant.name) } : {}),
      });
      rmSync(stdoutFile, { force: true });
      const record = shard ? { ...trial, shard: shard.index } : trial;
      trials.push(record);
      store.appendTrial(record);
      log(
        `[${index + 1}/${plan.trials.length}] round ${planned.round + 1} ${cell.id}${variant ? ` (${variant.name})` : ''}: ${describeTrial(trial)}`,
      );
      for (const w of trial.warnings) log(`    ! ${w}`);
      if (trial.status === 'failed' && trial.stderrTail.length > 0)
        log(`    service stderr (last lines):\n${trial.stderrTail.map((l) => `      ${l}`).join('\n')}`);
    }
    loopFinished = true;
    // Micro-benchmarks run after the trials, never during one: they would take the service's cores.
    if (config.attribution?.micro && !signal.aborted) {
      log('micro-benchmarks for the attribution prediction (3 rounds, each suite in a fresh worker)');
      micro = await runMicroForResults({
        profile: config.attribution.micro === 'quick' ? 'quick' : 'default',
        rounds: 3,
        signal,
      });
    }
  } finally {
    const everyTrialFailed = trials.length > 0 && trials.every((t) => t.status === 'failed');
    const status: Results['status'] = signal.aborted
      ? 'interrupted'
      : !loopFinished || everyTrialFailed
        ? 'failed'
        : 'complete';
    final = results(status);
    store.writeResults(final);
    store.markLatest();
    await generator?.close().catch(() => undefined);
    await sink?.close().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    // The views still get written: each cell's error check says why, and it is what makes the run exit 3.
    if (loopFinished && everyTrialFailed)
      log(`every trial failed; see ${store.jsonlPath} for each error and the service's last stderr lines`);
  }
  return { results: final!, dir: store.dir };
}
