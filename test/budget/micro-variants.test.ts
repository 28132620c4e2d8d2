import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseBudgets } from '../../harness/budget/load.js';
import { compareMicroVariants } from '../../harness/budget/micro-compare.js';
import type { MicroSection } from '../../harness/micro/types.js';
import { microOptionIssues } from '../../harness/micro/options.js';
import { parseVariantFlag, variantNodeModules, variantsFromConfig } from '../../harness/micro/variants.js';
import { judgeRun } from '../../harness/report/views.js';
import { microResultsDocument } from '../../harness/micro/document.js';
import { PACKAGE_ROOT, tempDir } from '../helpers/cli.js';
import { microFixture } from '../report/fixtures/micro-fixtures.js';

/** A micro section with two variants whose tasks have the given per-round ns/op. */
function abSection(base: Record<string, number[]>, head: Record<string, number[]>): MicroSection {
  const rounds = Object.values(base)[0].length;
  const side = (name: string, tasks: Record<string, number[]>, packages: Record<string, string>) => ({
    name,
    nodeModules: `/x/${name}/node_modules`,
    packages,
    tasks: microFixture({ tasks, rounds }).tasks,
  });
  return {
    ...microFixture({ tasks: base, rounds }),
    variants: [
      side('base', base, { '@opentelemetry/core': '2.11.0' }),
      side('head', head, { '@opentelemetry/core': '2.12.0' }),
    ],
  };
}

describe('micro A/B verdicts: head variant against base, per task', () => {
  const section = abSection(
    { 'span/bare': [1000, 1010, 990, 1005], 'sampler/always-on': [50, 51, 49, 50] },
    { 'span/bare': [1500, 1490, 1520, 1510], 'sampler/always-on': [50, 50, 51, 49] },
  );

  it('fails the slowed task, passes the unchanged one, each with an interval and a resolution', () => {
    const v = compareMicroVariants(section, { threshold: 0.1 });
    const bare = v.checks.find((c) => c.cellId === 'span/bare');
    const sampler = v.checks.find((c) => c.cellId === 'sampler/always-on');
    assert.equal(bare?.verdict, 'fail');
    assert.equal(bare?.kind, 'ab');
    assert.equal(bare?.variant, 'head');
    assert.equal(bare?.id, 'ab:micro.nsPerOp:span/bare@head#default');
    assert.ok(bare && bare.measured.low > 10 && bare.measured.low < bare.measured.estimate);
    assert.equal(sampler?.verdict, 'pass');
    assert.ok(sampler?.resolution && sampler.resolution.unit === '%' && sampler.resolution.value > 0);
    assert.match(v.notes.join('\n'), /@opentelemetry\/core 2\.11\.0 → 2\.12\.0/);
  });

  it('a budget naming a task replaces the default limit for it', () => {
    const budgets = parseBudgets(
      { budgets: [{ where: { task: ['span/bare'] }, limits: { 'micro.nsPerOp': '+100%' } }] },
      'test',
    );
    const v = compareMicroVariants(section, { budgets });
    assert.equal(v.checks.find((c) => c.cellId === 'span/bare')?.verdict, 'pass');
  });

  it('judgeRun judges a micro results document with variants, as tracebench micro does', () => {
    const doc = microResultsDocument({ ...section, kind: 'micro', environment: microResultsDocumentEnv() }, 'run-1');
    const judged = judgeRun(doc, { threshold: 0.05, microThreshold: 0.1 });
    assert.deepEqual(
      judged.verdicts.checks.filter((c) => c.kind === 'ab').map((c) => [c.cellId, c.verdict]),
      [
        ['span/bare', 'fail'],
        ['sampler/always-on', 'pass'],
      ],
    );
  });
});

function microResultsDocumentEnv() {
  return {
    node: 'v20.20.2',
    os: 'Linux',
    cpuModel: 'Test CPU',
    cores: 2,
    totalMemoryBytes: 1,
    openTelemetry: {},
    tracebench: '0.1.0',
    hostname: 'h',
  };
}

describe('--variant NAME=DIR', () => {
  it('takes a project folder or its node_modules, when it holds @opentelemetry', () => {
    const installed = join(PACKAGE_ROOT, 'node_modules');
    assert.equal(variantNodeModules(PACKAGE_ROOT), installed);
    assert.deepEqual(parseVariantFlag(`head=${installed}`), { name: 'head', nodeModules: installed });
  });

  it('says what is wrong with a bad flag, a folder with no packages, or not two variants', () => {
    const empty = tempDir('tb-micro-variant-');
    mkdirSync(join(empty, 'node_modules'));
    assert.match(String(parseVariantFlag('nodir')), /expected NAME=DIR/);
    assert.match(
      String(parseVariantFlag(`base=${empty}`)),
      /no node_modules\/@opentelemetry in .*point it at a project/,
    );
    rmSync(empty, { recursive: true });
    const one = [{ name: 'a', nodeModules: join(PACKAGE_ROOT, 'node_modules') }];
    assert.match(microOptionIssues({ profile: 'quick', variants: one }).join(), /compares exactly two/);
    assert.match(
      microOptionIssues({ profile: 'quick', variants: [one[0], one[0]] }).join(),
      /variants\[1\]: name 'a' used twice/,
    );
  });

  it("a config's variants: each side's packages are those its entry resolves, else those beside the config", () => {
    const root = tempDir('tb-micro-config-');
    mkdirSync(join(root, 'base', 'node_modules', '@opentelemetry'), { recursive: true });
    mkdirSync(join(root, 'base', 'dist'), { recursive: true });
    mkdirSync(join(root, 'node_modules', '@opentelemetry'), { recursive: true });
    const config = join(root, 'gate.yaml');
    assert.deepEqual(variantsFromConfig([{ name: 'base', entry: 'base/dist/main.js' }, { name: 'head' }], config), [
      { name: 'base', nodeModules: join(root, 'base', 'node_modules') },
      { name: 'head', nodeModules: join(root, 'node_modules') },
    ]);
    rmSync(join(root, 'node_modules'), { recursive: true });
    const [, head] = variantsFromConfig([{ name: 'base', entry: 'base/dist/main.js' }, { name: 'head' }], '/gate.yaml');
    assert.match(String(head), /variants\[1\] \(head\): no node_modules\/@opentelemetry at or above \//);
    rmSync(root, { recursive: true });
  });
});
