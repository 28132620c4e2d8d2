import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { PACKAGE_ROOT } from './cli.js';

/** Validates data against a JSON Schema in test/data/formats (written from the format's documentation, source in its $comment). */
export function formatErrors(schemaFile: string, data: unknown): string[] {
  const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'test', 'data', 'formats', schemaFile), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(schema);
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
