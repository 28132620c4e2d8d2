import type { Proportion } from '../stats/binomial.js';
import { COST_AXES, cpuMethodLine, type CostAxis, type SamplingStudy, type StudyRow } from './sampling.js';

/** The study for summary.md: a table and the frontiers named, every text already escaped by the caller's rules. */
export interface SamplingMd {
  header: string[];
  rows: string[][];
  /** One bullet each: the frontier per cost axis, then how CPU overhead was measured. */
  lines: string[];
}

const AXIS_NAMES: Record<CostAxis, { long: string; short: string }> = {
  cpuOverhead: { long: 'service CPU overhead', short: 'CPU' },
  exportedBytesPerSecond: { long: 'bytes exported per second', short: 'exported' },
  keptBytesPerSecond: { long: 'bytes kept per second', short: 'kept' },
};

const percent = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');
const signedPercent = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '–');
const kib = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : '–');
const whole = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');

function fraction(p: Proportion): string {
  return p.of === 0 ? 'none drawn' : `${percent(p.fraction)} (${percent(p.low)} to ${percent(p.high)})`;
}

function ratios(byName: Record<string, Proportion>): string {
  const entries = Object.entries(byName);
  return entries.length === 0 ? '–' : entries.map(([name, p]) => `${name} ${percent(p.fraction)}`).join(', ');
}

function tail(row: StudyRow): string {
  if (!row.tail) return '–';
  return `${whole(row.tail.peakBufferedSpans)} spans, ${(row.tail.peakBufferedBytes / 1048576).toFixed(1)} MiB, decision p99 ${whole(row.tail.decisionDelayP99Ms)} ms`;
}

function cpu(row: StudyRow): string {
  if (!row.cpu) return '–';
  const { interval } = row.cpu;
  return interval
    ? `${signedPercent(row.cpu.overhead)} (${signedPercent(interval.low)} to ${signedPercent(interval.high)})`
    : `${signedPercent(row.cpu.overhead)} (ratio of medians)`;
}

/**
 * The sampling study in markdown: per configuration the shares kept with their Wilson intervals, the effective ratios,
 * the costs and whether it is on a frontier; then each frontier named, cheapest first.
 */
export function samplingMd(study: SamplingStudy, esc: (text: string) => string): SamplingMd {
  const level = Math.round(study.level * 100);
  const label = (key: string) => study.rows.find((r) => r.key === key)?.label ?? key;
  const lines = COST_AXES.map((axis) => {
    const f = study.frontiers[axis];
    const names = f.keys.length > 0 ? f.keys.map((key) => esc(label(key))).join(' → ') : 'none';
    const unplaced =
      f.unplaced.length > 0
        ? ` (not placed: ${f.unplaced.map((u) => esc(`${label(u.key)}: ${u.why}`)).join('; ')})`
        : '';
    return `Frontier on ${AXIS_NAMES[axis].long} against error traces kept: ${names}${unplaced}`;
  });
  lines.push(esc(cpuMethodLine(study)));
  return {
    header: [
      'configuration',
      'traces kept',
      `error traces kept (${level}% CI)`,
      'slow traces kept',
      'whole traces',
      'ratio per service',
      'ratio per route',
      'exported spans/s',
      'exported KiB/s',
      'kept KiB/s',
      'tail buffer (peak)',
      'CPU overhead',
      'on frontier',
    ],
    rows: study.rows.map((row) => [
      esc(row.label),
      fraction(row.traces),
      fraction(row.errors),
      fraction(row.slow),
      fraction(row.whole),
      esc(ratios(row.byService)),
      esc(ratios(row.byRoute)),
      whole(row.exportedSpansPerSecond),
      kib(row.exportedBytesPerSecond),
      kib(row.keptBytesPerSecond),
      tail(row),
      cpu(row),
      COST_AXES.filter((axis) => row.onFrontier[axis])
        .map((axis) => AXIS_NAMES[axis].short)
        .join(', ') || '–',
    ]),
    lines,
  };
}
