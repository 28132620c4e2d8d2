import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chainZipkin, deepJaeger, deepOtlp } from '../import/hostile.js';
import { PACKAGE_ROOT, runCli, tempDir } from '../helpers/cli.js';

interface RegressionCase {
  name: string;
  args: string[];
  expect: string;
  alsoExpect?: string[];
  /** An input made here rather than committed: too large, or a FIFO. */
  generate?: string;
  maxSeconds?: number;
}

const CORPUS = join(PACKAGE_ROOT, 'test', 'data', 'regressions');
const { cases } = JSON.parse(readFileSync(join(CORPUS, 'cases.json'), 'utf8')) as { cases: RegressionCase[] };

/** Lines of `KEY: v`, streamed: a million of them is 12 MB. */
async function envKeys(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('service:\n  env:\n');
  for (let i = 0; i < count; i += 10_000)
    out.write(Array.from({ length: Math.min(10_000, count - i) }, (_, j) => `    K${i + j}: v\n`).join(''));
  await new Promise((resolve, reject) => out.end(() => resolve(undefined)).on('error', reject));
}

const GENERATORS: Record<string, (file: string) => void | Promise<void>> = {
  'deep-otlp.json': (file) => writeFileSync(file, deepOtlp(20_000)),
  'deep-jaeger.json': (file) => writeFileSync(file, deepJaeger(20_000)),
  'span-chain.json': (file) => writeFileSync(file, chainZipkin(20_000)),
  'traces.fifo': (file) => void execFileSync('mkfifo', [file]),
  'million-env.yaml': (file) => envKeys(file, 1_000_000),
  'many-env.yaml': (file) => envKeys(file, 50_000),
  'huge-string.yaml': (file) => writeFileSync(file, `name: ${'x'.repeat(50 * 1024 * 1024 - 7)}\n`),
  'binary.yaml': (file) => {
    let seed = 14;
    const bytes = Buffer.alloc(137 * 1024);
    for (let i = 0; i < bytes.length; i += 2) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    writeFileSync(file, bytes);
  },
};

describe('regression corpus: every hostile input of issue 14 ends in exit 2 with a clear message', {
  timeout: 300_000,
  concurrency: 2,
}, () => {
  const tmp = tempDir('tb-regressions-');
  before(async () => {
    for (const c of cases) if (c.generate) await GENERATORS[c.generate](join(tmp, c.generate));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('every generated input has a generator', () => {
    for (const c of cases) if (c.generate) assert.ok(GENERATORS[c.generate], c.generate);
  });

  for (const c of cases)
    it(c.name, async () => {
      const args = c.args.map((a) => a.replaceAll('{corpus}', CORPUS).replaceAll('{tmp}', tmp));
      const started = Date.now();
      const result = await runCli(args, { timeoutMs: 60_000 });
      const seconds = (Date.now() - started) / 1000;
      const stderr = result.stderr;
      assert.equal(result.code, 2, `exit ${result.code}:\n${stderr.slice(0, 2000)}`);
      assert.ok(
        !stderr.includes('internal error') && !/\n\s+at /.test(stderr),
        `a stack trace:\n${stderr.slice(0, 2000)}`,
      );
      for (const fragment of [c.expect, ...(c.alsoExpect ?? [])])
        assert.ok(stderr.includes(fragment), `expected ${JSON.stringify(fragment)} in:\n${stderr.slice(0, 2000)}`);
      assert.ok(
        !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(stderr),
        `raw control characters in:\n${JSON.stringify(stderr.slice(0, 500))}`,
      );
      assert.ok(stderr.length < 10_000, `${stderr.length} characters of stderr`);
      if (c.maxSeconds) assert.ok(seconds < c.maxSeconds, `took ${seconds.toFixed(1)} s (limit ${c.maxSeconds} s)`);
    });
});
