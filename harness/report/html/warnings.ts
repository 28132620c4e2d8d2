import type { CellView } from './model.js';
import { median } from '../../stats/interval.js';
import { num } from './format.js';
import { uninstrumentedWarning } from '../../results/summary.js';

/** Round-to-round spread of CPU per request above this makes smaller differences between cells indistinguishable from noise. */
export const HIGH_VARIANCE_SPREAD = 0.1;

export interface CellWarning {
  severity: 'error' | 'warning';
  text: string;
  /** Lines shown verbatim under the warning (a failed service's stderr tail). */
  detail?: string[];
}

const roundList = (rounds: number[]) =>
  `${rounds.length > 1 ? 'rounds' : 'round'} ${rounds.map((r) => r + 1).join(', ')}`;

/** The pipeline's per-trial warnings, one line per distinct text with the rounds it came from. */
function trialWarnings(view: CellView, skip: (text: string) => boolean): CellWarning[] {
  const byText = new Map<string, number[]>();
  for (const t of view.ok) for (const w of t.warnings) if (!skip(w)) byText.set(w, [...(byText.get(w) ?? []), t.round]);
  return [...byText].map(([text, rounds]) => ({ severity: 'warning', text: `${roundList(rounds)}: ${text}` }));
}

function invalidWarnings(view: CellView): CellWarning[] {
  return view.invalid.map((t) => ({
    severity: 'error',
    text: `round ${t.round + 1} was measured but not counted: ${t.warnings.length > 0 ? t.warnings.join('; ') : 'a validity check failed'}`,
  }));
}

function failedWarnings(view: CellView): CellWarning[] {
  return view.failed.map((t) => ({
    severity: 'error',
    text: `round ${t.round + 1} failed: ${t.error}${t.stderrTail.length > 0 ? ' (the service’s last stderr lines follow)' : ''}`,
    detail: t.stderrTail.length > 0 ? t.stderrTail : undefined,
  }));
}

function varianceWarning(view: CellView): CellWarning[] {
  const values = view.ok.map((t) => t.metrics.cpuUsPerRequest).filter(Number.isFinite);
  if (values.length < 2) return [];
  const mid = median(values);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const spread = (hi - lo) / mid;
  if (!(spread > HIGH_VARIANCE_SPREAD)) return [];
  return [
    {
      severity: 'warning',
      text: `CPU per request moved ${num(spread * 100, 0)}% between rounds (${num(lo, 0)}–${num(hi, 0)} µs): differences between cells smaller than that are noise here; add rounds, or quiet the machine (other work, CPU frequency scaling) before trusting them`,
    },
  ];
}

function dropWarning(view: CellView): CellWarning[] {
  const settings = view.cell.settings;
  const measured = [...view.ok, ...view.invalid].map((t) => t.metrics.spans);
  // Only trials whose drops are known speak here; unknown is never read as 0.
  const known = measured.filter((s): s is typeof s & { dropped: number } => s.dropped !== null);
  const dropped = known.map((s) => s.dropped);
  if (!dropped.some((d) => d > 0)) return [];
  const queue =
    settings.tracing === 'sdk' && settings.processor?.type === 'batch' ? settings.processor.maxQueueSize : undefined;
  // Only trials whose sampled count is known and non-zero give a share; none such leaves it unknown (NaN prints as such).
  const shares = known.flatMap((s) => (s.sampled !== null && s.sampled > 0 ? [s.dropped / s.sampled] : []));
  const share = shares.length > 0 ? median(shares) : Number.NaN;
  return [
    {
      severity: 'warning',
      text: `spans were lost: a median ${num(median(dropped))} per trial (${num(share * 100, 1)}% of sampled spans) dropped because the batch queue${queue === undefined ? '' : ` of ${num(queue)}`} was full; the queue fills when spans end faster than the exporter ships them: raise maxQueueSize, lower scheduleDelayMillis, sample less, or check the backend is fast enough`,
    },
  ];
}

function noCountedTrial(view: CellView): CellWarning[] {
  if (view.ok.length > 0 || view.cell.trials.length === 0) return [];
  return [
    {
      severity: 'error',
      text: `no trial of this cell counted, so it has no figures in the charts; the reasons per round follow`,
    },
  ];
}

/** Everything a reader should know before trusting a cell's numbers, in words that say what to change. */
export function cellWarnings(view: CellView): CellWarning[] {
  const drops = dropWarning(view);
  // The cell-level drop warning says it once with the queue size; the per-trial ones ("N spans dropped because...") would repeat it per round.
  const perTrialDrop = (text: string) => drops.length > 0 && /^\d+ spans dropped because/.test(text);
  const uninstrumented = uninstrumentedWarning(view.cell);
  return [
    ...noCountedTrial(view),
    ...(uninstrumented ? [{ severity: 'error' as const, text: uninstrumented }] : []),
    ...failedWarnings(view),
    ...invalidWarnings(view),
    ...drops,
    ...varianceWarning(view),
    ...trialWarnings(view, perTrialDrop),
  ];
}
