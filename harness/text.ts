// Echoing user input in messages: a leaf module (no imports) so every stage can use it.

/** Characters of an echoed value shown in a message; the rest is counted, not printed. */
export const ECHO_MAX_CHARS = 80;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControl(ch: string): string {
  switch (ch) {
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    default:
      return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
}

/**
 * A piece of user input made safe to print: control characters escaped (`\u001b`, `\n`), so it cannot clear or
 * recolour a terminal or forge lines, and cut to `max` characters with `… (N more characters)`. Only the shown part is
 * escaped, so a 50 MB value costs no more than a short one.
 */
export function echo(text: string, max: number = ECHO_MAX_CHARS): string {
  let end = Math.min(text.length, max);
  // Never split a surrogate pair.
  if (end < text.length && end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1])) end--;
  const shown = text.slice(0, end).replace(CONTROL, escapeControl);
  const rest = text.length - end;
  return rest > 0 ? `${shown}… (${rest} more character${rest === 1 ? '' : 's'})` : shown;
}

/** `'value'`, echoed safely. */
export function quote(text: string, max?: number): string {
  return `'${echo(text, max)}'`;
}

/** A value as a person reads it in a message: `'alwayson'`, `3`, `a list`. Strings are echoed safely. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return quote(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return echo(String(value));
}

/** A value with its type spelled out, for where the type is the problem: `the string '1'`, `the number 1`. */
export function describeTyped(value: unknown): string {
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${echo(String(value))}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return describeValue(value);
}

/** `a, b, c and 7 more`: a list of echoed names, at most `max` of them. */
export function echoList(names: readonly string[], max = 10, quoted = false): string {
  const shown = names.slice(0, max).map((n) => (quoted ? quote(n) : echo(n)));
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/** Escapes control characters in a whole message (keeping its line breaks), as a last guard before printing. */
export function printable(message: string): string {
  return message.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, escapeControl);
}
