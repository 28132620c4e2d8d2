import type { ReceivedSpan } from '../types.js';
import { buildEvaluator, finalDecision, type Clock, type Evaluator } from './policies.js';
import { estimateSpanBytes } from './span-bytes.js';
import type { DecisionDelayMs, TailSamplingConfig, TailStats } from './types.js';

interface PendingTrace {
  firstArrivalMs: number;
  spans: ReceivedSpan[];
  bytes: number;
}

export interface TailEngineOptions {
  config: TailSamplingConfig;
  /** Milliseconds from a monotonic clock: injected in tests, performance.now in the sink. */
  clock: Clock;
  /** Receives the spans of each sampled trace, and late spans of sampled traces. */
  keep: (spans: readonly ReceivedSpan[]) => void;
}

function emptyCounts() {
  return {
    tracesSeen: 0,
    tracesSampled: 0,
    tracesDropped: 0,
    tracesEvicted: 0,
    tracesFlushed: 0,
    spansReceived: 0,
    spansKept: 0,
    spansDropped: 0,
    spansEvicted: 0,
    lateSpans: 0,
    peakBufferedSpans: 0,
    peakBufferedBytes: 0,
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function delaySummary(delaysMs: readonly number[]): DecisionDelayMs {
  if (delaysMs.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const sorted = [...delaysMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1],
  };
}

/**
 * Buffers spans by trace for `decision_wait`, then runs every policy on the whole trace and keeps or drops it, as
 * the collector's tail_sampling processor does. Pure apart from its clock: the caller says when to decide.
 *
 * Memory: at most `num_traces` traces, pending or decided (a decided trace keeps only its decision, so its late spans
 * follow it). When full, the oldest goes first; decided traces always arrived before pending ones (deadlines follow
 * arrival), so the oldest is a decided one while any exist, and otherwise a pending one, whose spans are lost.
 */
export class TailSamplingEngine {
  private readonly config: TailSamplingConfig;
  private readonly clock: Clock;
  private readonly keep: (spans: readonly ReceivedSpan[]) => void;
  private policies: { name: string; evaluate: Evaluator }[] = [];
  private pending = new Map<string, PendingTrace>();
  private decided = new Map<string, boolean>();
  private counts = emptyCounts();
  private delaysMs: number[] = [];
  private sampledByPolicy: Record<string, number> = {};
  private bufferedSpans = 0;
  private bufferedBytes = 0;

  constructor(options: TailEngineOptions) {
    this.config = options.config;
    this.clock = options.clock;
    this.keep = options.keep;
    this.reset();
  }

  /** Takes spans as they arrive, in any order and mix of traces. */
  add(spans: readonly ReceivedSpan[]): void {
    const nowMs = this.clock();
    const lateKept: ReceivedSpan[] = [];
    for (const span of spans) {
      this.counts.spansReceived++;
      const decision = this.decided.get(span.traceId);
      if (decision !== undefined) {
        this.counts.lateSpans++;
        if (decision) lateKept.push(span);
        else this.counts.spansDropped++;
        continue;
      }
      let trace = this.pending.get(span.traceId);
      if (!trace) {
        this.makeRoom();
        trace = { firstArrivalMs: nowMs, spans: [], bytes: 0 };
        this.pending.set(span.traceId, trace);
        this.counts.tracesSeen++;
      }
      const bytes = estimateSpanBytes(span);
      trace.spans.push(span);
      trace.bytes += bytes;
      this.bufferedSpans++;
      this.bufferedBytes += bytes;
      this.counts.peakBufferedSpans = Math.max(this.counts.peakBufferedSpans, this.bufferedSpans);
      this.counts.peakBufferedBytes = Math.max(this.counts.peakBufferedBytes, this.bufferedBytes);
    }
    if (lateKept.length > 0) {
      this.counts.spansKept += lateKept.length;
      this.keep(lateKept);
    }
  }

  /** When the oldest pending trace is due, in clock milliseconds; undefined when nothing is pending. */
  nextDeadlineMs(): number | undefined {
    for (const trace of this.pending.values()) return trace.firstArrivalMs + this.config.decision_wait_ms;
    return undefined;
  }

  /** Decides every trace whose `decision_wait` has elapsed. */
  decideDue(): void {
    const nowMs = this.clock();
    for (const [traceId, trace] of this.pending) {
      if (trace.firstArrivalMs + this.config.decision_wait_ms > nowMs) break;
      this.decide(traceId, trace, nowMs);
    }
  }

  /** Decides every pending trace now, with the spans it has (the collector's shutdown behaviour). */
  flush(): void {
    const nowMs = this.clock();
    for (const [traceId, trace] of this.pending) {
      if (trace.firstArrivalMs + this.config.decision_wait_ms > nowMs) this.counts.tracesFlushed++;
      this.decide(traceId, trace, nowMs);
    }
  }

  stats(): TailStats {
    return {
      ...this.counts,
      tracesPending: this.pending.size,
      decisionDelayMs: delaySummary(this.delaysMs),
      sampledByPolicy: { ...this.sampledByPolicy },
    };
  }

  /** Forgets every trace, decision and count; rate limits start afresh. */
  reset(): void {
    this.policies = this.config.policies.map((policy) => ({
      name: policy.name,
      evaluate: buildEvaluator(policy, this.clock),
    }));
    this.pending = new Map();
    this.decided = new Map();
    this.counts = emptyCounts();
    this.delaysMs = [];
    this.sampledByPolicy = Object.fromEntries(this.config.policies.map((policy) => [policy.name, 0]));
    this.bufferedSpans = 0;
    this.bufferedBytes = 0;
  }

  private makeRoom(): void {
    while (this.pending.size + this.decided.size >= this.config.num_traces) {
      const oldestDecided = this.decided.keys().next();
      if (!oldestDecided.done) {
        this.decided.delete(oldestDecided.value);
        continue;
      }
      const [traceId, trace] = this.pending.entries().next().value as [string, PendingTrace];
      this.pending.delete(traceId);
      this.release(trace);
      this.counts.tracesEvicted++;
      this.counts.spansEvicted += trace.spans.length;
    }
  }

  private release(trace: PendingTrace): void {
    this.bufferedSpans -= trace.spans.length;
    this.bufferedBytes -= trace.bytes;
  }

  private decide(traceId: string, trace: PendingTrace, nowMs: number): void {
    const view = { traceId, spans: trace.spans };
    // Every policy runs, as in the collector, so stateful ones (rate limits) see every trace.
    const decisions = this.policies.map(({ name, evaluate }) => {
      const decision = evaluate(view);
      if (decision === 'sampled' || decision === 'invert_sampled') this.sampledByPolicy[name]++;
      return decision;
    });
    const sampled = finalDecision(decisions);
    this.pending.delete(traceId);
    this.decided.set(traceId, sampled);
    this.release(trace);
    this.delaysMs.push(nowMs - trace.firstArrivalMs);
    if (sampled) {
      this.counts.tracesSampled++;
      this.counts.spansKept += trace.spans.length;
      this.keep(trace.spans);
    } else {
      this.counts.tracesDropped++;
      this.counts.spansDropped += trace.spans.length;
    }
  }
}
