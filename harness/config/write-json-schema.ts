// Regenerates schema/tracebench.config.schema.json: `npx tsc -p tsconfig.json && node dist/harness/config/write-json-schema.js`.
import { writeFileSync } from 'node:fs';
import { configJsonSchemaPath, configJsonSchemaText } from './json-schema.js';

const path = configJsonSchemaPath();
writeFileSync(path, configJsonSchemaText());
process.stderr.write(`wrote ${path}\n`);
