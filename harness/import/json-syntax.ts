const OBJECT = 1;
const ARRAY = 2;

/**
 * Finds where a JSON text first breaks the grammar. Only called after JSON.parse failed: V8's messages carry a position
 * for some errors and not for others ("Unexpected token '}', ... is not valid JSON"), so the position is found here.
 * Returns -1 when the text is one valid JSON value.
 */
export function syntaxErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const stack: number[] = [];
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const scanString = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c !== 0x5c) {
        i++;
        continue;
      }
      const escaped = text[i + 1];
      if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
      else if (escaped !== undefined && escaped !== 'u' && '"\\/bfnrt'.includes(escaped)) i += 2;
      else {
        i++;
        return false;
      }
    }
    return false;
  };
  const scanNumber = (): boolean => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) return false;
    i += match[0].length;
    return true;
  };
  let expect: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    skipSpace();
    if (expect === 'value') {
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        skipSpace();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          expect = 'after';
        } else {
          stack.push(c === '{' ? OBJECT : ARRAY);
          expect = c === '{' ? 'key' : 'value';
        }
        continue;
      }
      let ok: boolean;
      if (c === '"') ok = scanString();
      else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) ok = scanNumber();
      else {
        const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        ok = word !== undefined;
        if (word) i += word.length;
      }
      if (!ok) return Math.min(i, n);
      expect = 'after';
    } else if (expect === 'key') {
      if (text[i] !== '"' || !scanString()) return Math.min(i, n);
      skipSpace();
      if (text[i] !== ':') return i;
      i++;
      expect = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return i < n ? i : -1;
      if (text[i] === ',') expect = top === OBJECT ? 'key' : 'value';
      else if (text[i] === (top === OBJECT ? '}' : ']')) stack.pop();
      else return i;
      i++;
    }
  }
}

/**
 * Where a JSON text first nests deeper than `maxDepth` arrays and objects, or -1. A linear scan that skips strings,
 * run before JSON.parse: the parsers walk values recursively, and a value nested 20,000 deep overflowed the stack.
 */
export function tooDeepOffset(text: string, maxDepth: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, its escaped quotes included; an unterminated one ends the scan.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return -1;
}

/** 1-based line and column of a UTF-16 offset. */
export function lineColumnOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
