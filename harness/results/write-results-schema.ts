// Regenerates schema/tracebench.results.schema.json: `npx tsc -p tsconfig.json && node dist/harness/results/write-results-schema.js`.
import { writeFileSync } from 'node:fs';
import { resultsJsonSchemaPath, resultsJsonSchemaText } from './results-json-schema.js';

const path = resultsJsonSchemaPath();
writeFileSync(path, resultsJsonSchemaText());
process.stderr.write(`wrote ${path}\n`);
