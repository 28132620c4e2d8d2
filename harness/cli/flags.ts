import { UsageError } from './errors.js';

export function integerFlag(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new UsageError(`--${name} ${raw}: must be an integer ≥ ${min}`);
  return value;
}

/** `5%`, `5` or `0.05%`... as a fraction; `5%` → 0.05. */
export function percentFlag(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const match = /^\+?(\d+(?:\.\d+)?)%?$/.exec(raw.trim());
  const value = match ? Number(match[1]) / 100 : Number.NaN;
  if (!(value > 0 && value < 10)) throw new UsageError(`--${name} ${raw}: must be a percentage such as 5%`);
  return value;
}
