import { resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { issueLines, plainWords } from '../config/issues.js';
import { CONFIG_LIMITS } from '../config/load.js';
import { readBoundedFile, readYaml } from '../config/yaml-input.js';
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

/** Parses budgets YAML text within the config's bounds (size, depth, alias expansion); syntax errors come with line and column. */
export function parseBudgetsText(text: string, label: string): Budget[] {
  const read = readYaml(text, CONFIG_LIMITS, 'a budgets file');
  if (!read.ok) throw new ConfigError(label, read.issues);
  return parseBudgets(read.value, label);
}

/** Reads and validates a standalone budgets file; an unreadable file is a ConfigError too. */
export async function loadBudgetsFile(path: string): Promise<Budget[]> {
  const read = readBoundedFile(path, CONFIG_LIMITS.maxBytes, 'a budgets file');
  if (!read.ok) {
    const why =
      read.problem ??
      (read.code === 'ENOENT'
        ? 'file not found'
        : read.code === 'EISDIR'
          ? 'is a folder, not a budgets file'
          : `cannot read it (${read.code})`);
    throw new ConfigError(path, [`${resolve(path)}: ${why}; pass a budgets YAML file such as configs/budgets.yaml`]);
  }
  return parseBudgetsText(read.text, path);
}
