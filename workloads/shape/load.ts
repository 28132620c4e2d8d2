import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueLines, plainWords } from '../../harness/config/issues.js';
import { readBoundedFile, readYaml, type YamlLimits } from '../../harness/config/yaml-input.js';
import { quote } from '../../harness/text.js';
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

export type WorkloadResult =
  | { ok: true; shape: WorkloadShape; file: string }
  | { ok: false; file: string; issues: string[] };

/** Imported workloads run to a few hundred KiB; span trees nest two YAML levels a span (the span, its children). */
export const WORKLOAD_LIMITS: YamlLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 256, maxAliasCount: 100 };

/** Validates a workload's YAML text; every problem is returned at once with its path, never thrown. */
export function parseWorkload(text: string, file: string): WorkloadResult {
  const read = readYaml(text, WORKLOAD_LIMITS, 'a workload file');
  if (!read.ok) return { ok: false, file, issues: read.issues };
  const parsed = workloadSchema.safeParse(read.value, { error: plainWords });
  if (!parsed.success) return { ok: false, file, issues: issueLines(parsed.error.issues) };
  return { ok: true, shape: parsed.data, file };
}

/** Reads and validates a workload; every problem is returned at once with its path. */
export function loadWorkload(nameOrPath: string, baseDir?: string): WorkloadResult {
  const file = resolveWorkloadPath(nameOrPath, baseDir);
  const read = readBoundedFile(file, WORKLOAD_LIMITS.maxBytes, 'a workload file');
  if (!read.ok)
    return {
      ok: false,
      file,
      issues: [
        read.problem
          ? `workload ${quote(nameOrPath)} (${file}): ${read.problem}`
          : `cannot read workload ${quote(nameOrPath)} (${file}): name a file in workloads/ or give a path to a workload YAML`,
      ],
    };
  return parseWorkload(read.text, file);
}
