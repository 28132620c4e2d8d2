import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PACKAGE_ROOT, tempDir } from '../helpers/cli.js';

const BIOME = join(PACKAGE_ROOT, 'node_modules', '.bin', 'biome');
const LINT_SCRIPT = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).scripts.lint as string;

const dirs: string[] = [];
/** Runs the `npm run lint` command on one file in a copy of the repository's biome.json. */
function lint(text: string): { status: number | null; output: string } {
  const dir = tempDir('tb-format-');
  dirs.push(dir);
  copyFileSync(join(PACKAGE_ROOT, 'biome.json'), join(dir, 'biome.json'));
  mkdirSync(join(dir, 'harness'));
  writeFileSync(join(dir, 'harness', 'x.ts'), text);
  const args = LINT_SCRIPT.replace(/^biome /, '').split(' ');
  const r = spawnSync(BIOME, [...args, '--colors=off'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('npm run lint (biome ci)', { concurrency: false }, () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is what npm test runs first', () => {
    const scripts = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).scripts;
    assert.match(scripts.test, /^npm run lint --silent && npm run lint:deps --silent && /);
    assert.match(LINT_SCRIPT, /^biome ci --error-on-warnings \.$/);
  });

  it('passes a formatted, clean file', () => {
    const r = lint("export const greeting = 'hello';\n");
    assert.equal(r.status, 0, r.output);
  });

  it('fails on a badly formatted file', () => {
    const r = lint('export const greeting = "hello"\n');
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /format/i);
  });

  it('fails on a line past 120 columns', () => {
    const long = Array.from({ length: 30 }, (_, i) => `v${i}`).join(', ');
    const r = lint(`export const ${'x'.repeat(10)} = [${long}, ${long}];\n`.replace(/v\d+/g, '1'));
    assert.notEqual(r.status, 0, r.output);
  });

  it('fails on a lint warning, not only an error', () => {
    const r = lint('export function f(unused: number): number {\n  return 1;\n}\n');
    assert.notEqual(r.status, 0, r.output);
    assert.match(r.output, /noUnusedFunctionParameters/);
  });
});
