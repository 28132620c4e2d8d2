import { METRICS } from '../stats/metrics.js';
import type { MetricName } from '../stats/types.js';
import type { Limit } from './types.js';

// The limit language: `[<|<=] [+|-]number [unit]`. `%` is always relative to the reference (`+10%`); a sign with a unit
// bounds the overhead in the metric's unit (`+50µs`); anything else bounds the metric's own value (`< 5ms`, `0`).

/** Unit words a limit may carry, by the family of the metric, as a factor to the metric's own unit. */
const TIME_US: Record<string, number> = { µs: 1, μs: 1, us: 1, ms: 1_000, s: 1_000_000 };
const BYTES: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

function unitsOf(metric: MetricName): { words: Record<string, number>; family: string } {
  switch (METRICS[metric].unit) {
    case 'µs':
      return { words: TIME_US, family: 'a time: use µs (or us), ms or s' };
    case 'ms':
      return { words: Object.fromEntries(Object.entries(TIME_US).map(([k, v]) => [k, v / 1000])), family: 'a time: use µs (or us), ms or s' };
    case 'bytes':
      return { words: BYTES, family: 'a size: use B, KiB, MiB or GiB' };
    case 'spans':
      return { words: {}, family: 'a count of spans: write a bare number such as 0' };
  }
}

const SHAPE = /^(<=|≤|<)?\s*([+-])?\s*(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-zµμ%]*)$/;

const EXAMPLES = 'a limit such as +10%, +50µs, < 5ms or 0';

/** Parses one limit for a metric; a string result is the reason it is not one. */
export function parseLimit(metric: MetricName, input: string | number): Limit | string {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return `expected ${EXAMPLES}, got ${input}`;
    return { kind: 'absolute', text: String(input), value: input, strict: false };
  }
  const text = input.trim();
  const match = SHAPE.exec(text);
  if (!match) return `expected ${EXAMPLES}, got '${input}'`;
  const [, op, sign, digits, unit] = match;
  const strict = op === '<';
  const signed = (sign === '-' ? -1 : 1) * Number(digits);
  if (unit === '%') {
    if (METRICS[metric].unit === 'spans') {
      return `a relative limit means nothing for ${metric}: the reference usually loses no spans, so any loss is infinitely more; write a count such as 0`;
    }
    return { kind: 'relative', text, value: signed / 100, strict };
  }
  const { words, family } = unitsOf(metric);
  let factor = 1;
  if (unit !== '') {
    const f = words[unit];
    if (f === undefined) return `${metric} is ${family}, got '${unit}' in '${input}'`;
    factor = f;
  }
  if (sign !== undefined) return { kind: 'overhead', text, value: signed * factor, strict };
  return { kind: 'absolute', text, value: signed * factor, strict };
}
