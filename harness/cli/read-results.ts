import { readFileSync } from 'node:fs';
import { RESULTS_SCHEMA_VERSION, type Results } from '../measure/types.js';
import { describeTyped, echo } from '../text.js';
import { UsageError } from './errors.js';

/** Reads a results.json, saying plainly what is wrong with a file that is not one. */
export function readResults(file: string): Results {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: cannot read it as JSON (${echo((error as Error).message, 200)}); pass a results.json written by tracebench run`);
  }
  const results = data as Partial<Results>;
  if (typeof results !== 'object' || results === null || !Array.isArray(results.cells) || results.config === undefined)
    throw new UsageError(`${file}: not a tracebench results.json (no cells or config)`);
  if (results.schemaVersion !== RESULTS_SCHEMA_VERSION)
    throw new UsageError(`${file}: schemaVersion: expected the number ${RESULTS_SCHEMA_VERSION}, got ${describeTyped(results.schemaVersion)}; rerun it with this tracebench`);
  return results as Results;
}
