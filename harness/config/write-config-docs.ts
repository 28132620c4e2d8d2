// Regenerates docs/config.md from the config schema: `npm run docs:config`.
import { writeFileSync } from 'node:fs';
import { configDocsPath, configDocsText } from './config-docs.js';

const path = configDocsPath();
writeFileSync(path, configDocsText());
process.stderr.write(`wrote ${path}\n`);
