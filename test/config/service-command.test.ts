import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfigFile, packageRoot } from '../../harness/config/load.js';
import { buildPlan } from '../../harness/plan/plan.js';
import { assertIssue, issuesOf, parse } from './helpers.js';

describe('config: a service started by entry or command', () => {
  it('takes a command, a working directory and environment for traced cells only', () => {
    const config = parse(
      'service:\n  command: [node, dist/server.js]\n  cwd: ./app\n  tracedEnv: { NODE_OPTIONS: --require @opentelemetry/auto-instrumentations-node/register }\n',
    );
    assert.deepEqual(config.service.command, ['node', 'dist/server.js']);
    assert.equal(config.service.cwd, './app');
    assert.deepEqual(config.service.tracedEnv, {
      NODE_OPTIONS: '--require @opentelemetry/auto-instrumentations-node/register',
    });
    assert.equal(parse('rounds: 1\n').service.tracedEnv, undefined);
  });

  it('refuses entry and command together, and an empty command', () => {
    assertIssue(
      issuesOf('service: { entry: app.js, command: [node, app.js] }\n'),
      'service.command',
      'give entry (a JavaScript file) or command (e.g. [node, dist/server.js]), not both',
    );
    assertIssue(issuesOf('service: { command: [] }\n'), 'service.command', '');
    assertIssue(issuesOf("service: { command: [node, ''] }\n"), 'service.command[1]', '');
  });

  it('holds tracedEnv to the same rules as env: no variable a cell sets', () => {
    assertIssue(
      issuesOf('service: { tracedEnv: { OTEL_TRACES_SAMPLER: always_off } }\n'),
      'service.tracedEnv.OTEL_TRACES_SAMPLER',
      'reserved: the harness sets it',
    );
  });
});

describe('the shipped framework-app config', () => {
  it('workloads/apps/express-zero-code.yaml loads, runs its command from its own folder and loads the SDK in traced cells only', async () => {
    const file = join(packageRoot(), 'workloads', 'apps', 'express-zero-code.yaml');
    const config = await loadConfigFile(file, {}, () => 1);
    assert.deepEqual(config.service.command, ['node', 'express-app.cjs']);
    assert.ok(existsSync(resolve(dirname(file), config.service.command![1])));
    assert.match(config.service.tracedEnv?.NODE_OPTIONS ?? '', /auto-instrumentations-node\/register/);
    assert.equal(config.service.env.NODE_OPTIONS, undefined);
    assert.ok(buildPlan(config).cells.length > 1);
  });
});
