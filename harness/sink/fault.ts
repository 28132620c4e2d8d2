import { performance } from 'node:perf_hooks';
import type { OutageBehaviour, OutageSetting, SinkSetting } from '../config/types.js';

/** What the sink does with one export request; the HTTP and gRPC receivers each map it to their protocol. */
export type FaultDecision =
  | { verdict: 'accept' }
  | { verdict: 'reject'; httpStatus: number; retryAfterSeconds?: number }
  | { verdict: 'hang' } // read the request, never answer (the client times out)
  | { verdict: 'reset' }; // destroy the connection without answering

export interface FaultPolicy {
  /** Wait before answering each export request. */
  readonly delayMs: number;
  /** Decides one decodable request; deterministic, so a fraction is exact over any window. */
  decide(): FaultDecision;
  /** True while new connections are to be reset as they arrive (an outage in `down` mode). */
  refusesConnections(): boolean;
  /** The measured window starts now: an outage schedule counts from here. Before the first call no outage runs. */
  windowStarted(): void;
  /** Milliseconds since the window started; null before `windowStarted`. */
  sinceWindowMs(): number | null;
  /** The outage's interval, ms from the window's start; undefined without an outage. */
  readonly outageMs: { fromMs: number; toMs: number } | undefined;
  reset(): void;
}

// Absorbs float error so that e.g. ten additions of 0.1 still reach a whole rejection.
const EPSILON = 1e-9;

/** An even spread of a fraction over calls: `take()` is true exactly `fraction` of the time, deterministically. */
function evenFraction(fraction: number): { take(): boolean; reset(): void } {
  let accumulator = 0;
  return {
    take(): boolean {
      accumulator += fraction;
      if (accumulator < 1 - EPSILON) return false;
      accumulator -= 1;
      return true;
    },
    reset(): void {
      accumulator = 0;
    },
  };
}

function failing(behaviour: OutageBehaviour | SinkSetting): FaultDecision {
  if (behaviour.mode === 'error')
    return {
      verdict: 'reject',
      httpStatus: behaviour.statusCode,
      ...(behaviour.retryAfterSeconds !== undefined ? { retryAfterSeconds: behaviour.retryAfterSeconds } : {}),
    };
  if (behaviour.mode === 'timeout') return { verdict: 'hang' };
  return { verdict: 'reset' };
}

/**
 * `down` without an outage never reaches here: nothing listens in that mode. `nowMs` is the clock (injected in tests);
 * the outage schedule reads it against the time `windowStarted` was called.
 */
export function createFaultPolicy(setting: SinkSetting, nowMs: () => number = () => performance.now()): FaultPolicy {
  const spread = evenFraction(setting.mode === 'error' || setting.mode === 'flaky' ? setting.fraction : 0);
  const outage: OutageSetting | undefined = 'outage' in setting ? setting.outage : undefined;
  let windowStartMs: number | undefined;
  const sinceWindowMs = () => (windowStartMs === undefined ? null : nowMs() - windowStartMs);
  const outageMs = outage ? { fromMs: outage.fromSeconds * 1000, toMs: outage.toSeconds * 1000 } : undefined;
  const inOutage = (): boolean => {
    const since = sinceWindowMs();
    return outageMs !== undefined && since !== null && since >= outageMs.fromMs && since < outageMs.toMs;
  };
  return {
    delayMs: setting.mode === 'slow' ? setting.delayMs : 0,
    outageMs,
    decide(): FaultDecision {
      if (outage && inOutage()) return failing(outage);
      switch (setting.mode) {
        case 'error':
        case 'flaky':
          return spread.take() ? failing(setting) : { verdict: 'accept' };
        case 'timeout':
          return { verdict: 'hang' };
        default:
          return { verdict: 'accept' };
      }
    },
    refusesConnections: () => outage?.mode === 'down' && inOutage(),
    windowStarted(): void {
      windowStartMs = nowMs();
    },
    sinceWindowMs,
    reset(): void {
      spread.reset();
      windowStartMs = undefined;
    },
  };
}
