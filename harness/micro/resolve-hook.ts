import { pathToFileURL } from 'node:url';

/** Module customization hook of a micro A/B worker: `@opentelemetry/*` resolves from one variant's node_modules. */

interface HookData {
  /** Absolute path of the variant's node_modules folder. */
  nodeModules: string;
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
  importAttributes: Record<string, string>;
}

type NextResolve = (specifier: string, context?: Partial<ResolveContext>) => Promise<unknown>;

let parentURL = '';

export async function initialize(data: HookData): Promise<void> {
  // Node resolves a bare specifier from the importer's folder upwards: an importer beside node_modules finds it first.
  parentURL = pathToFileURL(`${data.nodeModules}/../tracebench-micro-variant.js`).href;
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<unknown> {
  if (parentURL && specifier.startsWith('@opentelemetry/')) return next(specifier, { ...context, parentURL });
  return next(specifier, context);
}
