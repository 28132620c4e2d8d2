import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadWorkload, parseWorkload, resolveWorkloadPath, WORKLOAD_LIMITS } from '../../workloads/shape/load.js';
import { ALIAS_BOMB } from '../config/helpers.js';
import { tempDir } from '../helpers/cli.js';

const problems = (result: ReturnType<typeof parseWorkload>) =>
  result.ok ? assert.fail('expected problems') : result.issues;

describe('workload files are read within bounds', () => {
  it('the shipped workloads still load', () => {
    for (const name of ['user-api', 'checkout-chain', 'queue-pipeline', 'imported-shop'])
      assert.ok(loadWorkload(name).ok, name);
  });

  it('an alias bomb is a problem naming the alias limit', () => {
    const issues = problems(parseWorkload(`${ALIAS_BOMB}name: w\n`, 'w.yaml'));
    assert.match(issues.join('\n'), /YAML aliases expand too much \(more than the limit of 100 alias uses/);
  });

  it('span trees nested past the depth limit are refused, not overflowed', () => {
    let root = '{ name: leaf }';
    for (let i = 0; i < 200; i++) root = `{ name: s${i}, children: [${root}] }`;
    const text = `name: deep\nservices:\n  - name: a\n    routes:\n      - { name: r, path: /, root: ${root} }\n`;
    assert.match(
      problems(parseWorkload(text, 'deep.yaml')).join('\n'),
      /nested too deeply: mappings and lists may nest at most 256 levels/,
    );
  });

  it('a FIFO is refused at once, a file above 4 MiB before it is read', () => {
    const dir = tempDir();
    try {
      const fifo = join(dir, 'w.yaml');
      execFileSync('mkfifo', [fifo]);
      const piped = loadWorkload(fifo);
      assert.ok(
        !piped.ok && /a named pipe \(FIFO\), not a file: give the path of a workload file/.test(piped.issues[0]),
        JSON.stringify(piped),
      );
      const big = join(dir, 'big.yaml');
      writeFileSync(big, `name: ${'x'.repeat(WORKLOAD_LIMITS.maxBytes)}\n`);
      const large = loadWorkload(big);
      assert.ok(
        !large.ok && /too large: 4\.0 MiB, above the limit of 4\.0 MiB for a workload file/.test(large.issues[0]),
        JSON.stringify(large).slice(0, 300),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('echoed names are escaped and cut', () => {
    const shipped = readFileSync(resolveWorkloadPath('user-api'), 'utf8');
    const text = `${shipped.replace(/^name: .*$/m, 'name: x')}    unknown${'\\e[2J'.repeat(3)}: 1\n`;
    const issues = problems(
      parseWorkload(
        text.replace(`unknown${'\\e[2J'.repeat(3)}`, `"unknown${'\\e[2J'.repeat(3)}${'q'.repeat(300)}"`),
        'w.yaml',
      ),
    );
    const all = issues.join('\n');
    assert.ok(!all.includes('\u001b'), all);
    assert.match(all, /\\u001b\[2J/);
    assert.match(all, /more characters\)/);
  });
});
