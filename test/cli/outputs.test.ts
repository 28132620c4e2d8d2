import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { canonicalPath, refuseOverwrites } from '../../harness/cli/out-paths.js';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';

const REAL = fileURLToPath(new URL('../../../test/data/results/real-run.results.json', import.meta.url));

/** A run folder holding a copy of the real results.json. */
function runDir(): { dir: string; file: string; text: string } {
  const dir = tempDir();
  const file = join(dir, 'results.json');
  copyFileSync(REAL, file);
  return { dir, file, text: readFileSync(file, 'utf8') };
}

describe('outputs never overwrite inputs', () => {
  it('two spellings of one file are the same path, before and after it exists', () => {
    const { dir, file } = runDir();
    symlinkSync(dir, join(dir, 'link'));
    assert.equal(canonicalPath(join(dir, 'link', 'results.json')), canonicalPath(file));
    assert.equal(canonicalPath(join(dir, 'link', 'new', '..', 'x.html')), canonicalPath(join(dir, 'x.html')));
    assert.throws(
      () =>
        refuseOverwrites(
          [{ name: '--out', path: join(dir, 'link', 'results.json') }],
          [{ name: 'RESULTS', path: file }],
        ),
      /--out .*that is the input RESULTS/,
    );
    assert.throws(
      () =>
        refuseOverwrites(
          [
            { name: '--summary', path: join(dir, 'a') },
            { name: '--junit', path: join(dir, 'a') },
          ],
          [],
        ),
      /that is the output --summary/,
    );
  });

  it('report RESULTS --out RESULTS exits 2 and leaves the results as they were', async () => {
    const { file, text } = runDir();
    const result = await runCli(['report', file, '--out', file]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--out .*results\.json: that is the input RESULTS; writing there would destroy it/);
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('import FILE --out FILE exits 2 and leaves the trace export as it was', async () => {
    const dir = tempDir();
    const file = join(dir, 'traces.json');
    writeFileSync(file, '{"resourceSpans":[]}\n');
    const result = await runCli(['import', file, '--format', 'otlp-json', '--out', file]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--out .*traces\.json: that is the input FILE; writing there would destroy it/);
    assert.equal(readFileSync(file, 'utf8'), '{"resourceSpans":[]}\n');
  });

  it('compare --summary or --junit pointing at BASE or HEAD exits 2 and writes nothing', async () => {
    const { dir, file, text } = runDir();
    const head = join(dir, 'head.json');
    copyFileSync(file, head);
    for (const flag of ['--summary', '--junit']) {
      const result = await runCli(['compare', file, head, flag, head]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`${flag} .*head\\.json: that is the input HEAD`));
      assert.equal(readFileSync(head, 'utf8'), text);
    }
  });

  it('report --out into a missing folder creates it; --out that is a folder exits 2 with a message, no stack trace', async () => {
    const { dir, file } = runDir();
    const out = join(dir, 'new', 'deeper', 'page.html');
    const made = await runCli(['report', file, '--out', out]);
    assert.equal(made.code, 0, made.stderr);
    assert.ok(statSync(out).size > 1000);
    const folder = await runCli(['report', file, '--out', dir]);
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /--out .*: is a folder; give a file name/);
    assert.doesNotMatch(folder.stderr, /\n\s+at /);
    writeFileSync(join(dir, 'plain'), 'x');
    const under = await runCli(['report', file, '--out', join(dir, 'plain', 'page.html')]);
    assert.equal(under.code, 2);
    assert.match(under.stderr, /cannot create the folder .*a part of the path is a file/);
  });

  it('run --out pointing at a file exits 2 before anything starts', async () => {
    const dir = tempDir();
    const file = join(dir, 'taken');
    writeFileSync(file, 'keep me');
    const config = writeConfig(dir, 'name: x\nrounds: 1\n');
    const result = await runCli(['run', '--config', config, '--out', file]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /--out .*taken: is an existing file, but --out takes a folder/);
    assert.doesNotMatch(result.stderr, /\n\s+at /);
    assert.equal(readFileSync(file, 'utf8'), 'keep me');
  });
});

describe('compare refuses results with nothing valid', () => {
  it('a HEAD of cells: [] exits 3, not "0 fail, 0 inconclusive, 0 pass"', async () => {
    const { dir, file } = runDir();
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), cells: [] }));
    const result = await runCli(['compare', file, empty]);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(result.stderr, /HEAD .*empty\.json holds no valid measurement \(no cell at all/);
    assert.doesNotMatch(result.stdout, /0 fail, 0 inconclusive, 0 pass/);
  });

  it('a HEAD whose every trial failed (a failed run) exits 3, naming the side', async () => {
    const { dir, file } = runDir();
    const data = JSON.parse(readFileSync(file, 'utf8'));
    data.status = 'failed';
    for (const cell of data.cells) {
      cell.trials = cell.trials.map((t: Record<string, unknown>) => ({
        runId: t.runId,
        cellId: t.cellId,
        round: t.round,
        order: t.order,
        startedAt: t.startedAt,
        wallMs: t.wallMs,
        warnings: [],
        status: 'failed',
        error: 'the service exited with code 1',
        stderrTail: [],
      }));
      cell.summary = null;
    }
    const failed = join(dir, 'failed.json');
    writeFileSync(failed, JSON.stringify(data));
    const result = await runCli(['compare', file, failed]);
    assert.equal(result.code, 3, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /HEAD .*failed\.json holds no valid measurement \(2 cells, none with a valid trial; run failed\)/,
    );
    const reversed = await runCli(['compare', failed, file]);
    assert.equal(reversed.code, 3);
    assert.match(reversed.stderr, /BASE .*failed\.json/);
  });

  it('a HEAD with a metric that is the string "fast" exits 2 with its path', async () => {
    const { dir, file } = runDir();
    const data = JSON.parse(readFileSync(file, 'utf8'));
    data.cells[1].trials[0].metrics.cpuUsPerRequest = 'fast';
    const fast = join(dir, 'fast.json');
    writeFileSync(fast, JSON.stringify(data));
    const result = await runCli(['compare', file, fast]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /cells\[1\]\.trials\[0\]\.metrics\.cpuUsPerRequest: expected a number, got string "fast"/,
    );
    assert.equal(existsSync(join(dir, 'summary.md')), false);
    mkdirSync(join(dir, 'unused'));
  });
});
