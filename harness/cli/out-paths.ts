import { mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** The path with every existing part's symlinks resolved, so two spellings of one file compare equal even before it exists. */
export function canonicalPath(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    const parent = dirname(full);
    return parent === full ? full : join(canonicalPath(parent), basename(full));
  }
}

/** stat, or undefined when there is nothing there, including when a part of the path is a file (ENOTDIR). */
export function statIfAny(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

export interface PathRole {
  /** How the message names it: `--out`, `HEAD`, `--summary`. */
  name: string;
  path: string;
}

/** Exit 2 before anything is written when an output would replace an input, or two outputs are the same file. */
export function refuseOverwrites(outputs: readonly PathRole[], inputs: readonly PathRole[]): void {
  const seen = new Map<string, string>();
  for (const input of inputs) seen.set(canonicalPath(input.path), `the input ${input.name}`);
  for (const output of outputs) {
    const path = canonicalPath(output.path);
    const clash = seen.get(path);
    if (clash)
      throw new UsageError(
        `${output.name} ${output.path}: that is ${clash}; writing there would destroy it, so pick another file`,
      );
    seen.set(path, `the output ${output.name}`);
  }
}

/** An output file's folder, created when missing; exit 2 when the path is a folder or its folder cannot be made. */
export function prepareOutputFile(name: string, path: string): string {
  const file = resolve(path);
  if (statIfAny(file)?.isDirectory())
    throw new UsageError(`${name} ${path}: is a folder; give a file name, e.g. ${join(path, 'report.html')}`);
  makeFolder(name, path, dirname(file));
  return file;
}

/**
 * An output folder, checked before anything starts: exit 2 when the path, or the nearest part of it that exists, is a
 * file. Created only with `create` (a run creates it when its first result is written, so a config error leaves none).
 */
export function prepareOutputDir(name: string, path: string, options: { create?: boolean } = {}): string {
  const dir = resolve(path);
  const found = statIfAny(dir);
  if (found && !found.isDirectory())
    throw new UsageError(
      `${name} ${path}: is an existing file, but ${name} takes a folder (it receives one sub-folder per run); pick a folder`,
    );
  if (!found) {
    let above = dirname(dir);
    while (!statIfAny(above) && dirname(above) !== above) above = dirname(above);
    if (statIfAny(above)?.isDirectory() === false)
      throw new UsageError(
        `${name} ${path}: cannot create the folder ${dir} (a part of the path, ${above}, is a file, not a folder)`,
      );
  }
  if (options.create) makeFolder(name, path, dir);
  return dir;
}

function makeFolder(name: string, given: string, dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOTDIR' || code === 'EEXIST'
        ? 'a part of the path is a file, not a folder'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : (error as Error).message;
    throw new UsageError(`${name} ${given}: cannot create the folder ${dir} (${why})`);
  }
}
