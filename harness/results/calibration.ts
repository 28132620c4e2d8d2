import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { nestedRatio, pooledPrior, type NestedPair, type ProcessPrior } from '../stats/nested.js';
import type { Results, WindowsComparison } from './types.js';

/** What a process calibration file says it is. */
export const CALIBRATION_KIND = 'tracebench-process-calibration';

/** One windows comparison a calibration pooled. */
export interface CalibrationSource {
  /** The results.json it came from. */
  file: string;
  cellId: string;
  a: string;
  b: string;
  sets: number;
  pairs: number;
  /** Its sets' means' spread less what within-set noise explains (log scale, may be negative: unbiased). */
  betweenVar: number;
}

/**
 * How much a service's processes differ in CPU per request on one machine, under the windows method: the variance of
 * a set pair's offset pooled over earlier runs. A run's own 4 sets estimate it with 3 degrees of freedom, so its
 * interval needs t₀.₉₇₅,₃ = 3.18; pooled with a calibration of 6 runs, 18 more (docs/precision.md).
 */
export interface ProcessCalibration {
  kind: typeof CALIBRATION_KIND;
  createdAt: string;
  /** The machine it was measured on: the variance is the machine's as much as the service's. */
  host: { hostname: string; cpuModel: string; cores: number };
  cellIds: string[];
  /** Pooled, floored at 0 (log scale). */
  betweenVar: number;
  /** √betweenVar: the SD of one set pair's offset, as a fraction. */
  betweenSd: number;
  df: number;
  sources: CalibrationSource[];
}

const calibrationSchema = z.looseObject({
  kind: z.literal(CALIBRATION_KIND),
  createdAt: z.string(),
  host: z.looseObject({ hostname: z.string(), cpuModel: z.string(), cores: z.number() }),
  cellIds: z.array(z.string()),
  betweenVar: z.number().min(0),
  betweenSd: z.number().min(0),
  df: z.number().int().min(1),
  sources: z
    .array(
      z.looseObject({
        file: z.string(),
        cellId: z.string(),
        a: z.string(),
        b: z.string(),
        sets: z.number().int().min(2),
        pairs: z.number().int().min(0),
        betweenVar: z.number(),
      }),
    )
    .min(1),
});

/** A comparison's valid pairs as the statistics read them: the log ratio of B's CPU per request over A's, by set. */
export function comparisonPairs(c: WindowsComparison): NestedPair[] {
  return c.pairs.flatMap((p) => {
    const [a, b] = [p.a.cpuUsPerRequest, p.b.cpuUsPerRequest];
    return p.valid && a !== null && b !== null && a > 0 && b > 0
      ? [{ cluster: p.process, logRatio: Math.log(b / a) }]
      : [];
  });
}

/**
 * Pools the between-process variance of every windows comparison in `runs` (each a results.json and where it was
 * read). A comparison's change does not enter: its sets' spread around their mean is the same whatever B costs, so an
 * A/B run counts as much as an A/A one; an A/A calibration is still the one to trust, since a change can make B's
 * processes differ more. Throws when no comparison has 2 sets with 2 valid pairs each.
 */
export function calibrationFrom(given: readonly { file: string; results: Results }[]): ProcessCalibration {
  // A file named twice would count its comparisons' degrees of freedom twice.
  const runs = given.filter((r, i) => given.findIndex((o) => o.file === r.file) === i);
  const machine = (r: Results) =>
    `${r.environment.hostname ?? 'unknown'} (${r.environment.cpuModel}, ${r.environment.cores} cores)`;
  const machines = [...new Set(runs.map((r) => machine(r.results)))];
  if (machines.length > 1)
    throw new ConfigError(runs.map((r) => r.file).join(', '), [
      `measured on ${machines.length} machines (${runs.map((r) => `${r.file}: ${machine(r.results)}`).join('; ')}): how much processes differ is one machine's, so pool the runs of the machine you will gate on`,
    ]);
  const sources: CalibrationSource[] = [];
  const pairs: NestedPair[][] = [];
  for (const { file, results } of runs)
    for (const c of results.windows ?? []) {
      const own = comparisonPairs(c);
      const e = nestedRatio(own);
      if (!e || e.clusters < 2) continue;
      pairs.push(own);
      sources.push({
        file,
        cellId: c.cellId,
        a: c.a,
        b: c.b,
        sets: e.clusters,
        pairs: e.pairs,
        betweenVar: e.betweenVarUnfloored,
      });
    }
  const prior = pooledPrior(pairs);
  if (!prior)
    throw new ConfigError(runs.map((r) => r.file).join(', '), [
      'no windows comparison with 2 process sets or more, each with 2 valid pairs: calibrate from results.json files of method: windows runs (tracebench calibrate --method windows writes them)',
    ]);
  const environment = runs[0].results.environment;
  return {
    kind: CALIBRATION_KIND,
    createdAt: new Date().toISOString(),
    host: { hostname: environment.hostname ?? 'unknown', cpuModel: environment.cpuModel, cores: environment.cores },
    cellIds: [...new Set(sources.map((s) => s.cellId))],
    betweenVar: prior.betweenVar,
    betweenSd: Math.sqrt(prior.betweenVar),
    df: prior.df,
    sources,
  };
}

/** Reads a calibration file, naming what is wrong with one that is not. */
export function readCalibration(file: string, origin?: string): ProcessCalibration {
  const where = origin ? ` (${origin})` : '';
  const write = 'pass the calibration.json that tracebench calibrate --method windows wrote';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [
      `cannot be read${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; ${write}`,
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`is not JSON${where} (${(error as Error).message.slice(0, 200)}); ${write}`]);
  }
  const kind = (data as { kind?: unknown } | null)?.kind;
  if (kind !== CALIBRATION_KIND) {
    const looksLikeResults = typeof data === 'object' && data !== null && 'runId' in data && 'schemaVersion' in data;
    throw new ConfigError(file, [
      looksLikeResults
        ? `is a results.json${where}, not a process calibration: make one from it with tracebench calibrate --from ${file}`
        : `kind: ${kind === undefined ? 'missing' : JSON.stringify(kind)}, not ${CALIBRATION_KIND}${where}: not a process calibration; ${write}`,
    ]);
  }
  const parsed = calibrationSchema.safeParse(data);
  if (!parsed.success)
    throw new ConfigError(
      file,
      parsed.error.issues.map(
        (i) =>
          `${i.path.join('.') || '(top)'}: ${i.message}; not a process calibration (write one with tracebench calibrate --method windows)`,
      ),
    );
  return parsed.data as ProcessCalibration;
}

export const priorOf = (c: ProcessCalibration): ProcessPrior => ({ betweenVar: c.betweenVar, df: c.df });

/** What a comparison made of the run's calibration, as a clause: '' without one. */
export function calibrationNote(c: Pick<WindowsComparison, 'calibration'>): string {
  if (!c.calibration) return '';
  return c.calibration.used === 'pooled'
    ? `between-process variance pooled with a calibration (${c.calibration.df} more degrees of freedom)`
    : 'its process sets spread more than the calibration allows: judged on them alone';
}
