import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { createLoadGenerator } from '../../harness/load/generator.js';
import { startJsonServer } from './test-server.js';

const GENERATOR_URL = new URL('../../harness/load/generator.js', import.meta.url).href;

test('an abort rejects promptly with an AbortError', async () => {
  const server = await startJsonServer();
  const generator = createLoadGenerator();
  try {
    const controller = new AbortController();
    const options = { url: server.url, rateRps: 500, durationMs: 10_000, threads: 1, connections: 8, timeoutMs: 1000 };
    const run = generator.openLoop(options, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const abortedMs = performance.now();
    controller.abort();
    await assert.rejects(run, { name: 'AbortError' });
    assert.ok(performance.now() - abortedMs < 500, 'rejected within 500 ms of the abort');
    assert.ok(server.served() > 0 && server.served() < 1000, `stopped sending after ${server.served()} requests`);
  } finally {
    await generator.close();
    await server.close();
  }
});

test('an abort stops a closed-loop run too', async () => {
  const server = await startJsonServer();
  const generator = createLoadGenerator();
  try {
    const controller = new AbortController();
    const run = generator.closedLoop({ url: server.url, durationSeconds: 10, connections: 4 }, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const abortedMs = performance.now();
    controller.abort();
    await assert.rejects(run, { name: 'AbortError' });
    assert.ok(performance.now() - abortedMs < 500, 'rejected within 500 ms of the abort');
  } finally {
    await generator.close();
    await server.close();
  }
});

test('an already aborted signal rejects without sending', async () => {
  const server = await startJsonServer();
  const generator = createLoadGenerator();
  try {
    const openOptions = {
      url: server.url,
      rateRps: 100,
      durationMs: 1000,
      threads: 1,
      connections: 1,
      timeoutMs: 1000,
    };
    await assert.rejects(generator.openLoop(openOptions, AbortSignal.abort()), { name: 'AbortError' });
    const closedOptions = { url: server.url, durationSeconds: 1, connections: 1 };
    await assert.rejects(generator.closedLoop(closedOptions, AbortSignal.abort()), { name: 'AbortError' });
    assert.equal(server.served(), 0);
  } finally {
    await generator.close();
    await server.close();
  }
});

const ABORT_AND_EXIT = `
import http from 'node:http';
import { createLoadGenerator } from ${JSON.stringify(GENERATOR_URL)};
const server = http.createServer((req, res) => res.end('{}'));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const generator = createLoadGenerator();
const controller = new AbortController();
setTimeout(() => controller.abort(), 200);
const url = 'http://127.0.0.1:' + server.address().port + '/';
const options = { url, rateRps: 500, durationMs: 10000, threads: 1, connections: 8, timeoutMs: 1000 };
await generator.openLoop(options, controller.signal).catch((error) => console.log(error.name));
await generator.close();
server.closeAllConnections();
server.close();
`;

test('after an abort and close(), nothing keeps the process alive', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', ABORT_AND_EXIT], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  clearTimeout(killer);
  assert.equal(signal, null, 'the process exited on its own, it was not killed after 5 s');
  assert.equal(code, 0);
  assert.equal(stdout.trim(), 'AbortError');
});
