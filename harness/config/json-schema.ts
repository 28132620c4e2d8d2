import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from './load.js';
import { configSchema } from './schema.js';

/** Where the committed JSON Schema lives; configs point at it with `# yaml-language-server: $schema=...`. */
export function configJsonSchemaPath(): string {
  return join(packageRoot(), 'schema', 'tracebench.config.schema.json');
}

/**
 * The config's JSON Schema for editors, from the same zod schema that validates it: the input side (shorthands allowed,
 * defaulted fields optional). Draft-07, the newest draft YAML and JSON language servers all understand. Cross-field rules
 * (maxExportBatchSize ≤ maxQueueSize, reserved env names) exist only in the loader.
 */
export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', target: 'draft-07' }) as Record<string, unknown>;
}

/** The file's exact text, so a test can tell whether the committed copy is current. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
