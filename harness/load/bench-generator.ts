import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLoadGenerator } from './generator.js';
import type { Arrivals, HttpClient, OpenLoopResult, Pacing } from './types.js';

/**
 * `node dist/harness/load/bench-generator.js [--rates 500,5000] [--seconds 3] [--rounds 2] [--pacing timer,hybrid]
 * [--arrivals uniform] [--threads 1]` (`npm run bench:generator`): the open loop against a one-route node:http server in a child process
 * (so it has a thread of its own), each pacing in turn within every round, and one line per run: send lag, achieved rate,
 * the generator process's CPU, and corrected vs uncorrected latency p50.
 */

// The server answers one route with a tiny JSON body, as a one-span service would minus its tracing.
const SERVER = `
const http = require('node:http');
const body = JSON.stringify({ ok: true });
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, url: `http://127.0.0.1:${chunk.toString().trim()}/` };
}

const us = (x: number) => String(Math.round(x)).padStart(6);

function line(name: string, r: OpenLoopResult, cpuMs: number): string {
  const lag = r.sendLagUs;
  const cpuPct = (cpuMs / r.durationMs) * 100;
  return [
    `${String(r.targetRps).padStart(6)} req/s ${name.padEnd(16)}`,
    `lag p50/p99/max ${us(lag.p50)} ${us(lag.p99)} ${us(lag.max)} µs`,
    `achieved ${r.achievedRps.toFixed(0).padStart(5)} (${(((r.achievedRps - r.targetRps) / r.targetRps) * 100).toFixed(2).padStart(6)}%)`,
    `cpu ${cpuPct.toFixed(1).padStart(5)}% (${((cpuMs * 1000) / Math.max(1, r.sent)).toFixed(1)} µs/req)`,
    `elu ${r.generatorEluMax.toFixed(2)}`,
    `p50 corrected/uncorrected ${us(r.latencyCorrectedUs.p50)} ${us(r.latencyUncorrectedUs.p50)} µs`,
  ].join(' | ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rates: { type: 'string', default: '500,5000' },
      seconds: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '2' },
      variants: { type: 'string', default: 'node-http:timer,raw:timer,raw:hybrid' },
      arrivals: { type: 'string', default: 'uniform' },
      threads: { type: 'string', default: '1' },
    },
  });
  const rates = values.rates.split(',').map(Number);
  const variants = values.variants.split(',').map((v) => {
    const [client, pacing] = v.split(':') as [HttpClient, Pacing];
    return { client, pacing, name: v };
  });
  const durationMs = Number(values.seconds) * 1000;
  const rounds = Number(values.rounds);
  const arrivals = values.arrivals as Arrivals;
  const threads = Number(values.threads);
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(
        ' ',
      )}; ${arrivals} arrivals, ${durationMs / 1000} s windows, ${rounds} rounds, ${threads} thread(s), 16 connections per thread`,
  );
  const server = await startServer();
  const generator = createLoadGenerator({ threads });
  try {
    for (const rateRps of rates) {
      const base = { url: server.url, rateRps, threads, connections: 16, timeoutMs: 2000, arrivals, arrivalSeed: 1 };
      // The first runs of a process are slower (JIT): warm every pacing up before any is measured.
      for (const { client, pacing } of variants)
        await generator.openLoop({ ...base, client, pacing, durationMs: 2000 });
      for (let round = 0; round < rounds; round++) {
        for (const { client, pacing, name } of round % 2 === 0 ? variants : [...variants].reverse()) {
          await generator.openLoop({ ...base, client, pacing, durationMs: 500 });
          const before = process.cpuUsage();
          const r = await generator.openLoop({ ...base, client, pacing, durationMs });
          const cpu = process.cpuUsage(before);
          console.log(line(name, r, (cpu.user + cpu.system) / 1000));
        }
      }
    }
  } finally {
    await generator.close();
    server.child.kill();
  }
  console.log(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
}

await main();
