/**
 * The arithmetic of OpenTelemetry consistent probability sampling, from the specification
 * "TraceState: Probability Sampling" (specification/trace/tracestate-probability-sampling.md, status Development)
 * and "TraceState Handling" (specification/trace/tracestate-handling.md, sub-keys `th` and `rv`).
 */

/** 2^56, the number of distinct 56-bit randomness values ("MaxAdjustedCount" in TraceState Handling). */
export const MAX_ADJUSTED_COUNT = 1n << 56n;

/** Spec, Algorithms: "OpenTelemetry SDKs are recommended to use 4 digits of precision by default." */
export const DEFAULT_PRECISION = 4;

/** Spec, Definitions → Sampling Probability: "valid in the range 2^-56 through 1". */
export const MIN_PROBABILITY = 2 ** -56;

/** The base-2 exponent Python's math.frexp returns: p = m·2^e with m in [0.5, 1). */
function frexpExponent(value: number): number {
  let exponent = Math.floor(Math.log2(value)) + 1;
  // log2 can be off by one ulp at powers of two; settle it exactly.
  if (value / 2 ** exponent >= 1) exponent += 1;
  if (value / 2 ** exponent < 0.5) exponent -= 1;
  return exponent;
}

/** The 13 hex digits of a double's 52-bit mantissa, for x in [1, 2): what Python's float.hex() prints after "0x1.". */
function mantissaHex(x: number): string {
  // x − 1 is exact for x in [1, 2) and (x − 1)·2^52 is an integer.
  return BigInt((x - 1) * 2 ** 52)
    .toString(16)
    .padStart(13, '0');
}

/**
 * Spec, Algorithms → "Converting floating-point probability to threshold value": the `th` digits for a
 * probability, rounded to `precision` hex digits (raised by the number of leading 'f' digits), trailing zeros removed.
 */
export function probabilityToThresholdHex(probability: number, precision = DEFAULT_PRECISION): string {
  if (!(probability >= MIN_PROBABILITY && probability <= 1))
    throw new RangeError(`probability must be in [2^-56, 1], got ${probability}`);
  if (probability === 1) return '0';
  const digitsKept = Math.max(1, Math.min(12, precision + Math.floor(frexpExponent(probability) / -4)));
  // 1 + rejection probability, in [1, 2), plus half of the last kept digit so truncation rounds.
  const rejection = 2 - probability + 0.5 * 2 ** (-4 * digitsKept);
  const digits = rejection >= 2 ? 'fffffffffffff' : mantissaHex(rejection);
  // Probabilities within half a digit of 1 round to a threshold of 0: keep all.
  return digits.slice(0, digitsKept).replace(/0+$/, '') || '0';
}

/** TraceState Handling → `th`: 1 to 14 hex digits, extended with trailing zeros to 14, read as a 56-bit number. */
export function parseThreshold(th: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,14}$/.test(th)) return undefined;
  return BigInt(`0x${th.padEnd(14, '0')}`);
}

/** Spec, Algorithms → "Converting threshold to a sampling probability". */
export function thresholdToProbability(threshold: bigint): number {
  return Number(MAX_ADJUSTED_COUNT - threshold) / Number(MAX_ADJUSTED_COUNT);
}
