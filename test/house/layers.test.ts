import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PACKAGE_ROOT, tempDir } from '../helpers/cli.js';

const DEPCRUISE = join(PACKAGE_ROOT, 'node_modules', '.bin', 'depcruise');

/** A tiny tree under the repository's own rules: one module per layer that a case needs. */
function tree(files: Record<string, string>): string {
  const dir = tempDir('tb-layers-');
  copyFileSync(join(PACKAGE_ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  const compilerOptions = { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['**/*.ts'] }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const dirs: string[] = [];
function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const dir = tree(files);
  dirs.push(dir);
  const r = spawnSync(
    DEPCRUISE,
    ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'harness', 'workloads'],
    { cwd: dir, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const DOWNWARD = {
  'harness/errors.ts': 'export class E extends Error {}\n',
  'harness/config/load.ts': "import { E } from '../errors.js';\nexport const load = () => new E('x');\n",
  'harness/report/view.ts': "import { load } from '../config/load.js';\nexport const view = () => load();\n",
  'harness/cli/main.ts': "import { view } from '../report/view.js';\nview();\n",
  'workloads/shape/types.ts': "import { E } from '../../harness/errors.js';\nexport const shape = new E('y');\n",
};

// Every deliberate violation sits in one tree, so the check runs twice in all (each run takes seconds).
const VIOLATIONS: Record<string, string> = {
  'harness/config/load.ts': "import { view } from '../report/view.js';\nexport const load = () => view;\n",
  'harness/report/view.ts': 'export const view = 1;\n',
  'harness/run/run.ts': "export { UsageError } from '../cli/main.js';\n",
  'harness/stats/metrics.ts': 'export const METRICS = {};\n',
  'harness/budget/schema.ts': "import { METRICS } from '../stats/metrics.js';\nexport const s = METRICS;\n",
  'harness/plan/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
  'harness/plan/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
  'harness/load/mix.ts': 'export const fillPath = (p: string) => p;\n',
  'workloads/service/remote.ts': "import { fillPath } from '../../harness/load/mix.js';\nfillPath('/');\n",
  'harness/outcomes/types.ts': "export { E } from '../errors.js';\n",
};

describe('layers: the dependency-cruiser rules', { concurrency: false }, () => {
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('pass a tree whose imports all point down', () => {
    const r = cruise(DOWNWARD);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, /no dependency violations/);
  });

  describe('on a tree with deliberately added upward imports', () => {
    let r: { status: number | null; output: string };
    before(() => {
      r = cruise({ ...DOWNWARD, ...VIOLATIONS });
    });

    it('fail', () => assert.notEqual(r.status, 0, r.output));

    it('name an upward import with its rule and files', () => {
      assert.match(r.output, /upward-from-config: harness\/config\/load\.ts → harness\/report\/view\.ts/);
    });

    it('catch a lower stage importing the CLI for its errors', () => {
      assert.match(r.output, /upward-from-run: harness\/run\/run\.ts → harness\/cli\/main\.ts/);
    });

    it('place a file by what it holds: the budgets section of the config may not import the stats stage', () => {
      assert.match(r.output, /upward-from-config: harness\/budget\/schema\.ts → harness\/stats\/metrics\.ts/);
    });

    it('catch a cycle inside one stage', () => {
      assert.match(r.output, /no-circular: harness\/plan\/a\.ts →/);
    });

    it('catch workloads/ reaching into a harness stage above config', () => {
      assert.match(r.output, /workloads-below-harness: workloads\/service\/remote\.ts → harness\/load\/mix\.ts/);
    });

    it('catch a folder no layer places (a moved or new stage)', () => {
      assert.match(r.output, /not-in-a-layer: harness\/outcomes\/types\.ts → harness\/errors\.ts/);
    });

    it('report nothing for the modules that import downward', () => {
      assert.doesNotMatch(r.output, /harness\/cli\/main\.ts →|workloads\/shape\/types\.ts →/);
    });
  });
});
