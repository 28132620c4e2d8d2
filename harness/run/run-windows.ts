import { dirname, isAbsolute, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { RunError } from '../errors.js';
import { captureEnvironment } from '../results/environment.js';
import { calibrationNote, priorOf, readCalibration } from '../results/calibration.js';
import {
  RESULTS_SCHEMA_VERSION,
  type RelativeInterval,
  type Results,
  type WindowRecord,
  type WindowsComparison,
} from '../results/types.js';
import type { WindowsMethodConfig } from '../config/types.js';
import { buildPlan } from '../plan/plan.js';
import { budgetsText, type WindowsPairing, windowsLimits, windowsPairings } from '../plan/windows-pairings.js';
import { PRIOR_MISFIT_P, estimateMdc, nestedRatio, type NestedPair } from '../stats/nested.js';
import { decide, sequentialRatio } from '../stats/sequential.js';
import type { Sink } from '../sink/types.js';
import type { LoadGenerator } from '../load/types.js';
import { ResultsStore, assembleResults, newRunId } from './store.js';
import { resolveTarget, type RunDeps, type RunOptions } from './run.js';
import { ServiceError, launchService } from '../target/launch.js';
import { createLoadGenerator } from '../load/generator.js';
import { startSink } from '../sink/sink.js';
import { applyPlacement, moveServices } from '../target/placement.js';
import { judgedInterval } from '../results/windows-interval.js';
import { windowLoad, windowSide, type SideContext } from './window-sides.js';
import { runWindows, type WindowMeasurement, type WindowPair, type WindowSide } from './windows.js';

const record = (w: WindowMeasurement): WindowRecord => ({
  cpuUs: w.cpuUs,
  requests: w.requests,
  windowMs: w.windowMs,
  cpuUsPerRequest: Number.isFinite(w.cpuUsPerRequest) ? w.cpuUsPerRequest : null,
});

/** JSON has no Infinity (it would be written as null without saying so): unknown is null. */
const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

const nestedOf = (pairs: readonly WindowPair[]): NestedPair[] =>
  pairs.filter((p) => p.valid).map((p) => ({ cluster: p.process, logRatio: p.logRatio }));

/**
 * `method: windows`: every comparison starts its sides' processes once, warms them until steady, and measures paired
 * windows (run/windows.ts) until its time is up or, with `untilDecided`, its sequential interval decides it. Writes a
 * results.json with a `windows` section and cells without trials.
 */
export async function runWindowsBenchmark(options: RunOptions): Promise<{ results: Results; dir: string }> {
  const { config, configFile, log, signal } = options;
  const method = config.method as WindowsMethodConfig;
  const deps: RunDeps = {
    launch: launchService,
    createGenerator: (threads, onWarning) => createLoadGenerator({ threads, ...(onWarning ? { onWarning } : {}) }),
    startSink: (c) => startSink({ fault: c.sink }),
    ...options.deps,
  };
  const target = resolveTarget(config, configFile);
  const plan = buildPlan(config);
  // Before anything starts: a bad method.against is the config's fault (exit 2), not the run's.
  const pairings = windowsPairings(plan.cells, (config.variants ?? []).length, method.against);
  // Read before anything starts, like the config: a bad calibration file exits 2.
  const calibrationFile = method.calibration ? resolve(dirname(configFile), method.calibration) : undefined;
  // --calibration arrives resolved; a relative method.calibration is read from the config's folder.
  const origin =
    method.calibration && !isAbsolute(method.calibration)
      ? `method.calibration in ${configFile}, relative to its folder`
      : undefined;
  const calibration = calibrationFile ? readCalibration(calibrationFile, origin) : undefined;
  const prior = calibration ? priorOf(calibration) : undefined;
  if (calibration) {
    log(
      `between-process variance: ${calibrationFile} (a set pair's SD ${(100 * calibration.betweenSd).toFixed(2)}%, ${calibration.df} degrees of freedom from ${calibration.sources.length} comparison(s)), pooled with each comparison's own sets where they fit it`,
    );
    const uncalibrated = [...new Set(pairings.map((p) => p.cell.id))].filter((id) => !calibration.cellIds.includes(id));
    if (uncalibrated.length > 0)
      log(
        `! ${calibrationFile} calibrated ${calibration.cellIds.join(', ')}, not ${uncalibrated.join(', ')}: other settings can make processes differ by other amounts; the F test refuses it only where they differ far more`,
      );
    if (calibration.host.hostname !== hostname())
      log(
        `! ${calibrationFile} was measured on ${calibration.host.hostname}, not this machine (${hostname()}): processes may differ here by other amounts; calibrate here (tracebench calibrate --method windows)`,
      );
  }
  const runId = newRunId(config.name);
  const store = new ResultsStore(join(options.reportsDir, runId));
  // Pinned before anything starts, so the sink's and generators' threads inherit the harness's CPUs.
  const placement = applyPlacement(method.placement);
  const environment = { ...captureEnvironment(), placement: placement.record };
  if (placement.record.state === 'off' && method.placement === 'split')
    log(`! CPU placement not applied (${placement.record.reason}): services and load share all CPUs`);
  const header = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId,
    startedAt: new Date().toISOString(),
    configFile: resolve(configFile),
    config,
    seed: plan.seed,
    environment,
    notes: [...plan.notes, 'measured by the windows method: see the windows section; cells carry no trials'],
    cells: plan.cells.map((c) => ({ id: c.id, settings: c.settings, collapsed: c.collapsed })),
    trialsPlanned: 0,
  };
  try {
    store.writeHeader(header);
  } catch (error) {
    placement.release();
    throw error;
  }
  const done: WindowsComparison[] = [];
  let sink: Sink | undefined;
  const generators: LoadGenerator[] = [];
  let status: Results['status'] = 'failed';
  let results: Results | undefined;
  try {
    try {
      sink = await deps.startSink(config);
    } catch (error) {
      throw new RunError(`the sink could not start on 127.0.0.1: ${(error as Error).message}`);
    }
    // One warning for the run, though each generator would give its own.
    let warned = false;
    const onWarning = (warning: string) => {
      if (!warned) log(`! ${warning}`);
      warned = true;
    };
    // Every set is warmed at once, and sets waiting for their block stay lightly loaded: one load per set and side.
    generators.push(
      deps.createGenerator(config.load.threads * method.processes, onWarning),
      deps.createGenerator(config.load.threads * method.processes, onWarning),
    );
    const shared: SideContext = {
      runId,
      config,
      entry: target.entry,
      ...(target.command ? { command: target.command } : {}),
      ...(target.cwd ? { cwd: target.cwd } : {}),
      workloadFile: target.workloadFile,
      workload: target.workload!,
      referenceService: !config.service.entry && !target.command,
      sink,
      generator: generators[0],
      launch: deps.launch,
      signal,
      burnIterationsPerUs: environment.burnIterationsPerUs,
    };
    const variants = config.variants ?? [];
    const side = (s: WindowsPairing['a']) => {
      if (s.variant === undefined) return windowSide(shared, s.cell.id, s.cell);
      const v = variants[s.variant];
      return windowSide(shared, v.name, s.cell, { config: v, entry: target.variantEntries.get(v.name) });
    };
    const limits = windowsLimits(
      pairings,
      config.budgets ?? [],
      method.limitPct,
      variants.map((v) => v.name),
    );
    const jobs = pairings.map((p, i) => ({
      cell: p.cell,
      sides: [side(p.a), side(p.b)] as [WindowSide, WindowSide],
      limit: limits[i],
    }));
    for (const [i, job] of jobs.entries()) {
      const limit = job.limit.value;
      if (signal.aborted) break;
      log(
        `[${i + 1}/${jobs.length}] ${job.cell.id}: ${job.sides[1].name} against ${job.sides[0].name}, windows of ${method.windowSeconds} s over ${method.processes} process set(s) per side, up to ${method.maxMinutes} min, judged against ${budgetsText(job.limit.budgets) || pct(limit)}`,
      );
      const measured = await runWindows({
        sides: job.sides,
        processes: method.processes,
        windowSeconds: method.windowSeconds,
        windowsPerBlock: method.windowsPerBlock,
        leadInSeconds: method.leadInSeconds,
        warmup: {
          maxSeconds: method.warmupMaxSeconds,
          chunkSeconds: 4,
          tolerance: method.steadyTolerance,
          halfSeconds: method.steadyHalfSeconds,
          setsAtOnce: method.processes,
        },
        seat: (services, seat) => moveServices(placement, services, seat, log),
        maxPairs: Number.POSITIVE_INFINITY,
        maxSeconds: method.maxMinutes * 60,
        load: windowLoad(shared),
        generators: [generators[0], generators[1]],
        signal,
        ...(method.untilDecided
          ? {
              afterPair: (pairs) => {
                const valid = nestedOf(pairs);
                // Not before every set has been measured: one set alone hides the difference between processes.
                if (new Set(valid.map((p) => p.cluster)).size < method.processes) return false;
                const s = sequentialRatio(valid, { prior });
                // Every budget's check decided, not only the tightest: a looser one may still straddle its limit.
                const judged = job.limit.budgets.length > 0 ? job.limit.budgets.map((b) => b.limit) : [limit];
                return s !== null && judged.every((l) => decide(s.ci, l) !== 'inconclusive');
              },
            }
          : {}),
        log: (line) => log(`    ${line}`),
      }).catch((error: Error) => {
        // An interrupt kills the services mid-window: the run ends interrupted, not failed.
        if (signal.aborted) return undefined;
        // What was measured before is written (finally below); the run fails with the reason and the service's last words.
        const tail = error instanceof ServiceError ? `\n${error.stderrTail.join('\n')}` : '';
        throw new RunError(
          `${job.cell.id}: ${job.sides[1].name} against ${job.sides[0].name}: ${error.message}${tail}`,
        );
      });
      if (!measured) break;
      const pairs = nestedOf(measured.pairs);
      const e = nestedRatio(pairs, 0.95, prior);
      const s = sequentialRatio(pairs, { prior });
      const interval = (x: {
        estimate: number;
        ci: { low: number; high: number; level: number };
      }): RelativeInterval => ({
        estimate: x.estimate,
        low: x.ci.low,
        high: x.ci.high,
        level: x.ci.level,
      });
      // A run that looked after every pair is judged on the interval that allows it; a fixed-length run on the tighter one.
      const judging = method.untilDecided ? s : e;
      if (e?.prior === 'misfit')
        measured.warnings.push(
          `its process sets spread more than the calibration allows (F test, p < ${PRIOR_MISFIT_P}): judged on its own ${e.clusters} sets alone; if the service, its settings or the machine changed since, calibrate again`,
        );
      if (method.processes < 3)
        measured.warnings.push(
          `${method.processes} process set(s) per side: a difference between processes cannot be told from noise, so the interval may be too narrow; use processes: 3 or more for a verdict`,
        );
      const comparison: WindowsComparison = {
        cellId: job.cell.id,
        a: job.sides[0].name,
        b: job.sides[1].name,
        processes: method.processes,
        windowSeconds: method.windowSeconds,
        warmups: measured.warmups.map((w) => ({
          side: w.side,
          process: w.process,
          steadyAfterSeconds: w.steadyAfterSeconds,
          warmupSeconds: w.warmupSeconds,
          lastCpuUsPerRequest: Number.isFinite(w.lastCpuUsPerRequest) ? w.lastCpuUsPerRequest : null,
        })),
        pairs: measured.pairs.map((p) => ({
          process: p.process,
          block: p.block,
          atSeconds: p.atSeconds,
          a: record(p.a),
          b: record(p.b),
          valid: p.valid,
        })),
        nested: e
          ? {
              ...interval(e),
              pairs: e.pairs,
              clusters: e.clusters,
              df: e.df,
              withinSd: e.withinSd,
              betweenSd: e.betweenSd,
              betweenShare: e.betweenShare,
              mdc: finiteOrNull(estimateMdc(e)),
            }
          : null,
        sequential: s ? interval(s) : null,
        ...(calibration && calibrationFile && e && e.prior !== 'none'
          ? {
              calibration: {
                file: calibrationFile,
                betweenSd: calibration.betweenSd,
                df: calibration.df,
                used: e.prior,
              },
            }
          : {}),
        limit,
        ...(job.limit.budgets.length > 0 ? { budgets: job.limit.budgets } : {}),
        judgedBy: method.untilDecided ? 'sequential' : 'nested',
        verdict: judging ? decide(judging.ci, limit) : 'inconclusive',
        stoppedBy: measured.stoppedBy,
        elapsedSeconds: measured.elapsedSeconds,
        warnings: measured.warnings,
      };
      done.push(comparison);
      log(`    ${describeComparison(comparison)}`);
      for (const w of comparison.warnings) log(`    ! ${w}`);
    }
    status = signal.aborted ? 'interrupted' : 'complete';
  } finally {
    results = {
      ...assembleResults(header, [], signal.aborted ? 'interrupted' : status, new Date().toISOString()),
      windows: done,
    };
    store.writeResults(results);
    store.markLatest();
    await Promise.all(generators.map((g) => g.close().catch(() => undefined)));
    await sink?.close().catch(() => undefined);
    placement.release();
  }
  return { results, dir: store.dir };
}

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}%`;

/** One line per comparison: the change, its interval, the verdict, the resolution, how it stopped. */
export function describeComparison(c: WindowsComparison): string {
  const valid = c.pairs.filter((p) => p.valid).length;
  if (!c.nested)
    return `${c.b} vs ${c.a}: too few pairs (${valid} valid of ${c.pairs.length}) – inconclusive (resolution unknown)`;
  const judged = judgedInterval(c);
  if (!judged)
    return `${c.b} vs ${c.a}: no ${c.judgedBy ?? 'nested'} interval (${valid} valid pairs of ${c.pairs.length}) – ${c.verdict}`;
  const ci = judged.interval;
  const mdc = c.nested.mdc;
  const detect =
    mdc !== null && Number.isFinite(mdc) ? `could detect ±${(100 * mdc).toFixed(1)}%` : 'resolution unknown';
  const calibrated = calibrationNote(c);
  return `${c.b} vs ${c.a}: CPU/request ${pct(ci.estimate)} [${pct(ci.low)}, ${pct(ci.high)}] → ${c.verdict} at ${c.budgets?.length ? budgetsText(c.budgets) : pct(c.limit)} (${valid} pairs over ${c.nested.clusters} set(s), ${c.elapsedSeconds.toFixed(0)} s, stopped by ${c.stoppedBy}; ${detect}${calibrated ? `; ${calibrated}` : ''})`;
}
