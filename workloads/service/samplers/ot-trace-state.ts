import { createTraceState, type TraceState } from '@opentelemetry/api';

/** All OpenTelemetry sub-keys live in one `ot` entry: `ot=th:8;rv:6e6d1a75832a2f` (TraceState Handling → Key, Value). */
const OT_KEY = 'ot';

/** The `ot` entry, read once per decision. */
export interface OtEntry {
  /** Raw `th` value, valid or not; undefined when absent. */
  th: string | undefined;
  /** `th` as 14 lower-case digits (see thresholdHex14); undefined when absent or malformed. */
  th14: string | undefined;
  rv: string | undefined;
  /** Every sub-key in order, `th` and `rv` included. */
  pairs: [string, string][];
}

const EMPTY: OtEntry = { th: undefined, th14: undefined, rv: undefined, pairs: [] };

/** TraceStates are immutable and a parent's is shared by all its local children: parse each once (parsing cost 180 ns). */
const parsed = new WeakMap<TraceState, OtEntry>();

export function readOt(state: TraceState | undefined): OtEntry {
  if (state === undefined) return EMPTY;
  let entry = parsed.get(state);
  if (entry === undefined) {
    entry = parseOt(state.get(OT_KEY));
    parsed.set(state, entry);
  }
  return entry;
}

function parseOt(value: string | undefined): OtEntry {
  if (!value) return EMPTY;
  const entry: OtEntry = { th: undefined, th14: undefined, rv: undefined, pairs: [] };
  for (const member of value.split(';')) {
    const colon = member.indexOf(':');
    if (colon <= 0) continue;
    const key = member.slice(0, colon);
    const subValue = member.slice(colon + 1);
    entry.pairs.push([key, subValue]);
    if (key === 'th') entry.th = subValue;
    else if (key === 'rv') entry.rv = subValue;
  }
  entry.th14 = thresholdHex14(entry.th);
  return entry;
}

const HEX14 = /^[0-9a-f]{14}$/;

/**
 * The 56-bit randomness as 14 lower-case hex digits: explicit `rv` when valid, else the trace id's last 14 digits
 * (sdk.md, Presumption of TraceID randomness); undefined for an invalid trace id. TraceState Handling → `rv`:
 * lower-case hex "enable[s] direct lexicographical comparison" with a threshold, so no number is built.
 */
export function randomnessHex(traceId: string, entry: OtEntry): string | undefined {
  if (entry.rv !== undefined && HEX14.test(entry.rv)) return entry.rv;
  if (traceId.length !== 32 || traceId === '00000000000000000000000000000000') return undefined;
  const tail = traceId.slice(18);
  return HEX14.test(tail) ? tail : undefined;
}

/** A `th` value as 14 lower-case digits (trailing zeros restored), comparable with randomnessHex; undefined if malformed. */
export function thresholdHex14(th: string | undefined): string | undefined {
  if (th === undefined || !/^[0-9a-fA-F]{1,14}$/.test(th)) return undefined;
  return th.toLowerCase().padEnd(14, '0');
}

function withPairs(state: TraceState | undefined, pairs: [string, string][]): TraceState | undefined {
  if (pairs.length === 0) return state?.get(OT_KEY) === undefined ? state : state.unset(OT_KEY);
  return (state ?? createTraceState()).set(OT_KEY, pairs.map(([key, value]) => `${key}:${value}`).join(';'));
}

/** Sets `th`, keeping every other `ot` sub-key (`rv` above all: it must travel unmodified) and every other vendor entry. */
export function setThreshold(state: TraceState | undefined, entry: OtEntry, thHex: string): TraceState {
  if (entry.th === thHex && state) return state;
  return withPairs(state, [['th', thHex], ...entry.pairs.filter(([key]) => key !== 'th')]) as TraceState;
}

/** Removes `th` (a span of unknown or inconsistent probability must not claim one); other sub-keys stay. */
export function eraseThreshold(state: TraceState | undefined, entry: OtEntry): TraceState | undefined {
  if (entry.th === undefined) return state;
  return withPairs(
    state,
    entry.pairs.filter(([key]) => key !== 'th'),
  );
}
