import { createTraceState, type TraceState } from '@opentelemetry/api';
import { parseRandomness, parseThreshold, traceIdRandomness } from './threshold.js';

/** All OpenTelemetry sub-keys live in one `ot` entry: `ot=th:8;rv:6e6d1a75832a2f` (TraceState Handling → Key, Value). */
const OT_KEY = 'ot';

function subKeys(state: TraceState | undefined): [string, string][] {
  const value = state?.get(OT_KEY);
  if (!value) return [];
  const pairs: [string, string][] = [];
  for (const member of value.split(';')) {
    const colon = member.indexOf(':');
    if (colon > 0) pairs.push([member.slice(0, colon), member.slice(colon + 1)]);
  }
  return pairs;
}

function withSubKeys(state: TraceState | undefined, pairs: [string, string][]): TraceState | undefined {
  if (pairs.length === 0) return state?.get(OT_KEY) === undefined ? state : state.unset(OT_KEY);
  return (state ?? createTraceState()).set(OT_KEY, pairs.map(([key, value]) => `${key}:${value}`).join(';'));
}

/** The `th` sub-key as a 56-bit threshold; undefined when absent or malformed. */
export function thresholdOf(state: TraceState | undefined): bigint | undefined {
  const th = subKeys(state).find(([key]) => key === 'th');
  return th ? parseThreshold(th[1]) : undefined;
}

/** Whether a `th` sub-key is present at all, valid or not. */
export function hasThreshold(state: TraceState | undefined): boolean {
  return subKeys(state).some(([key]) => key === 'th');
}

/** Explicit randomness `rv` when present and valid, else the trace id's least-significant 56 bits (sdk.md, Presumption of TraceID randomness). */
export function randomnessOf(traceId: string, state: TraceState | undefined): bigint | undefined {
  const rv = subKeys(state).find(([key]) => key === 'rv');
  const explicit = rv ? parseRandomness(rv[1]) : undefined;
  return explicit ?? traceIdRandomness(traceId);
}

/** Sets `th`, keeping every other `ot` sub-key (`rv` above all: it must travel unmodified) and every other vendor entry. */
export function setThreshold(state: TraceState | undefined, thHex: string): TraceState {
  const pairs = subKeys(state).filter(([key]) => key !== 'th');
  return withSubKeys(state, [['th', thHex], ...pairs]) as TraceState;
}

/** Removes `th` (a span of unknown or inconsistent probability must not claim one); other sub-keys stay. */
export function eraseThreshold(state: TraceState | undefined): TraceState | undefined {
  if (!hasThreshold(state)) return state;
  return withSubKeys(state, subKeys(state).filter(([key]) => key !== 'th'));
}
