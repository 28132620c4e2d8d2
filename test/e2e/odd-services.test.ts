import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Results } from '../../harness/results/types.js';
import { processesWithMarker, readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

const ODD = fileURLToPath(new URL('../target/fixtures/odd-server.js', import.meta.url));

function config(marker: string, service: string, rounds = 1): string {
  return `name: odd
rounds: ${rounds}
seed: 9
load: { rateRps: 100, warmupSeconds: 0.2, durationSeconds: 1 }
service:
  entry: ${JSON.stringify(ODD)}
  startupTimeoutMs: 1500
  ${service.replace('@MARKER@', marker)}
matrix: { sampler: [always_on], processor: [batch], exporter: [otlp-http-protobuf] }
drainTimeoutMs: 500
`;
}

async function gone(marker: string): Promise<number[]> {
  const deadline = Date.now() + 5000;
  while (processesWithMarker(marker).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return processesWithMarker(marker);
}

describe('services that misbehave, under tracebench run', () => {
  it('reports connections off loopback, fails a trial whose service never listens with what to change, and goes on', async () => {
    const dir = tempDir();
    // A relative preload: it resolves from the config's folder, the service's working directory by default.
    writeFileSync(join(dir, 'preload.cjs'), "if (!process.env.ODD) process.env.ODD = 'egress';\n");
    const marker = `tb-${randomUUID()}`;
    const file = writeConfig(
      dir,
      config(
        marker,
        "env: { NODE_OPTIONS: --require ./preload.cjs, TRACEBENCH_TEST_MARKER: '@MARKER@' }\n  tracedEnv: { ODD: never-listens }",
      ),
    );
    const out = join(dir, 'reports');
    const result = await runCli(['run', '--config', file, '--out', out]);
    // The run goes on past the cell that never listened, and exits 3 because that cell has no valid trial.
    assert.equal(result.code, 3, result.stderr);
    const results = readJson<Results>(join(out, 'latest', 'results.json'));
    const [baseline, traced] = results.cells.map((c) => c.trials[0]);
    assert.equal(baseline.status, 'ok', JSON.stringify(baseline));
    assert.match(baseline.warnings.join('\n'), /the service connected to 169\.254\.169\.254:80, off this machine/);
    assert.match(
      baseline.warnings.join('\n'),
      /the service tried to connect to metadata\.google\.internal:80 \(the name did not resolve\)/,
    );
    assert.match(result.stderr, /! the service connected to 169\.254\.169\.254:80/);
    assert.equal(traced.status, 'failed');
    assert.match(
      traced.status === 'failed' ? traced.error : '',
      /^service did not listen on any port within 1500 ms; tracebench gives the port in PORT \(\d+\): make the app listen on process\.env\.PORT$/,
    );
    assert.deepEqual(traced.status === 'failed' ? traced.stderrTail : [], [
      'odd-server: waiting for the queue before listening',
    ]);
    assert.match(
      result.stderr,
      /FAILED: service did not listen on any port[^\n]*\n\s+service stderr \(last lines\):\n\s+odd-server: waiting for the queue/,
    );
    assert.deepEqual(await gone(marker), []);
  });

  it('leaves no process behind when the service starts children: after a normal end and after SIGTERM', async () => {
    const dir = tempDir();
    const marker = `tb-${randomUUID()}`;
    const normal = await runCli([
      'run',
      '--config',
      writeConfig(dir, config(marker, "env: { ODD: children, TRACEBENCH_TEST_MARKER: '@MARKER@' }")),
      '--out',
      join(dir, 'a'),
    ]);
    assert.equal(normal.code, 0, normal.stderr);
    assert.deepEqual(processesWithMarker(marker), [], 'no orphan after a normal end');

    const marker2 = `tb-${randomUUID()}`;
    let sent = false;
    let polling: NodeJS.Timeout | undefined;
    const interrupted = await runCli(
      [
        'run',
        '--config',
        writeConfig(dir, config(marker2, "env: { ODD: children, TRACEBENCH_TEST_MARKER: '@MARKER@' }", 5), 'b.yaml'),
        '--out',
        join(dir, 'b'),
      ],
      {
        onStderr: (text, child) => {
          if (polling || !text.includes('writing ')) return;
          // Once a service and its two children run.
          polling = setInterval(() => {
            if (processesWithMarker(marker2).length < 3) return;
            clearInterval(polling);
            sent = true;
            child.kill('SIGTERM');
          }, 20);
        },
      },
    );
    clearInterval(polling);
    assert.ok(sent, interrupted.stderr);
    assert.match(interrupted.stderr, /SIGTERM: stopping/);
    assert.deepEqual(await gone(marker2), [], 'no orphan after SIGTERM');
  });
});
