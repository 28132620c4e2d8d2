/** Deterministic number formatting (no locale): the same results always render the same page. */

const DASH = '–';

function group(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1,234.5`; a dash for missing or non-finite values. */
export function num(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const fixed = Math.abs(x).toFixed(digits);
  const [int, frac] = fixed.split('.');
  const sign = x < 0 && Number(fixed) !== 0 ? '-' : '';
  return sign + group(int) + (frac ? `.${frac}` : '');
}

/** Signed: `+12.3`, `-4.0`. */
export function signed(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return (x >= 0 ? '+' : '') + num(x, digits);
}

/** A fraction as a signed percentage: 0.123 → `+12.3%`. */
export function pct(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return DASH;
  return `${signed(fraction * 100, digits)}%`;
}

export const MIB = 1024 * 1024;

export function mib(bytes: number | null | undefined, digits = 1): string {
  return bytes === null || bytes === undefined ? DASH : num(bytes / MIB, digits);
}

/** Digits that keep about three significant figures for typical µs values. */
export function auto(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  const a = Math.abs(x);
  return num(x, a >= 100 ? 0 : a >= 10 ? 1 : 2);
}
