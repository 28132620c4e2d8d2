import { METRIC_UNITS } from '../stats/types.js';
import type { MetricName } from '../stats/types.js';
import { COVERAGE_METRICS, MICRO_METRIC, type BudgetMetric, type Limit } from './types.js';

// The limit language: `[<|<=] [+|-]number [unit]`. `%` is always relative to the reference (`+10%`); a sign with a unit
// bounds the overhead in the metric's unit (`+50µs`); anything else bounds the metric's own value (`< 5ms`, `0`).

/** Unit words a limit may carry, by the family of the metric, as a factor to the metric's own unit. */
const TIME_US: Record<string, number> = { µs: 1, μs: 1, us: 1, ms: 1_000, s: 1_000_000 };
const BYTES: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** Micro limits are held in µs, the unit checks report in; `ns` is the unit micro figures are written in. */
const MICRO_US: Record<string, number> = { ns: 0.001, ...TIME_US };

function unitsOf(metric: Exclude<BudgetMetric, (typeof COVERAGE_METRICS)[number]>): {
  words: Record<string, number>;
  family: string;
} {
  if (metric === MICRO_METRIC) return { words: MICRO_US, family: 'a time per operation: use ns, µs (or us) or ms' };
  switch (METRIC_UNITS[metric]) {
    case 'µs':
      return { words: TIME_US, family: 'a time: use µs (or us), ms or s' };
    case 'ms':
      return {
        words: Object.fromEntries(Object.entries(TIME_US).map(([k, v]) => [k, v / 1000])),
        family: 'a time: use µs (or us), ms or s',
      };
    case 'bytes':
      return { words: BYTES, family: 'a size: use B, KiB, MiB or GiB' };
    case 'spans':
      return { words: {}, family: 'a count of spans: write a bare number such as 0' };
  }
}

const SHAPE = /^(<=|≤|<)?\s*([+-])?\s*(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-zµμ%]*)$/;

const EXAMPLES = 'a limit such as +10%, +50µs, < 5ms or 0';

/**
 * Parses one limit for a metric; a string result is the reason it is not one. For `micro.nsPerOp` the value is in µs
 * (`< 500ns` → 0.5) and `+10%` / `+200ns` bound the change against a base run (judged by `tracebench compare`).
 */
export function parseLimit(metric: BudgetMetric, input: string | number): Limit | string {
  if ((COVERAGE_METRICS as readonly string[]).includes(metric)) return parseCoverageLimit(metric, input);
  // A bare number on a metric named in ns but held in µs would be read wrong one way or the other.
  const microNeedsUnit = `micro.nsPerOp needs a unit: write ${typeof input === 'number' ? `${input}ns` : 'a limit'} such as < 500ns, +200ns or +10%`;
  if (typeof input === 'number') {
    if (metric === MICRO_METRIC) return microNeedsUnit;
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
    if (metric !== MICRO_METRIC && METRIC_UNITS[metric as MetricName] === 'spans') {
      return `a relative limit means nothing for ${metric}: the reference usually loses no spans, so any loss is infinitely more; write a count such as 0`;
    }
    return { kind: 'relative', text, value: signed / 100, strict };
  }
  const { words, family } = unitsOf(metric as MetricName | typeof MICRO_METRIC);
  if (metric === MICRO_METRIC && unit === '') return microNeedsUnit;
  let factor = 1;
  if (unit !== '') {
    const f = words[unit];
    if (f === undefined) return `${metric} is ${family}, got '${unit}' in '${input}'`;
    factor = f;
  }
  if (sign !== undefined) return { kind: 'overhead', text, value: signed * factor, strict };
  return { kind: 'absolute', text, value: signed * factor, strict };
}

/** Coverage is a share to keep at least: `>= 99%` (or `≥`, `>`); anything else says how to write it. */
function parseCoverageLimit(metric: BudgetMetric, input: string | number): Limit | string {
  const text = String(input).trim();
  const match = /^(>=|≥|>)\s*(\d+(?:\.\d+)?)\s*%$/.exec(text);
  if (!match)
    return `${metric} is a share of requests to keep at least: write a lower bound such as >= 99%, got '${input}'`;
  const value = Number(match[2]) / 100;
  if (value > 1) return `${metric}: ${text} is above 100%`;
  return { kind: 'atLeast', text, value, strict: match[1] === '>' };
}
