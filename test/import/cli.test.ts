import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { workloadSchema } from '../../workloads/shape/schema.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { fixture } from './helpers.js';

describe('tracebench import', () => {
  it('writes a valid workload to stdout and the summary, with the heuristics, to stderr', async () => {
    const result = await runCli(['import', fixture('otlp-basic.json'), '--format', 'otlp-json', '--name', 'users'], {
      timeoutMs: 30_000,
    });
    assert.equal(result.code, 0, result.stderr);
    const parsed = workloadSchema.safeParse(parseYaml(result.stdout));
    assert.equal(parsed.success, true);
    assert.equal(parsed.data!.name, 'users');
    assert.match(result.stderr, /^import: otlp-basic\.json \(otlp-json\): 4 traces, 15 spans$/m);
    assert.match(result.stderr, /3 routes, 0 consumers; web \(entry\): 2 routes; users: 1 route/);
    assert.match(
      result.stderr,
      /0 duplicate spans dropped, 0 orphans re-attached, 0 rootless traces, 0 clock-skew corrections/,
    );
    assert.match(result.stderr, /heuristic: CPU vs wait .* up to 200 µs \(--max-cpu-us-per-span\)/);
  });

  it('--out writes the file and leaves stdout empty; --max-cpu-us-per-span changes the split', async () => {
    const out = join(tempDir(), 'w.yaml');
    const result = await runCli(
      ['import', fixture('otlp-basic.json'), '--format', 'otlp-json', '--out', out, '--max-cpu-us-per-span', '1000'],
      { timeoutMs: 30_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /wrote .*w\.yaml/);
    assert.match(result.stderr, /up to 1000 µs/);
    assert.match(readFileSync(out, 'utf8'), /name: hash\.password\n\s+kind: INTERNAL\n\s+cpuUs: 1000\n\s+waitUs: 1000/);
  });

  it('malformed JSON exits 2 naming file, line and column', async () => {
    const result = await runCli(['import', 'test/data/traces/malformed.json', '--format', 'otlp-json'], {
      timeoutMs: 30_000,
    });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^tracebench: test\/data\/traces\/malformed\.json:5:22: malformed JSON/);
  });

  it('the wrong --format exits 2 and names the right one', async () => {
    const result = await runCli(['import', 'test/data/traces/jaeger-basic.json', '--format', 'zipkin'], {
      timeoutMs: 30_000,
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /try --format jaeger/);
  });

  it('bad flags are usage errors (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['import', fixture('otlp-basic.json')], /import needs --format \(one of otlp-json, jaeger, zipkin\)/],
      [
        ['import', fixture('otlp-basic.json'), '--format', 'xml'],
        /--format: expected one of otlp-json, jaeger, zipkin, got 'xml'/,
      ],
      [['import', '--format', 'zipkin'], /import takes one export FILE/],
      [
        ['import', fixture('otlp-basic.json'), '--format', 'otlp-json', '--max-cpu-us-per-span', 'lots'],
        /--max-cpu-us-per-span: expected a whole number of at least 0, got "lots"/,
      ],
      [['import', fixture('otlp-basic.json'), '--format', 'otlp-json', '--bogus'], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, { timeoutMs: 30_000 });
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message);
    }
  });

  it('--help documents the command', async () => {
    const result = await runCli(['--help'], { timeoutMs: 30_000 });
    assert.match(result.stdout, /tracebench import FILE --format otlp-json\|jaeger\|zipkin/);
  });
});
