import type { Unit } from '../stats/types.js';
import type { Check } from './types.js';

const fixed = (x: number, digits: number) => x.toFixed(digits).replace(/\.?0+$/, (m) => (m.startsWith('.') ? '' : m));

/** Three significant digits at most, no exponent: 512, 51.2, 5.12, 0.512. */
function short(x: number): string {
  const a = Math.abs(x);
  if (a >= 100 || a === 0) return Math.round(x).toLocaleString('en-US');
  if (a >= 10) return fixed(x, 1);
  if (a >= 1) return fixed(x, 2);
  return fixed(x, 3);
}

/** A value in its unit as a person reads it: `512 µs`, `4.6 ms`, `38.2 MiB`, `+12.3%`, `3 spans`. `signed` for differences. */
export function formatValue(value: number, unit: Unit | '%', signed = false): string {
  if (!Number.isFinite(value)) return '–';
  const sign = signed && value > 0 ? '+' : '';
  switch (unit) {
    case '%':
      return `${sign}${short(value)}%`;
    case 'µs':
      if (Math.abs(value) >= 1_000_000) return `${sign}${short(value / 1_000_000)} s`;
      if (Math.abs(value) >= 1000) return `${sign}${short(value / 1000)} ms`;
      return `${sign}${short(value)} µs`;
    case 'ms':
      if (Math.abs(value) >= 1000) return `${sign}${short(value / 1000)} s`;
      return `${sign}${short(value)} ms`;
    case 'bytes':
      if (Math.abs(value) >= 1024 ** 2) return `${sign}${short(value / 1024 ** 2)} MiB`;
      if (Math.abs(value) >= 1024) return `${sign}${short(value / 1024)} KiB`;
      return `${sign}${short(value)} B`;
    case 'spans':
      return `${sign}${short(value)} span${Math.abs(value) === 1 ? '' : 's'}`;
  }
}

/** `+12.3% (95% CI +8.1% to +16.6%)`; a count judged per round reads `worst round 3 (rounds 0 to 3)`. */
export function formatMeasured(check: Pick<Check, 'measured' | 'judgedOn' | 'of'>): string {
  const { measured } = check;
  const signed = check.of === 'change';
  if (!Number.isFinite(measured.estimate)) return 'not measured';
  if (check.judgedOn === 'rounds') {
    return `worst round ${formatValue(measured.estimate, measured.unit)} (rounds ${formatValue(measured.low, measured.unit)} to ${formatValue(measured.high, measured.unit)})`;
  }
  return `${formatValue(measured.estimate, measured.unit, signed)} (${Math.round(measured.level * 100)}% CI ${formatValue(measured.low, measured.unit, signed)} to ${formatValue(measured.high, measured.unit, signed)})`;
}

/** The interval alone: `+8.1% to +16.6%`. */
export function formatInterval(check: Pick<Check, 'measured' | 'of'>): string {
  const { measured } = check;
  if (!Number.isFinite(measured.low)) return '–';
  const signed = check.of === 'change';
  return `${formatValue(measured.low, measured.unit, signed)} to ${formatValue(measured.high, measured.unit, signed)}`;
}
