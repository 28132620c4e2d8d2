import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, parse } from 'node:path';
import { scriptSafe } from './escape.js';

/** The three libraries the page inlines so it renders from `file://` with no network. */
export interface Assets {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
}

const LIBRARIES = {
  vega: ['vega', 'build/vega.min.js'],
  vegaLite: ['vega-lite', 'build/vega-lite.min.js'],
  vegaEmbed: ['vega-embed', 'build/vega-embed.min.js'],
} as const;

/** The package's own folder: its `exports` hide `build/*.min.js` from `require.resolve`, so resolve the entry and walk up. */
function packageDir(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name)
      return dir;
    if (dir === parse(dir).root) throw new Error(`cannot find the folder of package ${name}`);
    dir = dirname(dir);
  }
}

function readLibrary(name: string, file: string): string {
  const path = join(packageDir(name), file);
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: the HTML report inlines ${name}'s minified build; reinstall dependencies (npm ci)`,
    );
  // The source-map comment would point at a file next to the report that does not exist.
  return scriptSafe(readFileSync(path, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S*\s*$/, '\n'));
}

let cached: Assets | undefined;

/** Reads the minified builds once per process. */
export function loadAssets(): Assets {
  cached ??= {
    vega: readLibrary(...LIBRARIES.vega),
    vegaLite: readLibrary(...LIBRARIES.vegaLite),
    vegaEmbed: readLibrary(...LIBRARIES.vegaEmbed),
  };
  return cached;
}
