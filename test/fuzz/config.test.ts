import fc from 'fast-check';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseConfig } from '../../harness/config/load.js';
import { RESERVED_ENV } from '../../harness/config/reserved-env.js';
import { EXPORTERS, PROPAGATORS, SAMPLERS_WITH_RATIO, SAMPLERS_WITHOUT_ARG } from '../../harness/config/vocabulary.js';
import { anyText, anyValue, fuzz, mutated, RUNS, succeedsOrUsageError } from './helpers.js';

const load = (text: string) =>
  succeedsOrUsageError(
    () => parseConfig(text, 'fuzz.yaml', {}, () => 1),
    () => `config ${JSON.stringify(text.slice(0, 400))}`,
  );

/** A field that is usually right and sometimes anything. */
const often = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyValue });

const envKey = fc.oneof(
  fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,12}$/),
  fc.constantFrom(...RESERVED_ENV.map((r) => (r.prefix ? `${r.name}X` : r.name)), 'OTEL_RESOURCE_ATTRIBUTES'),
  fc.string({ maxLength: 6 }),
);

const sampler = fc.oneof(
  fc.constantFrom(...SAMPLERS_WITHOUT_ARG, ...SAMPLERS_WITH_RATIO, 'ratelimiting', 'biased'),
  fc.record(
    {
      type: fc.constantFrom(...SAMPLERS_WITH_RATIO, 'always_on', 'biased'),
      ratio: often(fc.double({ min: 0, max: 1, noNaN: true })),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record({ type: fc.constant('ratelimiting'), tracesPerSecond: often(fc.integer({ min: 1, max: 100 })) }),
);

/** Configs shaped like the schema, with plausible and wrong values mixed. */
const configObject = fc.record(
  {
    name: often(fc.string({ maxLength: 20 })),
    rounds: often(fc.integer({ min: 0, max: 20 })),
    seed: often(fc.nat()),
    service: often(
      fc.record(
        {
          workload: often(fc.constantFrom('user-api', 'checkout-chain', './x.yaml')),
          entry: often(fc.constantFrom('./svc.js', '.', '')),
          env: often(fc.dictionary(envKey, anyValue, { maxKeys: 6 })),
          readyPath: often(fc.constantFrom('/healthz', 'healthz', '/')),
          startupTimeoutMs: often(fc.integer({ min: 0, max: 700_000 })),
          perService: often(
            fc.dictionary(
              fc.constantFrom('front', 'back', '1bad'),
              fc.record(
                {
                  env: fc.dictionary(envKey, anyValue, { maxKeys: 3 }),
                  propagator: often(fc.constantFrom(...PROPAGATORS)),
                },
                { requiredKeys: [] },
              ),
              { maxKeys: 2 },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
    load: often(
      fc.record(
        {
          rateRps: often(fc.double({ min: 0, max: 2000, noNaN: true })),
          durationSeconds: often(fc.constantFrom(0, 0.001, 0.5, 1, 3, 601)),
          warmupSeconds: often(fc.double({ min: -1, max: 5, noNaN: true })),
          threads: often(fc.integer({ min: 0, max: 20 })),
          saturation: often(fc.record({ durationSeconds: anyValue, connections: anyValue })),
        },
        { requiredKeys: [] },
      ),
    ),
    sink: often(
      fc.oneof(
        fc.constantFrom('ok', 'down', 'slow'),
        fc.record(
          {
            mode: fc.constantFrom('ok', 'slow', 'error', 'down'),
            delayMs: anyValue,
            statusCode: anyValue,
            fraction: anyValue,
          },
          { requiredKeys: ['mode'] },
        ),
      ),
    ),
    matrix: often(
      fc.record(
        {
          sampler: often(fc.array(sampler, { maxLength: 3 })),
          processor: often(
            fc.array(
              fc.oneof(
                fc.constantFrom('simple', 'batch'),
                fc.record({ type: fc.constant('batch'), maxQueueSize: anyValue, maxExportBatchSize: anyValue }),
              ),
              { maxLength: 2 },
            ),
          ),
          exporter: often(fc.array(fc.constantFrom(...EXPORTERS, 'jaeger'), { maxLength: 3 })),
          propagator: often(fc.array(fc.constantFrom(...PROPAGATORS), { maxLength: 2 })),
        },
        { requiredKeys: [] },
      ),
    ),
    variants: often(
      fc.array(
        fc.record(
          {
            name: often(fc.constantFrom('base', 'head', 'a b')),
            env: fc.dictionary(envKey, anyValue, { maxKeys: 2 }),
            entry: often(fc.constant('.')),
          },
          { requiredKeys: ['name'] },
        ),
        { maxLength: 3 },
      ),
    ),
    tail: often(fc.array(fc.record({ name: anyValue, sampling: anyValue }), { maxLength: 1 })),
    attribution: often(
      fc.record({ exporters: anyValue, micro: fc.constantFrom(false, 'quick') }, { requiredKeys: [] }),
    ),
    budgets: often(fc.array(anyValue, { maxLength: 2 })),
    drainTimeoutMs: anyValue,
  },
  { requiredKeys: [] },
);

/** YAML's own syntax, in random order: anchors, aliases, merges, tags, block scalars, flow collections. */
const YAML_TOKENS = [
  'a',
  'rounds',
  'service',
  'env',
  'load',
  ':',
  ': ',
  '- ',
  '\n',
  '  ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&x ',
  '*x',
  '&y ',
  '*y',
  '<<: ',
  '!!str ',
  '!!int ',
  '!!map ',
  '? ',
  '| ',
  '> ',
  '"',
  "'",
  '#',
  '---\n',
  '%YAML 1.2\n',
  '0x10',
  '1e400',
  '~',
  '\u001b',
  '\u0000',
  '\t',
];
const yamlSoup = fc.array(fc.constantFrom(...YAML_TOKENS), { maxLength: 60 }).map((tokens) => tokens.join(''));

describe('fuzz: the config loader ends in a config or a usage error (exit 2), never anything else', {
  timeout: 120_000,
}, () => {
  it('arbitrary text and bytes', () => fuzz(anyText, load));
  it('YAML token soup (anchors, aliases, tags, flow and block)', () => fuzz(yamlSoup, load));
  it('schema-shaped configs, as YAML, with text mutations', () =>
    fuzz(mutated(configObject.map((c) => stringify(c))), load));
  it('schema-shaped configs with an alias fan-out', () =>
    fuzz(
      fc
        .tuple(configObject, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }))
        .map(([c, width, levels]) => {
          const lines = [`l0: &l0 [${Array(width).fill('"x"').join(',')}]`];
          for (let i = 1; i < levels; i++)
            lines.push(
              `l${i}: &l${i} [${Array(width)
                .fill(`*l${i - 1}`)
                .join(',')}]`,
            );
          return `${stringify(c)}${lines.map((l) => l.replace(/^l/, 'x_l')).join('\n')}\n`;
        }),
      load,
      RUNS / 2,
    ));
});
