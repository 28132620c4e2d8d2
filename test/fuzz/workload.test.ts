import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { ConfigError } from '../../harness/cli/errors.js';
import { parseWorkload, resolveWorkloadPath } from '../../workloads/shape/load.js';
import { anyText, anyValue, assertPrintable, fuzz, mutated, RUNS } from './helpers.js';

/** The loader returns problems instead of throwing; the run turns them into a ConfigError (exit 2). */
function load(text: string): void {
  const context = `workload ${JSON.stringify(text.slice(0, 400))}`;
  let result: ReturnType<typeof parseWorkload>;
  try {
    result = parseWorkload(text, 'fuzz.yaml');
  } catch (error) {
    assert.fail(`${context}: threw ${(error as Error)?.stack ?? String(error)}`);
  }
  if (result.ok) return;
  assert.ok(result.issues.length > 0, `${context}: not ok, but no problem given`);
  assertPrintable(new ConfigError('fuzz.yaml', result.issues).message, context);
}

const SHIPPED = ['user-api', 'checkout-chain', 'queue-pipeline', 'imported-shop'].map((name) =>
  readFileSync(resolveWorkloadPath(name), 'utf8'),
);

const often = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyValue });
const spanName = fc.constantFrom('GET /', 'work', 'db', 'call back', '');
const duration = often(
  fc.oneof(
    fc.integer({ min: 0, max: 20_000 }),
    fc.record({ p50: fc.integer({ min: 0, max: 100 }), p99: fc.integer({ min: 0, max: 200 }) }),
  ),
);

const { span } = fc.letrec<{ span: unknown }>((tie) => ({
  span: fc.record(
    {
      name: often(spanName),
      kind: often(fc.constantFrom('SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER', 'INTERNAL')),
      cpuUs: duration,
      waitUs: duration,
      attributes: often(fc.dictionary(fc.string({ maxLength: 6 }), anyValue, { maxKeys: 3 })),
      call: often(
        fc.record({
          service: fc.constantFrom('front', 'back', 'nope'),
          route: fc.constantFrom('home', 'work', 'nope'),
        }),
      ),
      publish: often(fc.record({ queue: fc.constantFrom('q', 'nope') })),
      parallel: fc.boolean(),
      children: fc.array(tie('span'), { maxLength: 3, depthIdentifier: 'span' }),
    },
    { requiredKeys: ['name'] },
  ),
}));

const workloadObject = fc.record(
  {
    name: often(fc.constantFrom('w', '')),
    services: often(
      fc.array(
        fc.record(
          {
            name: often(fc.constantFrom('front', 'back', '1bad')),
            routes: often(
              fc.array(
                fc.record(
                  {
                    name: often(fc.constantFrom('home', 'work')),
                    path: often(fc.constantFrom('/', '/work/:id', 'x')),
                    weight: anyValue,
                    error: anyValue,
                    root: span,
                  },
                  { requiredKeys: ['name', 'root'] },
                ),
                { maxLength: 2 },
              ),
            ),
            consumers: often(
              fc.array(fc.record({ queue: fc.constantFrom('q'), batchSize: anyValue, root: span }), { maxLength: 1 }),
            ),
          },
          { requiredKeys: ['name'] },
        ),
        { maxLength: 3 },
      ),
    ),
  },
  { requiredKeys: ['services'] },
);

describe('fuzz: the workload loader ends in a shape or a list of problems, never an exception', {
  timeout: 120_000,
}, () => {
  it('arbitrary text and bytes', () => fuzz(anyText, load));
  // Half the runs: each case parses a whole shipped workload (up to 7 KiB), the slowest property of the suite.
  it('the shipped workloads with text mutations', () => fuzz(mutated(fc.constantFrom(...SHIPPED)), load, RUNS / 2));
  it('schema-shaped workloads (random span trees), as YAML, with text mutations', () =>
    fuzz(mutated(workloadObject.map((w) => stringify(w))), load));
});
