import type { SinkSetting } from '../config/types.js';

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
  reset(): void;
}

// Absorbs float error so that e.g. ten additions of 0.1 still reach a whole rejection.
const EPSILON = 1e-9;

/** `down` never reaches here: nothing listens in that mode. */
export function createFaultPolicy(setting: SinkSetting): FaultPolicy {
  let accumulator = 0;
  return {
    delayMs: setting.mode === 'slow' ? setting.delayMs : 0,
    decide(): FaultDecision {
      if (setting.mode !== 'error') return { verdict: 'accept' };
      accumulator += setting.fraction;
      if (accumulator < 1 - EPSILON) return { verdict: 'accept' };
      accumulator -= 1;
      return { verdict: 'reject', httpStatus: setting.statusCode };
    },
    reset(): void {
      accumulator = 0;
    },
  };
}
