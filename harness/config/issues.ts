import type { z } from 'zod';
import { describeTyped, describeValue, echo, echoList } from '../text.js';

export { describeValue } from '../text.js';

type RawIssue = z.core.$ZodRawIssue;
type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

const typeWords: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/** `'a', 'b'` or `a, b`: enum values read better bare, keys quoted; a long list of keys is cut. */
function list(values: readonly unknown[], quote = false): string {
  return echoList(values.map(String), quote ? 10 : values.length, quote);
}

function shapeKeys(inst: unknown): string[] | undefined {
  const shape = (inst as { _zod?: { def?: { shape?: object } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : undefined;
}

/**
 * A per-parse error map that words zod's issues plainly ("must be at least 1", "unknown key 'ratoi' (allowed: type, ratio)").
 * Schema-level messages win over it, so a schema can still say something more specific.
 */
export function plainWords(iss: RawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      return `expected ${typeWords[iss.expected] ?? iss.expected}, got ${describeTyped(iss.input)}`;
    case 'too_small': {
      const min = Number(iss.minimum);
      if (iss.origin === 'array') return min === 1 ? 'must not be empty' : `must have at least ${min} entries`;
      if (iss.origin === 'string') return min === 1 ? 'must not be empty' : `must be at least ${min} characters`;
      return `${iss.inclusive ? `must be at least ${min}` : `must be greater than ${min}`}, got ${describeValue(iss.input)}`;
    }
    case 'too_big': {
      const max = Number(iss.maximum);
      if (iss.origin === 'array') return `must have at most ${max} entries`;
      if (iss.origin === 'string') return `must be at most ${max} characters`;
      return `${iss.inclusive ? `must be at most ${max}` : `must be less than ${max}`}, got ${describeValue(iss.input)}`;
    }
    case 'invalid_value':
      if (iss.values.length === 1) return `expected ${String(iss.values[0])}, got ${describeValue(iss.input)}`;
      return `expected one of ${list(iss.values)}, got ${describeValue(iss.input)}`;
    case 'unrecognized_keys': {
      const allowed = shapeKeys(iss.inst);
      const which =
        iss.keys.length === 1 ? `unknown key ${list(iss.keys, true)}` : `unknown keys ${list(iss.keys, true)}`;
      return allowed ? `${which} (allowed: ${list(allowed)})` : which;
    }
    case 'invalid_union': {
      // A discriminated union whose discriminator matched no option.
      const { discriminator, options } = iss as RawIssue & { discriminator?: string; options?: unknown[] };
      if (discriminator && options) {
        const got = (iss.input as Record<string, unknown> | undefined)?.[discriminator];
        return got === undefined
          ? `required: one of ${list(options)}`
          : `expected one of ${list(options)}, got ${describeValue(got)}`;
      }
      return `does not match any accepted form, got ${describeValue(iss.input)}`;
    }
    case 'invalid_key':
      return 'invalid key';
    case 'invalid_element':
      return 'invalid entry';
    default:
      return undefined;
  }
}

/** `matrix.sampler[1].ratio`; keys that are not plain words are quoted: `service.env["MY-VAR"]`. */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else
      out += `["${echo(
        String(key).replace(/["\\]/g, (c) => `\\${c}`),
        40,
      )}"]`;
  }
  return out || '(top level)';
}

/** True when a union branch failed only because the value has another shape (a string where it wanted a mapping). */
function isShapeMismatch(branch: Issue[]): boolean {
  if (branch.length !== 1 || branch[0].path.length > 0) return false;
  const only = branch[0];
  if (only.code === 'invalid_type') return true;
  if (only.code === 'invalid_value') {
    const input = (only as Issue & { input?: unknown }).input;
    return !only.values.some((v) => typeof v === typeof input);
  }
  return false;
}

/**
 * Flattens zod's issues into `{ path, message }`, descending into the one union branch that matches the value's shape, so
 * a bad ratio reads `matrix.sampler[1].ratio: must be between 0 and 1` rather than "invalid input" on the whole entry.
 * Parse with `reportInput: true` so branches can be told apart by the value they saw.
 */
export function flattenIssues(
  issues: readonly Issue[],
  prefix: readonly PathKey[] = [],
): { path: PathKey[]; message: string }[] {
  const out: { path: PathKey[]; message: string }[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const fitting = issue.errors.filter((branch) => !isShapeMismatch(branch));
      if (fitting.length >= 1) {
        out.push(...flattenIssues(fitting[0], path));
        continue;
      }
    }
    if ((issue.code === 'invalid_key' || issue.code === 'invalid_element') && issue.issues.length > 0) {
      // The nested issues are about the key (or element) itself: report them at the entry's path.
      out.push(...flattenIssues(issue.issues, path).map((i) => ({ ...i, path })));
      continue;
    }
    out.push({ path, message: issue.message });
  }
  return out;
}

/** Every issue as one `path: message` line, in document order, without repeats. */
export function issueLines(issues: readonly Issue[], relabel: (path: PathKey[]) => string = formatPath): string[] {
  const lines = flattenIssues(issues).map(({ path, message }) => `${relabel(path)}: ${message}`);
  return [...new Set(lines)];
}
