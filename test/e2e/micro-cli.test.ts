import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJson, runCli, tempDir } from '../helpers/cli.js';

describe('tracebench micro', () => {
  it('runs the named suites in workers, prints ns/op and the claims, and writes micro.json', async () => {
    const out = tempDir();
    const result = await runCli(['micro', '--quick', '--suite', 'sampler', '--out', out], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /sampler\/always-on\s+[\d.]+ ns/);
    assert.match(result.stdout, /published claims vs measured here/);
    const [dir] = readdirSync(out);
    const micro = readJson(join(out, dir, 'micro.json'));
    assert.equal(micro.kind, 'micro');
    assert.equal(micro.suites[0].suite, 'sampler');
    assert.ok(micro.suites[0].tasks.every((t: { samples: number }) => t.samples > 0));
  });

  it('an unknown suite is a usage error naming it and the valid ones', async () => {
    const result = await runCli(['micro', '--suite', 'spans', '--out', tempDir()], { timeoutMs: 30_000 });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /"spans"/);
    assert.match(result.stderr, /span, propagation, sampler, processor, serialize/);
  });
});
