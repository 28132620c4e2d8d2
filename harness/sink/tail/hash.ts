const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;
export const MAX_UINT64 = MASK64;

/** FNV-1a, 64 bits, continuing from `state` (Go's hash/fnv New64a, which the collector's probabilistic policy uses). */
export function fnv1a64(bytes: Uint8Array, state = FNV64_OFFSET): bigint {
  let hash = state;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * FNV64_PRIME) & MASK64;
  return hash;
}

/** ⌊ratio · (2^64 − 1)⌋, exactly: the collector's calculateThreshold, without its 64-bit float rounding. */
export function uint64Threshold(ratio: number): bigint {
  if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`ratio must be in [0, 1], got ${ratio}`);
  // A double is m / 2^k with integer m; doubling is exact, so this finds them without rounding.
  let scaled = ratio;
  let shift = 0n;
  while (!Number.isInteger(scaled)) {
    scaled *= 2;
    shift += 1n;
  }
  return (BigInt(scaled) * MAX_UINT64) >> shift;
}
