import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Results } from '../../harness/results/types.js';
import { PACKAGE_ROOT, readJson, runCli, tempDir } from '../helpers/cli.js';

const OTEL = join(PACKAGE_ROOT, 'node_modules', '@opentelemetry');
/** CPU burned per serializeRequest call of 100 spans in the patched copy: 20 µs per span, about 4× the ~5 µs measured. */
const BURN_NS = 2_000_000;

/** `root/node_modules/@opentelemetry/*` as symlinks to the installed packages: a second install of the same versions. */
function variantTree(root: string): string {
  const scope = join(root, 'node_modules', '@opentelemetry');
  mkdirSync(scope, { recursive: true });
  for (const name of readdirSync(OTEL)) symlinkSync(join(OTEL, name), join(scope, name), 'dir');
  return root;
}

/** The same tree with a real copy of otlp-transformer whose ProtobufTraceSerializer spins before serializing. */
function slowedTree(root: string): string {
  variantTree(root);
  const pkg = join(root, 'node_modules', '@opentelemetry', 'otlp-transformer');
  rmSync(pkg);
  cpSync(join(OTEL, 'otlp-transformer'), pkg, { recursive: true, dereference: true });
  const file = join(pkg, 'build', 'src', 'trace', 'protobuf', 'trace.js');
  const source = readFileSync(file, 'utf8');
  const patched = source.replace(
    'serializeRequest: (arg) => {',
    `serializeRequest: (arg) => { const end = process.hrtime.bigint() + ${BURN_NS}n; while (process.hrtime.bigint() < end);`,
  );
  assert.notEqual(patched, source, 'the patch point is in this otlp-transformer');
  writeFileSync(file, patched);
  return root;
}

describe('tracebench micro: A/B of two variants’ node_modules', () => {
  const dir = tempDir('tb-micro-ab-');
  let results: Results;
  let stdout = '';
  let code: number | null = null;
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(async () => {
    const base = variantTree(join(dir, 'base'));
    const head = slowedTree(join(dir, 'head'));
    const out = join(dir, 'out');
    const run = await runCli(
      [
        'micro',
        '--quick',
        '--suite',
        'serialize',
        '--rounds',
        '3',
        '--variant',
        `base=${base}`,
        '--variant',
        `head=${head}`,
        '--out',
        out,
      ],
      { timeoutMs: 120_000 },
    );
    ({ stdout, code } = run);
    assert.ok(code === 0 || code === 1, run.stderr);
    results = readJson(join(out, readdirSync(out)[0], 'results.json'));
  });

  it('runs every suite on both sides, interleaved A, B then B, A, each in its own worker', () => {
    const order = results.micro?.suites.map((s) => `${s.round}:${s.variant}`);
    assert.deepEqual(order, ['0:base', '0:head', '1:head', '1:base', '2:base', '2:head']);
    const threads = results.micro?.suites.map((s) => (s.status === 'ok' ? s.workerThreadId : -1));
    assert.equal(new Set(threads).size, 6, 'a fresh worker per suite and side');
    assert.deepEqual(
      results.micro?.variants?.map((v) => v.name),
      ['base', 'head'],
    );
  });

  it('judges the slowed task fail and the unchanged one not, with intervals; exit 1', () => {
    assert.equal(code, 1, stdout);
    assert.match(stdout, /^serialize\/otlp-protobuf\s+.*\+[\d.,]+% \(95% CI \+[\d.,]+% to \+[\d.,]+%\)\s+fail$/m);
    const json = stdout.split('\n').find((l) => l.startsWith('serialize/otlp-json ') && /(pass|inconclusive)$/.test(l));
    assert.ok(json, `otlp-json is not judged fail:\n${stdout}`);
    assert.match(stdout, /^resolution: serialize\/otlp-protobuf@head \(A\/B\): this run could detect changes of ±/m);
  });

  it('writes the A/B verdicts into summary.md', () => {
    const out = join(dir, 'out');
    const md = readFileSync(join(out, readdirSync(out)[0], 'summary.md'), 'utf8');
    assert.match(md, /serialize\/otlp-protobuf@head/);
    assert.match(md, /### ❌ Failed/);
  });
});
