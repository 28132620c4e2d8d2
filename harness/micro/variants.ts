import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { VariantConfig } from '../config/types.js';
import type { MicroVariant } from './types.js';

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

/**
 * The node_modules folder of `dir`: `dir` itself when it is one, else `dir/node_modules` (a project or worktree).
 * Undefined when neither holds `@opentelemetry/`.
 */
export function variantNodeModules(dir: string): string | undefined {
  const full = resolve(dir);
  const candidate = basename(full) === 'node_modules' ? full : join(full, 'node_modules');
  return isDir(join(candidate, '@opentelemetry')) ? candidate : undefined;
}

/** `base=DIR` → a variant, or a sentence saying what is wrong with it. */
export function parseVariantFlag(value: string): MicroVariant | string {
  const match = /^([\w.-]{1,40})=(.+)$/.exec(value);
  if (!match)
    return `--variant ${value}: expected NAME=DIR (e.g. base=../base-worktree), a name of 1-40 letters, digits, '.', '_' or '-'`;
  const nodeModules = variantNodeModules(match[2]);
  if (!nodeModules)
    return `--variant ${value}: no node_modules/@opentelemetry in ${resolve(match[2])}; point it at a project (or its node_modules) with the OpenTelemetry packages installed`;
  return { name: match[1], nodeModules };
}

/** Problems with a micro A/B's variants, each naming what is wrong; empty when they can run. */
export function variantIssues(variants: readonly MicroVariant[]): string[] {
  const issues: string[] = [];
  if (variants.length !== 2)
    issues.push(`variants: a micro A/B compares exactly two (base and head), got ${variants.length}`);
  variants.forEach((v, i) => {
    if (variants.findIndex((w) => w.name === v.name) !== i) issues.push(`variants[${i}]: name '${v.name}' used twice`);
    if (basename(v.nodeModules) !== 'node_modules' || !isDir(join(v.nodeModules, '@opentelemetry')))
      issues.push(`variants[${i}].nodeModules: ${v.nodeModules} is not a node_modules folder holding @opentelemetry/`);
  });
  return issues;
}

/** Versions of the `@opentelemetry/*` packages a variant holds, so a report can say what was compared. */
export function openTelemetryVersions(nodeModules: string): Record<string, string> {
  const scope = join(nodeModules, '@opentelemetry');
  const versions: Record<string, string> = {};
  for (const name of readdirSync(scope).sort()) {
    try {
      const pkg = JSON.parse(readFileSync(join(scope, name, 'package.json'), 'utf8')) as { version?: unknown };
      if (typeof pkg.version === 'string') versions[`@opentelemetry/${name}`] = pkg.version;
    } catch {
      // A folder without a readable package.json is not a package; leave it out.
    }
  }
  return versions;
}

/** The nearest node_modules holding `@opentelemetry/` at or above `dir`; undefined when none up to the root. */
export function nearestNodeModules(dir: string): string | undefined {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = variantNodeModules(at);
    if (found) return found;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * A config's `variants:` as the two sides of a micro A/B: each variant's packages are those its `entry` resolves
 * (the nearest node_modules above it), or, without an entry, those beside the config file. Strings are problems.
 */
export function variantsFromConfig(
  variants: readonly Pick<VariantConfig, 'name' | 'entry'>[],
  configFile: string,
): (MicroVariant | string)[] {
  const base = dirname(resolve(configFile));
  return variants.map((v, i) => {
    const from = v.entry ? dirname(resolve(base, v.entry)) : base;
    const nodeModules = nearestNodeModules(from);
    return nodeModules
      ? { name: v.name, nodeModules }
      : `variants[${i}] (${v.name}): no node_modules/@opentelemetry at or above ${from}; install the variant's dependencies first`;
  });
}
