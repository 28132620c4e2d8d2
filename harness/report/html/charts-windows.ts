import { judgedInterval } from '../../results/windows-interval.js';
import type { WindowsComparison } from '../../results/types.js';
import { fractionPct, windowsResolutionSentence } from '../windows.js';
import { COLORS, top, type Chart, type VlSpec } from './chart-kit.js';

/** Beyond this many comparisons the rest are in the table only: one chart each would bury the page. */
const MAX_CHARTS = 12;

/** A change as the log ratio's percent scale, the scale the pairs are drawn on: 100 × ln(1 + change). */
const logPct = (change: number) => 100 * Math.log1p(change);

/**
 * Every valid pair's log ratio B/A over the comparison's time, coloured by process set, with the estimate, its interval
 * and the limit as rules: whether the pairs drift, whether one set sits apart (between-process noise), what the bursts do.
 */
export function windowsChart(c: WindowsComparison, index: number): Chart {
  const valid = c.pairs.filter((p) => p.valid && p.a.cpuUsPerRequest !== null && p.b.cpuUsPerRequest !== null);
  const points = valid.map((p) => ({
    atSeconds: p.atSeconds,
    logRatioPct: 100 * Math.log(p.b.cpuUsPerRequest! / p.a.cpuUsPerRequest!),
    changePct: 100 * (p.b.cpuUsPerRequest! / p.a.cpuUsPerRequest! - 1),
    set: `set ${p.process + 1}`,
    aCpuUs: p.a.cpuUsPerRequest,
    bCpuUs: p.b.cpuUsPerRequest,
    block: p.block,
  }));
  const judged = judgedInterval(c);
  const rule = (what: string, change: number) => ({ what, y: logPct(change), change: fractionPct(change) });
  const estimate = judged ? [rule(`estimate (${judged.kind})`, judged.interval.estimate)] : [];
  const bounds = judged
    ? [
        rule(`interval low (${judged.kind})`, judged.interval.low),
        rule(`interval high (${judged.kind})`, judged.interval.high),
      ]
    : [];
  const limit = rule('limit', c.limit);
  const title = `${c.cellId}: ${c.b} vs ${c.a}`;
  const alt = `Scatter of ${points.length} valid window pairs over ${Math.round(c.elapsedSeconds)} s, the change of ${c.b}'s CPU per request over ${c.a}'s on a log scale, coloured by process set. ${
    judged
      ? `Change ${fractionPct(judged.interval.estimate)} (${judged.kind} interval ${fractionPct(judged.interval.low)} to ${fractionPct(judged.interval.high)}), verdict ${c.verdict} at ${fractionPct(c.limit)}`
      : `No interval (too few pairs), verdict ${c.verdict}`
  }; ${windowsResolutionSentence(c)}.`;
  const x = {
    field: 'atSeconds',
    type: 'quantitative',
    title: 'seconds since the first process started',
    scale: { zero: false, padding: 8 },
  };
  const y = { field: 'y', type: 'quantitative' };
  const layers: VlSpec[] = [
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 36, opacity: 0.8 },
      encoding: {
        x,
        y: {
          field: 'logRatioPct',
          type: 'quantitative',
          title: 'change of B over A (log scale)',
          // Drawn on the log ratio (what the statistics average), labelled as the change it stands for.
          axis: { labelExpr: "format(exp(datum.value / 100) * 100 - 100, '+.1~f') + '%'" },
        },
        color: { field: 'set', type: 'nominal', title: 'process set', scale: { scheme: 'tableau10' } },
        tooltip: [
          { field: 'atSeconds', title: 's', format: ',.1f' },
          { field: 'set' },
          { field: 'block' },
          { field: 'changePct', title: 'change %', format: '+.1f' },
          { field: 'aCpuUs', title: `${c.a} µs/req`, format: ',.1f' },
          { field: 'bCpuUs', title: `${c.b} µs/req`, format: ',.1f' },
        ],
      },
    },
    {
      data: { values: estimate },
      mark: { type: 'rule', color: COLORS.rule, strokeWidth: 2 },
      encoding: { y, tooltip: [{ field: 'what' }, { field: 'change' }] },
    },
    {
      data: { values: bounds },
      mark: { type: 'rule', color: COLORS.rule, strokeWidth: 1.5, strokeDash: [5, 3] },
      encoding: { y, tooltip: [{ field: 'what' }, { field: 'change' }] },
    },
    {
      data: { values: [limit] },
      mark: { type: 'rule', color: COLORS.budget, strokeWidth: 2 },
      encoding: { y, tooltip: [{ field: 'what' }, { field: 'change' }] },
    },
  ];
  return {
    id: `windows-${index}`,
    section: 'windows',
    title,
    caption: `Each dot is one pair of simultaneous windows of CPU per request (only pairs both sides served); ${
      judged
        ? `the black rule is the estimate and the dashed ones its ${judged.kind} interval, the red one the limit`
        : 'too few pairs for an interval; the red rule is the limit'
    }; ${windowsResolutionSentence(c)}.`,
    alt,
    spec: top(title, alt, { width: 640, height: 220, layer: layers }),
  };
}

export function windowsCharts(comparisons: readonly WindowsComparison[] | undefined): Chart[] {
  return (comparisons ?? []).slice(0, MAX_CHARTS).map(windowsChart);
}
