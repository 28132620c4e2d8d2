import {
  budgetsText,
  type WindowsLimit,
  type WindowsPairing,
  windowsLimits,
  windowsPairings,
} from './windows-pairings.js';
import type { Config, VariantConfig, WindowsMethodConfig } from '../config/types.js';
import { expandMatrix, instrumentationId } from './cells.js';
import type { Cell, Plan, PlannedTrial } from './types.js';
import { mulberry32 } from './random.js';

export { mulberry32 };

/** Rough costs of a trial beyond its configured windows, measured on the 2-core VM. */
const STARTUP_SECONDS = 0.6;
const DRAIN_SECONDS = 0.5;

/** Fisher–Yates on a copy. */
export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Seconds one trial takes: startup, warm-up, the measured window, drain, and the saturation run when set. */
export function trialSeconds(config: Config): number {
  return (
    STARTUP_SECONDS +
    config.load.warmupSeconds +
    config.load.durationSeconds +
    DRAIN_SECONDS +
    (config.load.saturation?.durationSeconds ?? 0)
  );
}

/** Whether the variant measures the cell: it lists the cell's instrumentation, or lists none. */
export function variantMeasures(cell: Cell, variant: VariantConfig | undefined): boolean {
  if (!variant?.instrumentation || cell.settings.tracing === 'off') return true;
  const own = instrumentationId(cell.settings.instrumentation ?? { type: 'manual' });
  return variant.instrumentation.some((i) => instrumentationId(i) === own);
}

/** False (with a note, once per variant and instrumentation) when the variant does not list the cell's instrumentation. */
function measuredOn(cell: Cell, variant: VariantConfig | undefined, notes: string[]): boolean {
  if (variantMeasures(cell, variant) || !variant?.instrumentation || cell.settings.tracing === 'off') return true;
  const own = instrumentationId(cell.settings.instrumentation ?? { type: 'manual' });
  const note = `variant ${variant.name}: instrumentation ${own} not measured (the variant lists ${variant.instrumentation.map(instrumentationId).join(', ')})`;
  if (!notes.includes(note)) notes.push(note);
  return false;
}

/**
 * Every round runs every cell once, baseline included, in its own shuffled order, so drift over the run hits all cells
 * alike and each round can be compared with its own baseline.
 */
export function buildPlan(config: Config): Plan {
  const { cells, notes } = expandMatrix(config);
  const random = mulberry32(config.seed);
  const trials: PlannedTrial[] = [];
  const variants = config.variants ?? [undefined];
  const units = cells.flatMap((c) =>
    variants.filter((v) => measuredOn(c, v, notes)).map((v) => ({ cellId: c.id, ...(v ? { variant: v.name } : {}) })),
  );
  for (let round = 0; round < config.rounds; round++) {
    shuffle(units, random).forEach((unit, order) => {
      trials.push({ round, order, ...unit });
    });
  }
  return { cells, trials, seed: config.seed, notes, estimatedSeconds: trials.length * trialSeconds(config) };
}

/** `~45s`, `~2m 10s`, `~1h 5m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `~${s}s`;
  if (s < 3600) return `~${Math.floor(s / 60)}m ${s % 60}s`;
  return `~${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
}

function describeOutage(sink: Config['sink']): string {
  const outage = 'outage' in sink ? sink.outage : undefined;
  if (!outage) return '';
  const how =
    outage.mode === 'error'
      ? `answers ${outage.statusCode}${outage.retryAfterSeconds !== undefined ? ` with Retry-After ${outage.retryAfterSeconds} s` : ''}`
      : outage.mode === 'timeout'
        ? 'never answers'
        : 'resets connections';
  return `; outage from ${outage.fromSeconds} s to ${outage.toSeconds} s of the window: ${how}`;
}

function describeSink(sink: Config['sink']): string {
  switch (sink.mode) {
    case 'ok':
      return `ok (answers at once)${describeOutage(sink)}`;
    case 'slow':
      return `slow (answers after ${sink.delayMs} ms)${describeOutage(sink)}`;
    case 'error':
      return `error (answers ${sink.statusCode} to ${sink.fraction * 100}% of exports${sink.retryAfterSeconds !== undefined ? `, Retry-After ${sink.retryAfterSeconds} s` : ''})`;
    case 'timeout':
      return 'timeout (reads each export and never answers)';
    case 'flaky':
      return `flaky (resets the connection of ${sink.fraction * 100}% of exports)`;
    case 'down':
      return 'down (refuses connections)';
  }
}

function describeCell(cell: Cell): string {
  if (cell.settings.tracing === 'off') return 'no tracing SDK: the reference every overhead is measured against';
  if (cell.collapsed.length > 1) return `stands for ${cell.collapsed.length} combinations (nothing is sampled)`;
  return '';
}

/** The human text printed before a run: what will be measured, how, and for how long. */
export function formatPlan(plan: Plan, config: Config): string {
  const width = Math.max(...plan.cells.map((c) => c.id.length));
  if (config.method?.type === 'windows') return formatWindowsPlan(plan, config, config.method, width);
  const rounds = config.rounds;
  const { load } = config;
  const seedWords =
    config.seedSource === 'clock'
      ? `seed ${plan.seed}, from the clock: pass --seed ${plan.seed} to repeat this order`
      : `seed ${plan.seed}`;
  const window = `${load.warmupSeconds} s warm-up + ${load.durationSeconds} s measured${load.saturation ? ` + ${load.saturation.durationSeconds} s saturation` : ''}`;
  const variants = config.variants?.map((v) => v.name) ?? [];
  const perVariant =
    variants.length > 0
      ? ` × ${variants.length} variants (${variants.join(', ')}; ${variants[0]} is the reference)`
      : '';
  const lines = [
    `plan '${config.name}': ${plan.cells.length} cells${perVariant} × ${rounds} round${rounds === 1 ? '' : 's'} = ${plan.trials.length} trials, each round in a shuffled order (${seedWords})`,
    `load: ${load.rateRps} req/s open loop, ${window} per trial (${load.threads} thread${load.threads === 1 ? '' : 's'}, ${load.connections} connections)`,
    `sink: ${describeSink(config.sink)}`,
    `estimated time: ${formatDuration(plan.estimatedSeconds)}`,
    '',
    'cells:',
    ...plan.cells.map((c) => `  ${c.id.padEnd(width)}  ${describeCell(c)}`.trimEnd()),
  ];
  if (plan.notes.length > 0) lines.push('', 'notes:', ...plan.notes.map((n) => `  - ${n}`));
  return lines.join('\n');
}

const signedPct = (fraction: number) => `${fraction >= 0 ? '+' : ''}${+(100 * fraction).toFixed(2)}%`;

/** `the cells' cpuUsPerRequest budgets`, `+3%`, or both when some comparisons have a budget and some not. */
function judgedOn(limits: readonly WindowsLimit[], limitPct: number): string {
  const budgeted = limits.filter((l) => l.budgets.length > 0).length;
  if (budgeted === 0) return `+${limitPct}%`;
  if (budgeted === limits.length) return 'the cpuUsPerRequest budgets that cover each comparison';
  return `the cpuUsPerRequest budgets that cover a comparison, else +${limitPct}%`;
}

/** A windows run's plan: its comparisons, how each is measured and judged, and the longest it can take. */
function formatWindowsPlan(plan: Plan, config: Config, method: WindowsMethodConfig, width: number): string {
  const variants = config.variants ?? [];
  const pairings = windowsPairings(plan.cells, variants.length, method.against);
  const limits = windowsLimits(
    pairings,
    config.budgets ?? [],
    method.limitPct,
    variants.map((v) => v.name),
  );
  const name = (s: WindowsPairing['a']) =>
    s.variant === undefined ? s.cell.id : `${variants[s.variant].name} (${s.cell.id})`;
  const { load } = config;
  const n = pairings.length;
  const lines = [
    `plan '${config.name}': ${n} comparison${n === 1 ? '' : 's'} by the windows method, one after another`,
    `each: ${method.processes} live process set(s) per side, warmed together until steady (at most ${method.warmupMaxSeconds} s), then blocks of ${method.windowsPerBlock} × ${method.windowSeconds} s windows after a ${method.leadInSeconds} s lead-in, both sides over the same seconds; CPU placement ${method.placement}`,
    `load: ${load.rateRps} req/s open loop on each side (${load.threads} thread${load.threads === 1 ? '' : 's'}, ${load.connections} connections)`,
    `verdict: CPU per request of B against A, judged against ${judgedOn(limits, method.limitPct)}${method.untilDecided ? ' (sequential: each comparison stops once decided)' : ''}`,
    `sink: ${describeSink(config.sink)}`,
    `estimated time: up to ${formatDuration(n * method.maxMinutes * 60)} (${method.maxMinutes} min per comparison, warm-up included)`,
    '',
    'comparisons:',
    ...pairings.map(
      (p, i) =>
        `  ${name(p.b).padEnd(width)}  against ${name(p.a)}, ${limits[i].budgets.length > 0 ? `budget ${budgetsText(limits[i].budgets)}` : `limit ${signedPct(limits[i].value)}`}`,
    ),
  ];
  if (plan.notes.length > 0) lines.push('', 'notes:', ...plan.notes.map((note) => `  - ${note}`));
  return lines.join('\n');
}
