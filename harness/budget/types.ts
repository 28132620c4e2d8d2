import type { MetricName, Unit } from '../stats/types.js';

/** Every check ends in one of three words; never a bare number. */
export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface Check {
  /** Stable id, e.g. `budget:cpuUsPerRequest:always_on~batch~otlp-http-protobuf`. */
  id: string;
  kind: 'budget' | 'regression' | 'ab';
  cellId: string;
  variant?: string;
  metric: MetricName | string;
  verdict: Verdict;
  measured: { estimate: number; low: number; high: number; unit: Unit | '%' };
  /** The limit as written (`+10%`, `< 5ms`, `0`) and as a number in `measured`'s unit. */
  limit: { text: string; value: number };
  /** One sentence a person can act on. */
  message: string;
  /** For inconclusive checks: rounds that would likely settle it. */
  roundsToSettle?: number;
}

export interface Verdicts {
  checks: Check[];
  counts: Record<Verdict, number>;
  /** Warnings about the comparison itself (crossing machines, few rounds). */
  notes: string[];
}
