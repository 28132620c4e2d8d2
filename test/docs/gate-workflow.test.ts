import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { parseConfig } from '../../harness/config/load.js';
import { PACKAGE_ROOT } from '../helpers/cli.js';

describe('the pull-request gate example (docs/github-actions-gate.yml)', () => {
  it('validates as a workflow, and the config it writes is a windows A/B of base and head that stops once decided', () => {
    const source = readFileSync(join(PACKAGE_ROOT, 'docs', 'github-actions-gate.yml'), 'utf8');
    assert.deepEqual(validateWorkflow(source).errors, []);
    const step = parse(source).jobs.tracebench.steps.find((s: { name?: string }) => s.name === 'Same-run A/B');
    const heredoc = /cat > ab\.yaml <<'YAML'\n([\s\S]*?)\n\s*YAML\n/.exec(step.run);
    assert.ok(heredoc, 'the step writes ab.yaml from a heredoc');
    const config = parseConfig(heredoc[1], 'ab.yaml', {}, () => 42);
    assert.equal(config.method?.type, 'windows');
    assert.ok(config.method?.type === 'windows' && config.method.untilDecided);
    assert.deepEqual(
      config.variants?.map((v) => v.name),
      ['base', 'head'],
    );
    assert.match(step.run, /tracebench run --config ab\.yaml/);
  });
});
