import fc from 'fast-check';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readResults } from '../../harness/cli/read-results.js';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/types.js';
import { tempDir } from '../helpers/cli.js';
import { anyText, anyValue, fuzz, mutated, succeedsOrUsageError } from './helpers.js';

const dir = tempDir('tb-fuzz-results-');
const file = join(dir, 'results.json');
after(() => rmSync(dir, { recursive: true, force: true }));

/** The reader takes a path: each case is written to the same file first. */
function read(text: string): void {
  writeFileSync(file, text);
  succeedsOrUsageError(
    () => readResults(file),
    () => `results.json ${JSON.stringify(text.slice(0, 400))}`,
  );
}

const often = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: anyValue });
const number = often(fc.double({ noNaN: true, min: 0, max: 1e6 }));

const trial = fc.record(
  {
    status: often(fc.constantFrom('ok', 'invalid', 'failed')),
    round: number,
    metrics: often(
      fc.record(
        { cpuUsPerRequest: often(fc.oneof(number, fc.constant('fast'))), requests: number, achievedRps: number },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);
const cell = fc.record(
  {
    id: often(fc.constantFrom('baseline', 'always_on~batch~otlp-http-protobuf')),
    settings: often(fc.record({ tracing: fc.constantFrom('off', 'sdk') })),
    trials: often(fc.array(trial, { maxLength: 3 })),
    summary: anyValue,
  },
  { requiredKeys: [] },
);
const resultsObject = fc.record(
  {
    schemaVersion: often(
      fc.constantFrom(RESULTS_SCHEMA_VERSION, String(RESULTS_SCHEMA_VERSION), RESULTS_SCHEMA_VERSION + 1),
    ),
    status: often(fc.constantFrom('ok', 'interrupted', 'failed')),
    config: often(fc.record({ name: fc.string({ maxLength: 8 }), rounds: number }, { requiredKeys: [] })),
    cells: often(fc.array(cell, { maxLength: 3 })),
    environment: anyValue,
  },
  { requiredKeys: [] },
);

describe('fuzz: the results reader ends in results or a usage error (exit 2), never anything else', {
  timeout: 120_000,
}, () => {
  it('arbitrary text, bytes and JSON', () =>
    fuzz(
      fc.oneof(
        anyText,
        fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      ),
      read,
    ));
  it('results-shaped documents with wrong types and text mutations', () =>
    fuzz(mutated(resultsObject.map((r) => JSON.stringify(r))), read));
});
