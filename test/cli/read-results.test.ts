import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TracebenchError } from '../../harness/cli/errors.js';
import { echoValue, readResults, resultsIssues } from '../../harness/cli/read-results.js';
import { resultsJsonSchemaPath, resultsJsonSchemaText } from '../../harness/results/results-json-schema.js';
import { RESULTS_SCHEMA_VERSION } from '../../harness/results/types.js';
import { upgradeResults } from '../../harness/results/upgrade.js';
import { tempDir } from '../helpers/cli.js';
import { fixtureResults } from '../report/fixtures/html-fixtures.js';
import { studyResults } from '../report/fixtures/sampling-fixtures.js';
import { layeredResults } from '../report/fixtures/attribution-fixtures.js';
import { microFixture } from '../report/fixtures/micro-fixtures.js';
import { microResultsDocument } from '../../harness/micro/document.js';

/** results.json written by a real `tracebench run` (2 rounds, baseline and one traced cell, budgets): schemaVersion 1. */
const REAL = fileURLToPath(new URL('../../../test/data/results/real-run.results.json', import.meta.url));
// biome-ignore lint/suspicious/noExplicitAny: the tests break the document's fields by path
const real = () => upgradeResults(JSON.parse(readFileSync(REAL, 'utf8'))) as any;

function readError(data: unknown): TracebenchError {
  const file = join(tempDir(), 'results.json');
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  try {
    readResults(file);
  } catch (error) {
    assert.ok(error instanceof TracebenchError, String(error));
    return error;
  }
  assert.fail('readResults accepted it');
}

describe('the results reader', () => {
  it('accepts results written by the real pipeline, and the fixtures the views are tested with', () => {
    assert.deepEqual(resultsIssues(real()), []);
    assert.deepEqual(resultsIssues(JSON.parse(JSON.stringify(fixtureResults()))), []);
    assert.deepEqual(resultsIssues(JSON.parse(JSON.stringify(studyResults()))), []);
    assert.deepEqual(resultsIssues(JSON.parse(JSON.stringify({ ...layeredResults(), micro: microFixture() }))), []);
    assert.deepEqual(
      resultsIssues(
        JSON.parse(
          JSON.stringify(
            microResultsDocument({ ...microFixture(), kind: 'micro', environment: real().environment }, 'micro-run'),
          ),
        ),
      ),
      [],
    );
    assert.equal(readResults(REAL).cells.length, 2);
  });

  it('refuses a metric that is the string "fast", naming its path and value (exit 2)', () => {
    const data = real();
    data.cells[0].trials[1].metrics.cpuUsPerRequest = 'fast';
    const error = readError(data);
    assert.equal(error.exitCode, 2);
    assert.match(
      error.message,
      /cells\[0\]\.trials\[1\]\.metrics\.cpuUsPerRequest: expected a number, got string "fast"/,
    );
  });

  it('names every wrong type with its path: objects, arrays, booleans, a missing figure, an unknown status', () => {
    const data = real();
    data.cells[1].trials[0].metrics.latencyUs.corrected.p99 = { value: 1 };
    data.cells[1].trials[0].metrics.spans = [];
    data.cells[0].summary.cpuUsPerRequest = true;
    delete data.cells[0].trials[0].metrics.rssPeakBytes;
    data.cells[1].trials[1].status = 'great';
    data.config.budgets[0].limits.cpuUsPerRequest.value = '50%';
    const message = readError(data).message;
    assert.match(
      message,
      /cells\[1\]\.trials\[0\]\.metrics\.latencyUs\.corrected\.p99: expected a number, got an object/,
    );
    assert.match(message, /cells\[1\]\.trials\[0\]\.metrics\.spans: expected an object, got an array of 0/);
    assert.match(message, /cells\[0\]\.summary\.cpuUsPerRequest: expected a number, got boolean true/);
    assert.match(message, /cells\[0\]\.trials\[0\]\.metrics\.rssPeakBytes: expected a number, got nothing/);
    assert.match(message, /cells\[1\]\.trials\[1\]\.status: string "great" is none of the allowed shapes/);
    assert.match(message, /config\.budgets\[0\]\.limits\.cpuUsPerRequest\.value: expected a number, got string "50%"/);
  });

  it('accepts null span counters (unknown) and null figures of an invalid trial, but not of a counted one', () => {
    const data = real();
    data.cells[1].trials[0].metrics.spans.dropped = null;
    data.cells[1].trials[0].metrics.services['user-api'].spans.exported = null;
    data.cells[0].trials[0].status = 'invalid';
    data.cells[0].trials[0].metrics.cpuUsPerRequest = null;
    assert.deepEqual(resultsIssues(data), []);
    data.cells[0].trials[1].metrics.cpuUsPerRequest = null;
    assert.match(
      resultsIssues(data).join('\n'),
      /cells\[0\]\.trials\[1\]\.metrics\.cpuUsPerRequest: expected a number, got null/,
    );
  });

  it('echoes a bad value truncated to 80 characters with control characters escaped', () => {
    const data = real();
    data.cells[0].trials[0].metrics.cpuUsPerRequest = `\u001b[2J\u001b[H${'A'.repeat(5_000_000)}`;
    const message = readError(data).message;
    assert.ok(message.length < 600, `${message.length} characters`);
    assert.doesNotMatch(message, /\u001b/);
    assert.match(message, /got string "\\u001b\[2J\\u001b\[HA+…/);
    assert.equal(echoValue('\u0085\u2028'), 'string "\\u0085\\u2028"');
  });

  it('refuses a file that is not results, or another schemaVersion, with the version as written', () => {
    assert.match(readError('{ nope').message, /cannot read it as JSON/);
    assert.match(readError([1, 2]).message, /not a tracebench results\.json/);
    const data = real();
    data.schemaVersion = '1';
    assert.match(
      readError(data).message,
      /schemaVersion: expected the number 2 \(or 1, read by renaming its fields\), got the string '1'/,
    );
    data.schemaVersion = RESULTS_SCHEMA_VERSION + 1;
    assert.equal(readError(data).exitCode, 2);
  });

  it('the committed schema/tracebench.results.schema.json is current and carries the schema version', () => {
    const committed = readFileSync(resultsJsonSchemaPath(), 'utf8');
    assert.ok(
      committed === resultsJsonSchemaText(),
      'schema/tracebench.results.schema.json is out of date with harness/results/results-schema.ts; regenerate it with: npx tsc -p tsconfig.json && node dist/harness/results/write-results-schema.js',
    );
    const schema = JSON.parse(committed) as { properties: { schemaVersion: { const: number } }; title: string };
    assert.equal(schema.properties.schemaVersion.const, RESULTS_SCHEMA_VERSION);
    assert.match(schema.title, new RegExp(`schemaVersion ${RESULTS_SCHEMA_VERSION}`));
  });
});
