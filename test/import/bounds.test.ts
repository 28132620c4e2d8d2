import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../harness/import/errors.js';
import { importTraceFile, importTraces, MAX_SPAN_DEPTH } from '../../harness/import/import.js';
import { MAX_JSON_DEPTH } from '../../harness/import/read-export.js';
import type { TraceFormat } from '../../harness/import/types.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { chainZipkin, deepJaeger, deepOtlp } from './hostile.js';

function inputError(text: string, format: TraceFormat): InputError {
  try {
    importTraces(text, { format }, 'export.json');
  } catch (error) {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error).slice(0, 300)}`);
    assert.equal(error.exitCode, 2);
    return error;
  }
  assert.fail('expected an InputError');
}

describe('imports are bounded', () => {
  it('OTLP arrayValue nested 20,000 deep: exit 2 naming the depth limit, not a stack overflow', () => {
    const error = inputError(deepOtlp(20_000), 'otlp-json');
    assert.match(
      error.message,
      new RegExp(
        `^export\\.json:1:\\d+: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects \\(the import's depth limit\\)`,
      ),
    );
  });

  it('Jaeger tags nested 20,000 deep: the same', () => {
    assert.match(inputError(deepJaeger(20_000), 'jaeger').message, /nested deeper than 64 levels/);
  });

  it('nesting within the limit still imports, brackets inside strings do not count', () => {
    assert.ok(importTraces(deepOtlp(10), { format: 'otlp-json' }, 'e.json').shape);
    const bracketsInName = deepOtlp(1).replace('"GET /"', `"${'['.repeat(500)}"`);
    assert.ok(importTraces(bracketsInName, { format: 'otlp-json' }, 'e.json').shape);
  });

  it(`a trace whose spans nest deeper than ${MAX_SPAN_DEPTH} is refused, not overflowed`, () => {
    assert.match(
      inputError(chainZipkin(20_000), 'zipkin').message,
      /trace a1 nests spans 20000 levels deep: the import takes at most 100/,
    );
    assert.ok(importTraces(chainZipkin(MAX_SPAN_DEPTH), { format: 'zipkin' }, 'e.json').shape);
  });

  it('an OTLP intValue that is not a number is an input error naming the span', () => {
    const text = deepOtlp(0).replace('{"stringValue":"x"}', '{"intValue":"abc"}');
    assert.match(inputError(text, 'otlp-json').message, /span 0102030405060708: an attribute value cannot be read/);
  });

  it('a FIFO is refused at once instead of waiting for a writer; so is a folder', async () => {
    const dir = tempDir();
    try {
      const fifo = join(dir, 'traces.json');
      execFileSync('mkfifo', [fifo]);
      assert.throws(
        () => importTraceFile(fifo, { format: 'jaeger' }),
        /a named pipe \(FIFO\), not a file: give the path of an exported trace file/,
      );
      assert.throws(() => importTraceFile(dir, { format: 'jaeger' }), /a folder, not a file/);
      const cli = await runCli(['import', fifo, '--format', 'jaeger'], { timeoutMs: 20_000 });
      assert.equal(cli.code, 2, cli.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file above --max-file-bytes is refused before it is read, saying the limit', () => {
    const dir = tempDir();
    try {
      const file = join(dir, 'big.json');
      writeFileSync(file, deepOtlp(1) + ' '.repeat(2048));
      assert.throws(
        () => importTraceFile(file, { format: 'otlp-json', maxFileBytes: 1024 }),
        /above the import limit of 1024 bytes/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keys and values echoed in a wrong-format message are escaped and cut', () => {
    const key = `\u001b[2J${'k'.repeat(500)}`;
    const message = inputError(JSON.stringify({ [key]: 1 }), 'jaeger').message;
    assert.ok(!message.includes('\u001b') && message.includes('\\u001b[2J') && message.length < 1000, message);
  });
});
