import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { resultsSchema } from '../results/results-schema.js';
import { RESULTS_SCHEMA_VERSION, type Results } from '../results/types.js';
import { PREVIOUS_RESULTS_SCHEMA_VERSION, upgradeResults } from '../results/upgrade.js';
import { describeTyped, echo } from '../text.js';
import { UsageError } from './errors.js';

/** Longest echo of a bad value in a message. */
const MAX_ECHO_CHARS = 80;
/** Problems listed before "and N more". */
const MAX_ISSUES = 10;

/** A value as a message may show it: one line, control characters escaped, at most MAX_ECHO_CHARS. */
export function echoValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object') return 'an object';
  // Sliced before JSON.stringify so a huge string is never copied whole; stringify escapes C0 controls and quotes.
  const text = typeof value === 'string' ? JSON.stringify(value.slice(0, MAX_ECHO_CHARS + 1)) : String(value);
  const escaped = text.replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const clipped = escaped.length > MAX_ECHO_CHARS ? `${escaped.slice(0, MAX_ECHO_CHARS)}…` : escaped;
  return `${value === null ? '' : `${typeof value} `}${clipped}`;
}

/** `cells[0].trials[2].metrics.cpuUsPerRequest`: a zod path as a reader writes it. */
export function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) =>
      typeof key === 'number'
        ? `${out}[${key}]`
        : /^[A-Za-z_$][\w$]*$/.test(String(key))
          ? `${out}${out ? '.' : ''}${String(key)}`
          : `${out}[${JSON.stringify(String(key)).slice(0, MAX_ECHO_CHARS)}]`,
    '',
  );
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = data;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function issueText(issue: z.core.$ZodIssue, data: unknown): string {
  const where = pathText(issue.path) || '(the document)';
  const value = valueAt(data, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return `${where}: expected ${issue.expected === 'number' ? 'a number' : issue.expected === 'array' ? 'an array' : issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}, got ${echoValue(value)}`;
    case 'invalid_value':
      return `${where}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${echoValue(value)}`;
    case 'invalid_union':
      return `${where}: ${echoValue(value)} is none of the allowed shapes`;
    default:
      return `${where}: ${issue.message}, got ${echoValue(value)}`;
  }
}

/** Checks a parsed results document against the results schema; every problem with its path, or none. */
export function resultsIssues(data: unknown): string[] {
  const parsed = resultsSchema.safeParse(data);
  return parsed.success ? [] : parsed.error.issues.map((i) => issueText(i, data));
}

/** Reads a results.json, saying plainly what is wrong with a file that is not one, or holds a value it cannot use. */
export function readResults(file: string): Results {
  let data: unknown;
  try {
    data = upgradeResults(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new UsageError(
      `${file}: cannot read it as JSON (${echo((error as Error).message, 200)}); pass a results.json written by tracebench run`,
    );
  }
  const results = data as Partial<Results>;
  if (
    typeof results !== 'object' ||
    results === null ||
    Array.isArray(results) ||
    !Array.isArray(results.cells) ||
    results.config === undefined
  )
    throw new UsageError(`${file}: not a tracebench results.json (no cells or config)`);
  if (results.schemaVersion !== RESULTS_SCHEMA_VERSION)
    throw new UsageError(
      `${file}: schemaVersion: expected the number ${RESULTS_SCHEMA_VERSION} (or ${PREVIOUS_RESULTS_SCHEMA_VERSION}, read by renaming its fields), got ${describeTyped(results.schemaVersion)}; rerun it with this tracebench`,
    );
  const issues = resultsIssues(data);
  if (issues.length > 0) {
    const shown = issues.slice(0, MAX_ISSUES).map((i) => `  - ${i}`);
    if (issues.length > MAX_ISSUES) shown.push(`  - and ${issues.length - MAX_ISSUES} more`);
    throw new UsageError(
      `${file}: ${issues.length} value${issues.length === 1 ? '' : 's'} cannot be read as results (schema/tracebench.results.schema.json):\n${shown.join('\n')}`,
    );
  }
  return results as Results;
}
