import type { DurationUs } from './types.js';

const Z_P99 = 2.3263478740408408;
const MAX_DRAW_US = 10_000_000;

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** One draw of a duration: fixed, log-normal from its p50 and p99, or uniform; capped at 10 s. */
export function drawUs(d: DurationUs, random: () => number = Math.random): number {
  if (typeof d === 'number') return d;
  if ('p50' in d) {
    if (d.p50 <= 0) return 0;
    if (d.p99 <= d.p50) return d.p50;
    const sigma = Math.log(d.p99 / d.p50) / Z_P99;
    return Math.min(MAX_DRAW_US, d.p50 * Math.exp(sigma * normal(random)));
  }
  return d.min + (d.max - d.min) * random();
}

/** The mean of a duration, for estimates (log-normal mean = median · e^{σ²/2}). */
export function meanUs(d: DurationUs): number {
  if (typeof d === 'number') return d;
  if ('p50' in d) {
    if (d.p50 <= 0 || d.p99 <= d.p50) return Math.max(0, d.p50);
    const sigma = Math.log(d.p99 / d.p50) / Z_P99;
    return d.p50 * Math.exp((sigma * sigma) / 2);
  }
  return (d.min + d.max) / 2;
}
