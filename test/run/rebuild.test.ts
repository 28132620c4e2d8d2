import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { TracebenchError } from '../../harness/cli/errors.js';
import { resultsIssues } from '../../harness/cli/read-results.js';
import type { Results } from '../../harness/results/types.js';
import { rebuildResults, ResultsStore, type RunHeader } from '../../harness/run/store.js';
import { tempDir } from '../helpers/cli.js';

const REAL = fileURLToPath(new URL('../../../test/data/results/real-run.results.json', import.meta.url));

/** A run folder as a SIGKILL leaves it: the header and every trial line of a real run, the last line cut mid-write. */
function killedRun(): { dir: string; real: Results } {
  const real = JSON.parse(readFileSync(REAL, 'utf8')) as Results;
  const dir = tempDir();
  const store = new ResultsStore(dir);
  const header: RunHeader = {
    schemaVersion: real.schemaVersion,
    runId: real.runId,
    startedAt: real.startedAt,
    configFile: real.configFile,
    config: real.config,
    seed: real.seed,
    environment: real.environment,
    notes: real.notes,
    cells: real.cells.map((c) => ({ id: c.id, settings: c.settings, collapsed: c.collapsed })),
    trialsPlanned: 4,
  };
  store.writeHeader(header);
  const trials = real.cells.flatMap((c) => c.trials).sort((a, b) => a.round - b.round || a.order - b.order);
  for (const t of trials.slice(0, 3)) store.appendTrial(t);
  const text = readFileSync(store.jsonlPath, 'utf8');
  writeFileSync(store.jsonlPath, text.slice(0, text.length - 400));
  return { dir, real };
}

describe('rebuilding results.json of a killed run', () => {
  it('keeps every whole trial line, leaves out the one cut short, and marks the run interrupted', () => {
    const { dir, real } = killedRun();
    const { results, skippedLines } = rebuildResults(dir);
    assert.equal(skippedLines, 1);
    assert.equal(results.status, 'interrupted');
    assert.deepEqual(results.interrupted, { trialsFinished: 2, trialsPlanned: 4, rebuiltFrom: 'results.jsonl' });
    assert.deepEqual(
      results.cells.map((c) => c.id),
      real.cells.map((c) => c.id),
    );
    assert.equal(results.cells.flatMap((c) => c.trials).length, 2);
    assert.ok(
      results.cells.every((c) => c.summary !== null),
      'round 1 of each cell made it',
    );
    assert.deepEqual(resultsIssues(JSON.parse(JSON.stringify(results))), []);
  });

  it('without the header, says what is missing (exit 3) instead of guessing a config', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'results.jsonl'), '');
    assert.throws(
      () => rebuildResults(dir),
      (error: unknown) =>
        error instanceof TracebenchError && error.exitCode === 3 && /run-header\.json/.test(error.message),
    );
  });
});
