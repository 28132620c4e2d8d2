import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * Wall time of each shard of a plan split N ways, run one after another (what each runner of a CI matrix would take):
 * `npm run bench:shards -- --config docs/scale-out-bench.yaml --ways 1,2,4`. The plan's slowest shard is the matrix's
 * wall time.
 */
const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

function main(): void {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'docs/scale-out-bench.yaml' },
      ways: { type: 'string', default: '1,2,4' },
    },
  });
  const out = mkdtempSync(join(os.tmpdir(), 'tb-bench-shards-'));
  try {
    for (const ways of values.ways.split(',').map(Number)) {
      const seconds: number[] = [];
      for (let k = 1; k <= ways; k++) {
        const started = process.hrtime.bigint();
        const shard = ways > 1 ? ['--shard', `${k}/${ways}`] : [];
        const run = spawnSync(
          process.execPath,
          [CLI, 'run', '--config', values.config, '--out', join(out, `${ways}-${k}`), '--quiet', ...shard],
          {
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        // Exit 3 (a cell had no valid trial: the machine was busy) still took its wall time, but say so.
        if (run.status !== 0 && run.status !== 1)
          process.stderr.write(`shard ${k}/${ways} exited ${run.status}: its figures are not trustworthy\n`);
        seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
      }
      process.stdout.write(
        `${ways} way${ways === 1 ? '' : 's'}: shards ${seconds.map((s) => `${s.toFixed(1)} s`).join(', ')}; slowest ${Math.max(...seconds).toFixed(1)} s\n`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();
