import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../helpers/cli.js';

const GROUPS = ['test:unit', 'test:tools', 'test:rest'] as const;

/** The files a test script hands to node --test: its `$(find ...)` run as the script's shell would. */
function filesOf(script: string): string[] {
  const find = /\$\((find dist\/test [^)]*(?:\\\)[^)]*)*\| sort)\)/.exec(script);
  assert.ok(find, `no $(find dist/test ... | sort) in: ${script}`);
  return execFileSync('bash', ['-c', find[1]], { cwd: PACKAGE_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('npm test runs every test file once', () => {
  it('the unit, tools and rest groups are disjoint and together hold every compiled test file', () => {
    const scripts = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    for (const group of GROUPS) assert.match(scripts.test, new RegExp(`npm run ${group}\\b`), `npm test runs ${group}`);
    const all = execFileSync('bash', ['-c', "find dist/test -name '*.test.js' | sort"], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    const owner = new Map<string, string>();
    for (const group of GROUPS)
      for (const file of filesOf(scripts[group])) {
        assert.equal(owner.get(file), undefined, `${file} is in ${owner.get(file)} and ${group}`);
        owner.set(file, group);
      }
    assert.deepEqual(
      all.filter((f) => !owner.has(f)),
      [],
      'test files no group runs: add them to test:unit (pure), test:tools or test:rest (package.json)',
    );
    assert.ok(owner.size > 100, `${owner.size} files`);
  });
});
