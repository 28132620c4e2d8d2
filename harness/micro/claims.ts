import { summariseTasks, taskId } from './summarise.js';
import type { ClaimRow, MicroSuiteResult } from './types.js';

/** Where the claimed figures come from. */
export const CLAIM_SOURCE = 'published guidance as quoted in issue #7 (tracebench)';

interface Claim {
  operation: string;
  claimedNs: { low: number; high: number };
  /** `suite/task` ids the measurement is built from. */
  measuredBy: string[];
  method: string;
  /** Builds the measured ns from each task's corrected median ns/op, in `measuredBy` order. */
  combine: (ns: number[]) => number;
}

/** The published figures, each mapped to the tasks that measure the same operation here. */
export const CLAIMS: Claim[] = [
  {
    operation: 'span creation (start + end)',
    claimedNs: { low: 1_000, high: 5_000 },
    measuredBy: ['span/bare'],
    method: 'startSpan + end with no attributes, recording tracer, no processor',
    combine: ([bare]) => bare,
  },
  {
    operation: 'each attribute',
    claimedNs: { low: 500, high: 500 },
    measuredBy: ['span/attributes-at-start-10', 'span/bare'],
    method: '(span with 10 attributes at start − bare span) / 10',
    combine: ([ten, bare]) => (ten - bare) / 10,
  },
  {
    operation: 'context propagation (one hop)',
    claimedNs: { low: 2_000, high: 10_000 },
    measuredBy: ['propagation/w3c-baggage-inject', 'propagation/w3c-baggage-extract'],
    method: 'W3C tracecontext + baggage: inject on the way out + extract on the way in',
    combine: ([inject, extract]) => inject + extract,
  },
  {
    operation: 'batched export, per span',
    claimedNs: { low: 10_000, high: 100_000 },
    measuredBy: ['processor/batch-on-end', 'serialize/otlp-protobuf'],
    method:
      'BatchSpanProcessor.onEnd (enqueue) + OTLP protobuf serialization per span; the network send is not included',
    combine: ([enqueue, serialize]) => enqueue + serialize,
  },
];

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The claims table: every claim, measured when all its tasks ran, otherwise saying which one is missing. */
export function buildClaims(suites: MicroSuiteResult[]): ClaimRow[] {
  const failed = new Map<string, string>();
  for (const suite of suites) if (suite.status === 'error') failed.set(suite.suite, suite.error);
  // The median (over samples, then over rounds): a typical operation, as the claims describe, and steady on a busy machine where a descheduled sample drags the mean.
  const medianNs = new Map(summariseTasks(suites).map((t) => [taskId(t), t.nsPerOp.p50]));
  return CLAIMS.map(({ operation, claimedNs, measuredBy, method, combine }) => {
    const base = { operation, claimedNs, source: CLAIM_SOURCE, measuredBy, method };
    const missing = measuredBy.filter((id) => !medianNs.has(id));
    if (missing.length > 0) {
      const reasons = missing.map((id) => {
        const suite = id.split('/')[0];
        return failed.has(suite) ? `${id}: suite ${suite} failed (${failed.get(suite)})` : `${id}: not run`;
      });
      return { status: 'not-measured', ...base, reason: reasons.join('; ') };
    }
    const measuredNs = combine(measuredBy.map((id) => medianNs.get(id) as number));
    const midpoint = (claimedNs.low + claimedNs.high) / 2;
    return { status: 'measured', ...base, measuredNs: round(measuredNs, 1), ratio: round(measuredNs / midpoint, 4) };
  });
}
