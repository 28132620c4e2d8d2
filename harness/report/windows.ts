import { validPairs, windowsMdc } from '../budget/windows.js';
import { judgedInterval } from '../results/windows-interval.js';
import { calibrationNote } from '../results/calibration.js';
import type { WarmupRecord, WindowsComparison } from '../results/types.js';

/** One comparison of a windows run as the views show it: text only, `–` for what is unknown. */
export interface WindowsRow {
  cellId: string;
  /** `head vs base`; `the cell vs baseline` for a traced cell against the baseline. */
  sides: string;
  /** The change in CPU per request of the interval the verdict used: `+11.2%`. */
  change: string;
  /** `+4.0% to +19.0%`, or `–` without an interval. */
  interval: string;
  /** `sequential` (the run stopped once decided), `nested` (fixed length), or `none` (too few pairs). */
  intervalKind: 'sequential' | 'nested' | 'none';
  /** `95%`, or `–` without an interval. */
  level: string;
  verdict: WindowsComparison['verdict'];
  /** `+3.0%`. */
  limit: string;
  /** `±3.8%`: the nested interval's minimum detectable change (95%, 80% power); `–` when unknown. */
  resolution: string;
  /** `29/30`: valid pairs of all pairs. */
  pairs: string;
  processSets: number;
  /** `110 s`. */
  elapsed: string;
  stoppedBy: string;
  /** `steady after 12–18 s`, with the processes that were not. */
  warmup: string;
}

const STOPPED: Record<WindowsComparison['stoppedBy'], string> = {
  decided: 'decided',
  time: 'time up',
  pairs: 'pairs reached',
  aborted: 'interrupted',
};

/** A fraction as a signed percentage with one decimal: 0.112 → `+11.2%`; `–` when unknown. */
export function fractionPct(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const text = Math.abs(100 * x).toFixed(1);
  return `${x < 0 && Number(text) !== 0 ? '-' : '+'}${text}%`;
}

/** `steady after 12–18 s`; with `1 of 6 not steady within 30 s` when some never got there. */
export function warmupText(warmups: readonly WarmupRecord[]): string {
  if (warmups.length === 0) return '–';
  const steady = warmups.flatMap((w) => (w.steadyAfterSeconds === null ? [] : [w.steadyAfterSeconds]));
  const stuck = warmups.filter((w) => w.steadyAfterSeconds === null);
  const range =
    steady.length === 0
      ? ''
      : `steady after ${Math.round(Math.min(...steady))}${steady.length > 1 && Math.round(Math.min(...steady)) !== Math.round(Math.max(...steady)) ? `–${Math.round(Math.max(...steady))}` : ''} s`;
  const bound = Math.round(Math.max(...stuck.map((w) => w.warmupSeconds), 0));
  const not = stuck.length === 0 ? '' : `${stuck.length} of ${warmups.length} not steady within the bound (${bound} s)`;
  return [range, not].filter(Boolean).join('; ');
}

export function windowsRow(c: WindowsComparison): WindowsRow {
  const judged = judgedInterval(c);
  return {
    cellId: c.cellId,
    // Against the baseline, side b is the row's own cell: naming it again only widens the table.
    sides: c.a === 'baseline' && c.b === c.cellId ? 'the cell vs baseline' : `${c.b} vs ${c.a}`,
    change: fractionPct(judged?.interval.estimate),
    interval: judged ? `${fractionPct(judged.interval.low)} to ${fractionPct(judged.interval.high)}` : '–',
    intervalKind: judged?.kind ?? 'none',
    level: judged ? `${Math.round(100 * judged.interval.level)}%` : '–',
    verdict: c.verdict,
    limit: fractionPct(c.limit),
    resolution: windowsMdc(c) === null ? '–' : `±${(100 * windowsMdc(c)!).toFixed(1)}%`,
    pairs: `${validPairs(c)}/${c.pairs.length}`,
    processSets: c.nested?.clusters ?? c.processes,
    elapsed: `${Math.round(c.elapsedSeconds)} s`,
    stoppedBy: STOPPED[c.stoppedBy],
    warmup: warmupText(c.warmups),
  };
}

/** `this run could detect changes of ±3.8% in CPU per request`, or that it cannot say. */
export function windowsResolutionSentence(c: WindowsComparison): string {
  const mdc = windowsMdc(c);
  return mdc === null
    ? 'this run’s resolution is unknown (too few valid window pairs per process set)'
    : `this run could detect changes of ±${(100 * mdc).toFixed(1)}% in CPU per request (95% confidence, 80% power${c.calibration?.used === 'pooled' ? `; ${calibrationNote(c)}` : ''})`;
}
