import { echo } from '../text.js';
import { UsageError } from './errors.js';

/**
 * A whole-number flag in plain decimal digits: `Number()` would also take `0x10`, `1e3`, ` 5` or `5.0`, so `--rounds 0x10`
 * ran 16 rounds. Negative numbers and anything else get the same message.
 */
export function integerFlag(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const expected = min >= 1 ? 'a positive whole number' : `a whole number of at least ${min}`;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min)
    throw new UsageError(`--${name}: expected ${expected}, got "${echo(raw)}"`);
  return value;
}

/**
 * `--rounds -1` as `--rounds=-1`: node's parseArgs takes a value that starts with `-` for an option and stops with
 * "argument is ambiguous"; joined, the value reaches the flag's own check and its message. Only number-like values are
 * joined, so a missing value before a real option still reads as one.
 */
export function joinNegativeValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const next = args[i + 1];
    if (/^--[\w-]+$/.test(arg) && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** `5%`, `5` or `0.05%`... as a fraction; `5%` → 0.05. */
export function percentFlag(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const match = /^\+?(\d+(?:\.\d+)?)%?$/.exec(raw.trim());
  const value = match ? Number(match[1]) / 100 : Number.NaN;
  if (!(value > 0 && value < 10))
    throw new UsageError(`--${name}: expected a percentage such as 5%, got "${echo(raw)}"`);
  return value;
}
