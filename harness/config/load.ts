import { existsSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import { formatPath, issueLines, plainWords } from './issues.js';
import { resolveModulePaths } from './modules.js';
import { configSchema, MAX_SEED, parsedIsConfig } from './schema.js';
import type { Config } from './types.js';
import { readBoundedFile, readYaml, type YamlLimits } from './yaml-input.js';

/** A config is a page of settings; these bounds are far above any real one and far below what could hang the loader. */
export const CONFIG_LIMITS: YamlLimits = { maxBytes: 1024 * 1024, maxDepth: 64, maxAliasCount: 100 };

/** Values given on the command line; they win over the file and are validated like it. */
export interface ConfigOverrides {
  rounds?: number;
  seed?: number;
}

/** The folder holding package.json: compiled code runs from `dist/harness/config/`, sources from `harness/config/`. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export function defaultConfigPath(): string {
  return join(packageRoot(), 'configs', 'default.yaml');
}

/** A 32-bit seed from the clock; recorded in the config so the run's order can be repeated. */
export function seedFromClock(nowMs: number): number {
  return Math.floor(nowMs) % (MAX_SEED + 1);
}

const OVERRIDE_FLAGS: Record<keyof ConfigOverrides, string> = { rounds: '--rounds', seed: '--seed' };

/**
 * Parses and validates a config text. Throws a ConfigError listing every problem at once (YAML syntax with line and
 * column, then each schema issue as `path: message`). `now` is the clock the default seed is drawn from.
 */
export function parseConfig(
  text: string,
  fileLabel: string,
  overrides: ConfigOverrides = {},
  now: () => number = Date.now,
): Config {
  const read = readYaml(text, CONFIG_LIMITS, 'a config file');
  if (!read.ok) throw new ConfigError(fileLabel, read.issues);
  const raw: unknown = read.value ?? {};
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as ConfigOverrides;
  const input = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...raw, ...given } : raw;

  const result = configSchema.safeParse(input, { error: plainWords, reportInput: true });
  if (!result.success) {
    const relabel = (path: PropertyKey[]) =>
      path.length === 1 && path[0] in given ? OVERRIDE_FLAGS[path[0] as keyof ConfigOverrides] : formatPath(path);
    throw new ConfigError(fileLabel, issueLines(result.error.issues, relabel));
  }
  const parsed = result.data;
  const name = parsed.name ?? (basename(fileLabel, extname(fileLabel)) || 'tracebench');
  const seedSource = given.seed !== undefined ? 'override' : parsed.seed !== undefined ? 'config' : 'clock';
  const seed = parsed.seed ?? seedFromClock(now());
  return { ...parsedIsConfig(parsed, name, seed), seedSource };
}

/** Reads, parses and validates a config file; every problem, including an unreadable file, is a ConfigError (exit 2). */
export async function loadConfigFile(path: string, overrides?: ConfigOverrides, now?: () => number): Promise<Config> {
  const read = readBoundedFile(path, CONFIG_LIMITS.maxBytes, 'a config file');
  if (!read.ok)
    throw new ConfigError(path, [read.problem ? `${resolve(path)}: ${read.problem}` : unreadable(path, read.code)]);
  // Module paths in the matrix are written from the config file's folder, as service.entry is.
  return resolveModulePaths(parseConfig(read.text, path, overrides, now), dirname(resolve(path)));
}

function unreadable(path: string, code: string): string {
  const full = resolve(path);
  switch (code) {
    case 'ENOENT':
      return `file not found: ${full}; check the path (relative paths start from ${process.cwd()}), or leave out --config to use ${defaultConfigPath()}`;
    case 'EISDIR':
      return `${full} is a folder; pass a config file such as ${join(path, 'default.yaml')}`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${full}: permission denied; check the file's permissions`;
    default:
      return `cannot read ${full}: ${code}`;
  }
}
