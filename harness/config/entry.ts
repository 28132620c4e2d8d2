import { statSync } from 'node:fs';

/** Why a service entry cannot be run, or undefined when it is a file: a folder or a FIFO passed `existsSync` and failed every trial. */
export function entryProblem(file: string): string | undefined {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch {
    return `no file at ${file}`;
  }
  if (stat.isDirectory())
    return `${file} is a folder: point it at the service's compiled JavaScript file (e.g. ${file.replace(/\/$/, '')}/main.js)`;
  if (!stat.isFile()) return `${file} is not a regular file: point it at the service's compiled JavaScript file`;
  return undefined;
}
