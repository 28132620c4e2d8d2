/** Byte scans over a Buffer range, for parsing HTTP without making strings. */

const CR = 13;
const LF = 10;

/** What String.prototype.trim strips, among latin1 bytes. */
export const isSpace = (b: number) => b === 32 || (b >= 9 && b <= 13) || b === 0xa0;

const lower = (b: number) => (b >= 65 && b <= 90 ? b | 0x20 : b);

/** `buf[from, to)` equals the lowercase ASCII `word`, ignoring case. */
export function equalsLower(buf: Buffer, from: number, to: number, word: Uint8Array): boolean {
  if (to - from !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (lower(buf[from + i]!) !== word[i]) return false;
  return true;
}

/** `buf[from, to)` contains the lowercase ASCII `word`, ignoring case. */
export function includesLower(buf: Buffer, from: number, to: number, word: Uint8Array): boolean {
  for (let at = from; at + word.length <= to; at++) {
    let i = 0;
    while (i < word.length && lower(buf[at + i]!) === word[i]) i++;
    if (i === word.length) return true;
  }
  return false;
}

/** Index of the first CRLF in `buf[from, to)`, or -1. */
export function findCrlf(buf: Buffer, from: number, to: number): number {
  for (let i = from; i + 1 < to; i++) if (buf[i] === CR && buf[i + 1] === LF) return i;
  return -1;
}

/** Index of the first CRLFCRLF (a head's end) in `buf[from, to)`, or -1. */
export function findHeadEnd(buf: Buffer, from: number, to: number): number {
  for (let i = findCrlf(buf, from, to); i >= 0 && i + 3 < to; i = findCrlf(buf, i + 2, to))
    if (buf[i + 2] === CR && buf[i + 3] === LF) return i;
  return -1;
}

/** The value of the hex digits `buf[from, to)` starts with, or -1 when it starts otherwise (space, sign, 0x). */
export function leadingHex(buf: Buffer, from: number, to: number): number {
  if (to - from >= 2 && buf[from] === 48 && lower(buf[from + 1]!) === 120) return -1;
  let value = 0;
  let at = from;
  for (; at < to; at++) {
    const b = lower(buf[at]!);
    const digit = b >= 48 && b <= 57 ? b - 48 : b >= 97 && b <= 102 ? b - 87 : -1;
    if (digit < 0) break;
    value = value * 16 + digit;
  }
  return at === from ? -1 : value;
}

/** The value of `buf[from, to)` when it is all decimal digits (at least one), or -1. */
export function decimal(buf: Buffer, from: number, to: number): number {
  if (to === from) return -1;
  let value = 0;
  for (let at = from; at < to; at++) {
    const b = buf[at]!;
    if (b < 48 || b > 57) return -1;
    value = value * 10 + (b - 48);
  }
  return value;
}

/** Copies `src[from, to)` to `dst` at `at`, byte by byte: Buffer#copy makes a view object a call, this makes none. */
export function copyBytes(src: Uint8Array, from: number, to: number, dst: Uint8Array, at: number): void {
  for (let i = from; i < to; i++) dst[at + i - from] = src[i]!;
}
