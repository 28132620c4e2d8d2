import assert from 'node:assert/strict';
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attribute } from '../../harness/report/attribution.js';
import { readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

/** Issue 7, acceptance 3, at a small size: the layer cells run, micro results ride along, and the report draws the waterfall. */
describe('attribution, end to end', { timeout: 300_000 }, () => {
  it('runs every layer, adds micro results, and the increments add up to the measured total within their intervals', async () => {
    const dir = tempDir();
    const config = writeConfig(
      dir,
      `name: attribution-small
rounds: 3
seed: 9
load: { rateRps: 400, warmupSeconds: 0.3, durationSeconds: 1 }
attribution: { exporters: [otlp-http-protobuf], simple: false, micro: quick, batch: { scheduleDelayMillis: 200 } }
`,
      'attribution.yaml',
    );
    const out = join(dir, 'out');
    const result = await runCli(['run', '--config', config, '--out', out, '--quiet'], { timeoutMs: 280_000 });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const runDir = join(out, readlinkSync(join(out, 'latest')));
    const results = readJson(join(runDir, 'results.json'));
    assert.deepEqual(
      results.cells.map((c: { id: string }) => c.id),
      [
        'baseline',
        'api-noop',
        'always_off~no-context',
        'always_off',
        'always_on~recorded',
        'always_on~batch-d200~otlp-http-protobuf',
      ],
    );
    assert.ok(results.micro?.tasks.length > 0, 'micro results ride along');
    const model = attribute(results);
    assert.ok(model, 'an attribution model');
    // Every layer cell ran a profiled window; its profile lies beside results.json and the check has figures to judge.
    for (const cell of results.cells)
      for (const trial of cell.trials)
        assert.ok(trial.metrics.profile?.files.length === 1, `${cell.id} has no profile`);
    assert.ok(model!.paths.length > 0);
    for (const path of model!.paths) assert.notEqual(path.profile.status, 'unmeasured', path.profile.message);
    assert.match(readFileSync(join(runDir, 'report.html'), 'utf8'), /class="flame"/);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    assert.match(html, /id="section-attribution"/);
    assert.match(readFileSync(join(runDir, 'summary.md'), 'utf8'), /Attribution: CPU per request each layer adds/);
  });
});
