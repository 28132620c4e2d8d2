import type { PlacementRecord } from '../target/placement.js';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calibrateIterationsPerUs } from '../../workloads/shape/burn.js';

/** The host a run measured on, recorded so results from different machines are not compared unawares. */
export interface Environment {
  node: string;
  os: string;
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  openTelemetry: Record<string, string>;
  tracebench: string;
  gitCommit?: string;
  hostname: string;
  /** Steps of the simulated work per µs, measured once at the start of the run and given to every service (workloads/shape/burn.ts). */
  burnIterationsPerUs?: number;
  /** Where the services and the harness ran (windows method): pinned to separate CPUs, or not and why. */
  placement?: PlacementRecord;
  /** In merged results: each shard's machine (the fields above are shard 1's). */
  machines?: ShardMachine[];
}

/** The machine one shard of a merged run was measured on. */
export interface ShardMachine extends Omit<Environment, 'machines'> {
  /** K of K/N. */
  shard: number;
  runId: string;
}

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      readFileSync(join(dir, 'package.json'));
      return dir;
    } catch {
      const up = dirname(dir);
      if (up === dir) return process.cwd();
      dir = up;
    }
  }
}

function version(file: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** What a reader needs to reproduce the run, and what `compare` checks before trusting a cross-run verdict. */
export function captureEnvironment(): Environment {
  const root = packageRoot();
  const otelDir = join(root, 'node_modules', '@opentelemetry');
  const openTelemetry: Record<string, string> = {};
  try {
    for (const name of readdirSync(otelDir).sort()) {
      const v = version(join(otelDir, name, 'package.json'));
      if (v) openTelemetry[`@opentelemetry/${name}`] = v;
    }
  } catch {
    // No node_modules beside the package (a global install): versions stay unknown.
  }
  let gitCommit: string | undefined;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    })
      .toString()
      .trim();
  } catch {
    gitCommit = undefined;
  }
  const cpus = os.cpus();
  return {
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    openTelemetry,
    tracebench: version(join(root, 'package.json')) ?? 'unknown',
    ...(gitCommit ? { gitCommit } : {}),
    hostname: os.hostname(),
    burnIterationsPerUs: Number(calibrateIterationsPerUs().toFixed(2)),
  };
}
