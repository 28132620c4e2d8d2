import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../config/load.js';
import { resultsSchema } from './results-schema.js';
import { RESULTS_SCHEMA_VERSION } from './types.js';

/** The committed JSON Schema of results.json, for tools that read results without tracebench. */
export function resultsJsonSchemaPath(): string {
  return join(packageRoot(), 'schema', 'tracebench.results.schema.json');
}

/** From the same zod schema the reader validates with; `schemaVersion` is a constant in it, so the file is versioned. */
export function resultsJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(resultsSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
  return {
    title: `tracebench results.json, schemaVersion ${RESULTS_SCHEMA_VERSION}`,
    description:
      'The fields the verdict stage reads, each a number where a figure is expected (null: not measured); other fields pass through.',
    ...schema,
  };
}

/** The file's exact text, so a test can tell whether the committed copy is current. */
export function resultsJsonSchemaText(): string {
  return `${JSON.stringify(resultsJsonSchema(), null, 2)}\n`;
}
