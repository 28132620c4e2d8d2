import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateWorkflow } from '@action-validator/core';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { parse, parseAllDocuments } from 'yaml';
import { PACKAGE_ROOT, runCli } from '../helpers/cli.js';

const doc = (name: string) => readFileSync(join(PACKAGE_ROOT, 'docs', name), 'utf8');

describe('the scale-out examples in docs/', () => {
  it('the GitHub Actions workflow validates as a workflow (schema and job references), and the check catches a broken one', () => {
    const source = doc('github-actions-shards.yml');
    assert.deepEqual(validateWorkflow(source).errors, []);
    assert.notDeepEqual(validateWorkflow(source.replace('needs: plan', 'needs: plann')).errors, []);
    const workflow = parse(source);
    // A GitHub expression, not a JS template.
    assert.equal(workflow.jobs.shard.strategy.matrix, ['$', '{{ fromJSON(needs.plan.outputs.matrix) }}'].join(''));
    assert.match(
      workflow.jobs.plan.steps.at(-1).run,
      /tracebench plan --config configs\/full\.yaml --shards 4 --format github/,
    );
    assert.match(
      workflow.jobs.merge.steps.find((s: { run?: string }) => s.run?.includes('merge')).run,
      /tracebench merge shards\/shard-\* --out merged/,
    );
  });

  it('the Kubernetes manifests validate, and the shard Job is what tracebench plan --format k8s prints', async () => {
    const docs = parseAllDocuments(doc('k8s-indexed-job.yaml')).map((d) => d.toJS());
    const [claim, shards, merge] = docs;
    new PersistentVolumeClaim(claim).validate();
    new Job(shards).validate();
    new Job(merge).validate();
    assert.equal(shards.spec.completionMode, 'Indexed');
    assert.equal(shards.spec.completions, 4);
    const printed = await runCli([
      'plan',
      '--config',
      'configs/full.yaml',
      '--shards',
      '4',
      '--format',
      'k8s',
      '--seed',
      '4242',
      '--name',
      'tracebench-full',
    ]);
    assert.equal(printed.code, 0, printed.stderr);
    assert.deepEqual(shards, parse(printed.stdout));
    assert.match(
      merge.spec.template.spec.containers[0].args[0],
      /tracebench merge \/results\/tracebench-full\/shard-\*/,
    );
  });
});
