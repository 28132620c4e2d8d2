import type { MicroSection } from '../micro/types.js';
import type { Attribution } from './attribution.js';

/** A markdown table's parts, already escaped by the caller's rules. */
export interface MdTable {
  header: string[];
  rows: string[][];
}

/** `12.3 ns`, `2.21 µs`: micro figures in the unit a reader expects. */
export function nsMd(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  return Math.abs(ns) >= 1000 ? `${(ns / 1000).toFixed(2)} µs` : `${ns.toFixed(1)} ns`;
}

const us = (x: number) => `${x >= 0 ? '+' : ''}${Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1)}`;

/** Published figure, measured figure and their ratio, per claimed operation. */
export function claimsMd(micro: MicroSection, esc: (s: string) => string): MdTable {
  return {
    header: ['operation', 'published', 'measured here', 'ratio', 'measured as'],
    rows: micro.claims.map((c) => {
      const published =
        c.claimedNs.low === c.claimedNs.high
          ? `≈ ${nsMd(c.claimedNs.low)}`
          : `${nsMd(c.claimedNs.low)}–${nsMd(c.claimedNs.high)}`;
      return c.status === 'measured'
        ? [esc(c.operation), published, nsMd(c.measuredNs), `×${c.ratio.toFixed(2)}`, esc(c.method)]
        : [esc(c.operation), published, 'not measured', '–', esc(c.reason)];
    }),
  };
}

/** Every task: p50, mean, p99 (ns/op), margin of error, samples, rounds and their spread, warning count. */
export function microTasksMd(micro: MicroSection): MdTable {
  return {
    header: ['task', 'p50', 'mean', 'p99', '±rme', 'samples', 'rounds', 'spread', 'warnings'],
    rows: micro.tasks.map((t) => [
      `\`${t.suite}/${t.task}\``,
      nsMd(t.nsPerOp.p50),
      nsMd(t.nsPerOp.mean),
      nsMd(t.nsPerOp.p99),
      `${t.marginOfErrorPct.toFixed(1)}%`,
      String(t.samples),
      String(t.roundsNsPerOp.length),
      `${t.roundSpreadPct.toFixed(0)}%`,
      t.nearTimerResolution ? `${t.warnings.length} (near timer resolution)` : String(t.warnings.length),
    ]),
  };
}

/** Per layer: what it adds, the measured increment with its interval, and the micro prediction. */
export function attributionMd(attribution: Attribution, esc: (s: string) => string): MdTable {
  const names = new Map(attribution.steps.map((s) => [s.cellId, `${s.layer.index} ${s.layer.name}`]));
  return {
    header: [
      'layer',
      'adds',
      'against',
      'CPU µs/req',
      `increment µs (${Math.round(attribution.level * 100)}% CI)`,
      'profile places µs',
      'of it tracing µs',
      'remainder µs',
      'predicted µs',
      'micro tasks',
    ],
    rows: attribution.steps.map((s) => [
      esc(names.get(s.cellId)!),
      esc(s.layer.adds),
      s.previousCellId ? esc(names.get(s.previousCellId)!) : '–',
      s.cpuUs.toFixed(1),
      s.previousCellId === null
        ? 'reference'
        : s.increment
          ? `${us(s.increment.estimate)} (${us(s.increment.ci.low)} to ${us(s.increment.ci.high)})`
          : `${us(s.incrementMedianUs)} (no interval)`,
      s.profile?.placedUs != null ? us(s.profile.placedUs) : '–',
      s.profile?.tracingUs != null ? us(s.profile.tracingUs) : '–',
      s.remainderUs !== null ? us(s.remainderUs) : '–',
      s.predicted ? us(s.predicted.us) : '–',
      s.predicted ? esc(s.predicted.terms.map((t) => t.task).join(', ') || 'none') : '–',
    ]),
  };
}

/** One line per path: the measured total, the prediction and what it leaves; then whether the profile explains it. */
export function attributionLinesMd(attribution: Attribution): string[] {
  const names = new Map(attribution.steps.map((s) => [s.cellId, `${s.layer.index} ${s.layer.name}`]));
  const totals = attribution.paths.map((p) => {
    const path = `${names.get(p.cellIds[0])} → ${names.get(p.cellIds[p.cellIds.length - 1])}`;
    if (!p.measured) return `${path}: total not measured (fewer than 2 paired rounds).`;
    const measured = `measured ${us(p.measured.estimate)} µs/request (${us(p.measured.ci.low)} to ${us(p.measured.ci.high)})`;
    if (p.predictedUs === null || !p.unexplained) return `${path}: ${measured}; no prediction.`;
    return `${path}: ${measured}; micro-benchmarks predict ${us(p.predictedUs)} µs, ${us(p.unexplained.estimate)} µs (${us(p.unexplained.low)} to ${us(p.unexplained.high)}) beyond them: the profile rows say where it goes.`;
  });
  return [
    ...totals,
    ...attribution.paths.map((p) => `${p.profile.status}: ${p.profile.message}`),
    ...attribution.notes,
  ];
}
