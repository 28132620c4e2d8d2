import { isAbsolute, resolve } from 'node:path';
import type { Config, InstrumentationSetting, ProcessorSetting, SamplerSetting } from './types.js';

/** `./x.js` and `../x.js` are paths from the config file's folder; anything else (a package name, an absolute path) stays. */
export function resolveModule(specifier: string, baseDir: string): string {
  return /^\.\.?([\\/]|$)/.test(specifier) && !isAbsolute(specifier) ? resolve(baseDir, specifier) : specifier;
}

function sampler(s: SamplerSetting, baseDir: string): SamplerSetting {
  return s.type === 'module' ? { ...s, module: resolveModule(s.module, baseDir) } : s;
}

function processor(p: ProcessorSetting, baseDir: string): ProcessorSetting {
  return p.type === 'module' ? { ...p, module: resolveModule(p.module, baseDir) } : p;
}

function instrumentation(i: InstrumentationSetting, baseDir: string): InstrumentationSetting {
  return i.type === 'sdk-node' ? { ...i, module: resolveModule(i.module, baseDir) } : i;
}

/** The config with every module path (samplers, processors, sdk-node set-ups) made absolute from `baseDir`. */
export function resolveModulePaths(config: Config, baseDir: string): Config {
  return {
    ...config,
    matrix: {
      ...config.matrix,
      ...(config.matrix.instrumentation
        ? { instrumentation: config.matrix.instrumentation.map((i) => instrumentation(i, baseDir)) }
        : {}),
      sampler: config.matrix.sampler.map((s) => sampler(s, baseDir)),
      processor: config.matrix.processor.map((p) => processor(p, baseDir)),
    },
    service: {
      ...config.service,
      perService: Object.fromEntries(
        Object.entries(config.service.perService).map(([name, own]) => [
          name,
          own.sampler ? { ...own, sampler: sampler(own.sampler, baseDir) } : own,
        ]),
      ),
    },
    ...(config.variants
      ? {
          variants: config.variants.map((v) =>
            v.instrumentation
              ? { ...v, instrumentation: v.instrumentation.map((i) => instrumentation(i, baseDir)) }
              : v,
          ),
        }
      : {}),
    ...(config.tail ? { tail: config.tail.map((t) => ({ ...t, head: sampler(t.head, baseDir) })) } : {}),
  };
}
