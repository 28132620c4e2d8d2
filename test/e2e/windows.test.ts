import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Results } from '../../harness/results/types.js';
import { resultsSchema } from '../../harness/results/results-schema.js';
import { runCli, tempDir, writeConfig } from '../helpers/cli.js';

// Short windows at a low rate: the method end to end in under 40 s, not its precision (npm run bench:precision).
const CONFIG = `name: windows-e2e
load: { rateRps: 200 }
matrix: { sampler: [always_on], processor: [batch], exporter: [none] }
variants:
  - name: base
  - name: slower
    extraCpuUsPerRequest: 400
method:
  type: windows
  windowSeconds: 1
  processes: 2
  windowsPerBlock: 3
  leadInSeconds: 0.5
  warmupMaxSeconds: 6
  maxMinutes: 0.75
  untilDecided: true
  limitPct: 10
`;

describe('the windows method, end to end', () => {
  it('a variant with 400 µs injected per request fails a 10% limit, decided before its time is up, in a results.json that validates', async () => {
    const dir = tempDir();
    const config = writeConfig(dir, CONFIG);
    const out = join(dir, 'reports');
    const run = await runCli(['run', '--config', config, '--out', out], { timeoutMs: 90_000 });
    assert.equal(run.code, 1, `exit 1 (a check failed)\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /slower vs base: CPU\/request \+\d+\.\d% \[.*\] → fail at \+10\.0%/);
    const results = JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8')) as Results;
    assert.ok(resultsSchema.safeParse(results).success, 'results.json validates');
    const [comparison] = results.windows!;
    assert.equal(comparison.a, 'base');
    assert.equal(comparison.b, 'slower');
    assert.equal(comparison.verdict, 'fail');
    assert.equal(comparison.stoppedBy, 'decided');
    assert.ok(comparison.elapsedSeconds < 45, `decided after ${comparison.elapsedSeconds} s`);
    // Four process sets (2 per side) each warmed once, and every pair from one set index of both sides.
    assert.equal(comparison.warmups.length, 4);
    assert.ok(comparison.pairs.every((p) => p.process === 0 || p.process === 1));
    assert.ok(
      comparison.pairs.some((p) => p.process === 1),
      'pairs cycle over the sets',
    );
    assert.ok(comparison.sequential!.low > 0.1, `sequential interval ${JSON.stringify(comparison.sequential)}`);
    // Injected 400 µs at ~1000 µs per request: the estimate is a large increase, not noise.
    assert.ok(comparison.nested!.estimate > 0.15, `estimate ${comparison.nested!.estimate}`);
    assert.ok(results.cells.every((c) => c.trials.length === 0));
    // The default placement: services on the upper half of the CPUs once warm, the harness on the rest.
    const cpus = availableParallelism();
    if (cpus >= 2)
      assert.deepEqual(results.environment.placement, {
        state: 'split',
        harnessCpus: Array.from({ length: cpus - Math.ceil(cpus / 2) }, (_, i) => i),
        serviceCpus: Array.from({ length: Math.ceil(cpus / 2) }, (_, i) => cpus - Math.ceil(cpus / 2) + i),
      });
    // Every view carries the comparison with its interval, verdict and resolution.
    const latest = join(out, 'latest');
    const summary = readFileSync(join(latest, 'summary.md'), 'utf8');
    assert.match(summary, /^## ❌ tracebench windows-e2e: 1 failed/);
    assert.match(
      summary,
      /\| `always_on~batch~none` \| slower vs base \| \+\d+\.\d% \| \+\d+\.\d% to \+\d+\.\d% \(95%, sequential\) \| ❌ fail at \+10\.0% \| (±\d+\.\d%|–) \| \d+\/\d+ \| 2 \|/,
    );
    if (cpus >= 2)
      assert.match(
        summary,
        /· services on CPU \d+(,\d+)* while measured; load generators, sink and waiting services on CPU \d+/,
      );
    assert.match(summary, /this run (could detect changes of ±\d+(\.\d+)?%|'s resolution) in CPU µs\/request/);
    const html = readFileSync(join(latest, 'report.html'), 'utf8');
    assert.match(
      html,
      /<tr[^>]*data-verdict="fail"><th scope="row">always_on~batch~none<\/th><td>slower vs base<\/td>/,
    );
    assert.match(html, /class="resolution">Resolution: this run/);
    assert.match(html, /data-chart="windows-0"/);
    const junit = readFileSync(join(latest, 'junit.xml'), 'utf8');
    assert.match(junit, /<failure message="measured \+[\d.]+% \(95% CI/);
  });

  it('a traced cell against the baseline is judged on its cpuUsPerRequest budget, and says which budget limits it cannot judge', async () => {
    const dir = tempDir();
    const config = writeConfig(
      dir,
      `name: windows-budget-e2e
load: { rateRps: 200 }
matrix: { sampler: [always_on], processor: [batch], exporter: [none] }
method: { type: windows, windowSeconds: 1, processes: 2, windowsPerBlock: 3, leadInSeconds: 0.5, warmupMaxSeconds: 6, maxMinutes: 0.5 }
budgets:
  - limits: { cpuUsPerRequest: +1000%, latencyUs.p99: < 1s }
`,
    );
    const out = join(dir, 'reports');
    const run = await runCli(['run', '--config', config, '--out', out], { timeoutMs: 90_000 });
    // 30 s with 2 sets gives a wide interval: what is checked is which limit judged it, not how it came out.
    assert.equal(run.code, 0, `exit 0 (an inconclusive check fails only with --strict)\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /vs baseline: CPU\/request .* → (pass|inconclusive) at \+1000% \(budgets\[0\]\)/);
    const results = JSON.parse(readFileSync(join(out, 'latest', 'results.json'), 'utf8')) as Results;
    assert.ok(resultsSchema.safeParse(results).success, 'results.json validates');
    const [comparison] = results.windows!;
    assert.deepEqual([comparison.a, comparison.b], ['baseline', 'always_on~batch~none']);
    assert.deepEqual(comparison.budgets, [{ index: 0, text: '+1000%', limit: 10 }]);
    assert.equal(comparison.limit, 10);
    const summary = readFileSync(join(out, 'latest', 'summary.md'), 'utf8');
    assert.match(summary, /^## (✅|⚠️) tracebench windows-budget-e2e: /);
    assert.match(summary, /\| `always_on~batch~none` \| the cell vs baseline \| [+-]\d/);
    assert.match(
      summary,
      /- `always_on~batch~none` \(budget\): this run could detect changes of ±\d+(\.\d+)?% in CPU µs\/request/,
    );
    assert.match(summary, /1 budget limit not judged \(budgets\\?\[0\\?\]\.latencyUs\.p99\)/);
    const junit = readFileSync(join(out, 'latest', 'junit.xml'), 'utf8');
    assert.match(
      junit,
      /<testcase classname="tracebench\.budget" name="[^"]* @ always_on~batch~none \(windows method\)"/,
    );
  });
});
