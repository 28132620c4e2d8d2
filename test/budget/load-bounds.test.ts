import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../harness/cli/errors.js';
import { loadBudgetsFile, parseBudgetsText } from '../../harness/budget/load.js';
import { tempDir } from '../helpers/cli.js';
import { ALIAS_BOMB } from '../config/helpers.js';

describe('budgets files are read within the config bounds', () => {
  it('a YAML alias bomb in --budgets is a config error (exit 2) naming the alias limit', () => {
    assert.throws(
      () => parseBudgetsText(ALIAS_BOMB, 'bomb.yaml'),
      (error: unknown) =>
        error instanceof ConfigError && error.exitCode === 2 && /YAML aliases expand too much/.test(error.message),
    );
  });

  it('a FIFO given as --budgets is refused without waiting for a writer', async () => {
    const fifo = join(tempDir(), 'budgets.fifo');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(
      loadBudgetsFile(fifo),
      (error: unknown) => error instanceof ConfigError && /named pipe \(FIFO\), not a file/.test(error.message),
    );
  });

  it('a valid budgets file still loads', async () => {
    const file = join(tempDir(), 'budgets.yaml');
    writeFileSync(file, 'budgets:\n  - where: { processor: batch }\n    limits: { cpuUsPerRequest: +60% }\n');
    const budgets = await loadBudgetsFile(file);
    assert.equal(budgets.length, 1);
  });
});
