import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { issueLines } from '../../harness/config/issues.js';
import { workloadSchema } from './schema.js';
import type { WorkloadShape } from './types.js';

/** The folder holding the shipped workload YAML files (source tree, not dist/). */
export function workloadsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the tracebench package root');
    dir = up;
  }
  return join(dir, 'workloads');
}

/** A bare name means a shipped workload (`user-api` → workloads/user-api.yaml); anything else is a path. */
export function resolveWorkloadPath(nameOrPath: string, baseDir = process.cwd()): string {
  if (/^[\w-]+$/.test(nameOrPath)) return join(workloadsDir(), `${nameOrPath}.yaml`);
  return isAbsolute(nameOrPath) ? nameOrPath : resolve(baseDir, nameOrPath);
}

export type WorkloadResult = { ok: true; shape: WorkloadShape; file: string } | { ok: false; file: string; issues: string[] };

/** Reads and validates a workload; every problem is returned at once with its path. */
export function loadWorkload(nameOrPath: string, baseDir?: string): WorkloadResult {
  const file = resolveWorkloadPath(nameOrPath, baseDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ok: false, file, issues: [`cannot read workload '${nameOrPath}' (${file}): name a file in workloads/ or give a path to a workload YAML`] };
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    return { ok: false, file, issues: [`YAML syntax: ${(error as Error).message.split('\n')[0]}`] };
  }
  const parsed = workloadSchema.safeParse(data);
  if (!parsed.success) return { ok: false, file, issues: issueLines(parsed.error.issues) };
  return { ok: true, shape: parsed.data, file };
}
