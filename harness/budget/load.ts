import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../cli/errors.js';
import { issueLines, plainWords } from '../config/issues.js';
import { budgetsFileSchema, budgetsSchema } from './schema.js';
import type { Budget } from './types.js';

/**
 * Validates budgets already read from YAML or JSON: a `{ budgets: [...] }` document, or the list itself. Throws a
 * ConfigError (exit 2) naming every problem at once, each with its path (`budgets[0].limits["latencyUs.p99"]: ...`).
 */
export function parseBudgets(data: unknown, label: string): Budget[] {
  if (Array.isArray(data)) {
    const result = budgetsSchema.safeParse(data, { error: plainWords, reportInput: true });
    if (result.success) return result.data;
    throw new ConfigError(label, issueLines(result.error.issues.map((i) => ({ ...i, path: ['budgets', ...i.path] }))));
  }
  const result = budgetsFileSchema.safeParse(data ?? {}, { error: plainWords, reportInput: true });
  if (result.success) return result.data.budgets;
  throw new ConfigError(label, issueLines(result.error.issues));
}

/** Parses budgets YAML text; syntax errors come with line and column. */
export function parseBudgetsText(text: string, label: string): Budget[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new ConfigError(
      label,
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        return `${at ? `line ${at.line}, column ${at.col}` : 'YAML'}: ${e.message.split(/ at line \d+|\n/)[0]} (YAML syntax)`;
      }),
    );
  }
  return parseBudgets(doc.toJS(), label);
}

/** Reads and validates a standalone budgets file; an unreadable file is a ConfigError too. */
export async function loadBudgetsFile(path: string): Promise<Budget[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a budgets file' : (err as Error).message;
    throw new ConfigError(path, [`${resolve(path)}: ${why}; pass a budgets YAML file such as configs/budgets.yaml`]);
  }
  return parseBudgetsText(text, path);
}
