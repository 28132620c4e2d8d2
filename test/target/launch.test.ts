import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  killAllChildren,
  launchService,
  LOCAL_RESOURCE_DETECTORS,
  ServiceError,
  type LaunchOptions,
  type RunningService,
} from '../../harness/target/launch.js';
import { freePort, getStatus } from '../../harness/target/startup.js';
import { tempDir } from '../helpers/cli.js';

const ODD = fileURLToPath(new URL('./fixtures/odd-server.js', import.meta.url));

after(() => killAllChildren());

function launch(odd: string, extra: Partial<LaunchOptions> = {}): Promise<RunningService> {
  return launchService({
    entry: ODD,
    readyPath: '/healthz',
    startupTimeoutMs: 5000,
    ...extra,
    env: { ODD: odd, ...(extra.env ?? {}) },
  });
}

async function failure(odd: string, extra: Partial<LaunchOptions> = {}): Promise<ServiceError> {
  try {
    const service = await launch(odd, extra);
    await service.kill();
  } catch (error) {
    assert.ok(error instanceof ServiceError, String(error));
    return error;
  }
  assert.fail(`${odd}: the launch succeeded`);
}

/** Listening TCP sockets on `port` in this network namespace, as `address:port` in /proc's hex (IPv4 and IPv6). */
function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A')
      .map((f) => f[1]),
  );
}

describe('launching any HTTP service', () => {
  it('gives the service a free loopback port in PORT and needs nothing else from it', async () => {
    const service = await launch('plain');
    try {
      assert.equal(service.baseUrl, `http://127.0.0.1:${service.port}`);
      assert.deepEqual(await getStatus(`${service.baseUrl}/healthz`, 1000), { status: 200 });
      assert.deepEqual(service.warnings(), []);
    } finally {
      await service.kill();
    }
  });

  it('binds a service that names no host (Node: every interface) to 127.0.0.1 before it listens, without a warning', async () => {
    const service = await launch('no-host');
    try {
      // 0100007F is 127.0.0.1 in /proc's byte order; nothing listens on 0.0.0.0 or :: on that port.
      assert.deepEqual(listenersOn(service.port), [
        `0100007F:${service.port.toString(16).toUpperCase().padStart(4, '0')}`,
      ]);
      assert.deepEqual(service.warnings(), []);
    } finally {
      await service.kill();
    }
  });

  it('binds a service that asks for 0.0.0.0 to 127.0.0.1 instead, and warns what to change', async () => {
    const service = await launch('wildcard');
    try {
      assert.equal(listenersOn(service.port).length, 1);
      assert.ok(listenersOn(service.port)[0].startsWith('0100007F:'));
      assert.equal(service.warnings().length, 1);
      assert.match(
        service.warnings()[0],
        /asked to listen on 0\.0\.0\.0:\d+, which other machines can reach; the probe bound it to 127\.0\.0\.1 instead: listen on 127\.0\.0\.1/,
      );
    } finally {
      await service.kill();
    }
  });

  it('finds a service on another port than PORT, measures it there and warns', async () => {
    const fixed = await freePort();
    const service = await launch('fixed-port', { env: { FIXED_PORT: String(fixed) } });
    try {
      assert.equal(service.port, fixed);
      assert.equal(service.baseUrl, `http://127.0.0.1:${fixed}`);
      assert.match(
        service.warnings().join('\n'),
        new RegExp(
          `listened on 127\\.0\\.0\\.1:${fixed}, not on the port tracebench gave it in PORT \\(\\d+\\).*make the app listen on process\\.env\\.PORT`,
        ),
      );
    } finally {
      await service.kill();
    }
  });

  it('fails a service that never listens with what to change', async () => {
    const error = await failure('never-listens', { startupTimeoutMs: 1000 });
    assert.match(
      error.message,
      /^service did not listen on any port within 1000 ms; tracebench gives the port in PORT \(\d+\): make the app listen on process\.env\.PORT$/,
    );
  });

  it('says the probe never reported when the command does not run node', async () => {
    const error = await failure('never-listens', { entry: undefined, command: ['sleep', '30'], startupTimeoutMs: 800 });
    assert.match(
      error.message,
      /did not listen on any port within 800 ms.*The in-service probe never reported either: .*must start node itself/,
    );
  });

  it('fails a service whose readyPath answers 500 with the status it last got', async () => {
    const error = await failure('health-500', { startupTimeoutMs: 800 });
    assert.match(
      error.message,
      /^GET \/healthz on http:\/\/127\.0\.0\.1:\d+ answered 500 \(last status\), expected 200 within 800 ms: make service\.readyPath a route that answers 200/,
    );
  });

  it('fails a service that exits before it is ready with its exit and stderr', async () => {
    const error = await failure('exits');
    assert.equal(error.message, 'service exited with code 3 before it was ready (it had not listened on any port)');
    assert.deepEqual(error.stderrTail, ['odd-server: cannot start: missing DATABASE_URL']);
  });

  it('fails a command that cannot start', async () => {
    const error = await failure('plain', { entry: undefined, command: ['./no-such-server'] });
    assert.match(
      error.message,
      /^service could not start \(\.\/no-such-server: spawn \.\/no-such-server ENOENT\) before it was ready/,
    );
  });

  it('reports each connection the service tries off loopback, seen before anything is sent', async () => {
    const service = await launch('egress');
    try {
      const warnings = service.warnings();
      assert.equal(warnings.length, 3, warnings.join('\n'));
      assert.match(
        warnings.join('\n'),
        /the service tried to connect to instance-data\.ec2\.internal:80 \(the name did not resolve\)/,
      );
      assert.match(
        warnings.join('\n'),
        /the service connected to 169\.254\.169\.254:80, off this machine: tracebench runs on loopback only/,
      );
      assert.match(
        warnings.join('\n'),
        /the service tried to connect to metadata\.google\.internal:80 \(the name did not resolve\), off this machine/,
      );
    } finally {
      await service.kill();
    }
  });

  it("runs a command with the probe through NODE_OPTIONS, after the user's own relative --require, from the working directory given", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'preload.cjs'), 'globalThis.preloaded = process.env.NODE_OPTIONS;\n');
    writeFileSync(
      join(dir, 'app.mjs'),
      `import http from 'node:http';
http.createServer((req, res) => res.writeHead(globalThis.preloaded ? 200 : 503).end(JSON.stringify({ preloaded: globalThis.preloaded, now: process.env.NODE_OPTIONS ?? null, detectors: process.env.OTEL_NODE_RESOURCE_DETECTORS }))).listen(process.env.PORT);
`,
    );
    const service = await launchService({
      command: ['node', 'app.mjs'],
      cwd: dir,
      env: { NODE_OPTIONS: '--require ./preload.cjs' },
      readyPath: '/healthz',
      startupTimeoutMs: 5000,
    });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        import('node:http').then(({ default: http }) =>
          http
            .get(`${service.baseUrl}/`, (res) => {
              let text = '';
              res.on('data', (d) => (text += d)).on('end', () => resolve(text));
            })
            .on('error', reject),
        );
      });
      const seen = JSON.parse(body);
      assert.match(seen.preloaded, /^--require \.\/preload\.cjs --import=file:\/\/.*\/probe\.js$/);
      // The probe takes itself out, so processes the service starts do not load it.
      assert.equal(seen.now, '--require ./preload.cjs');
      assert.equal(seen.detectors, LOCAL_RESOURCE_DETECTORS);
      assert.deepEqual(service.warnings(), []);
      const window = await service.request({ tb: 'window-start' }, 'window-started', 5000);
      assert.equal(window.tb, 'window-started');
    } finally {
      await service.kill();
    }
  });

  it('leaves OTEL_NODE_RESOURCE_DETECTORS to the service when it sets its own', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'app.cjs'),
      `require('node:http').createServer((q, s) => s.end(process.env.OTEL_NODE_RESOURCE_DETECTORS)).listen(process.env.PORT);\n`,
    );
    const service = await launchService({
      command: ['node', 'app.cjs'],
      cwd: dir,
      env: { OTEL_NODE_RESOURCE_DETECTORS: 'all' },
      readyPath: '/',
      startupTimeoutMs: 5000,
    });
    try {
      const text = await (await fetch(`${service.baseUrl}/`)).text();
      assert.equal(text, 'all');
    } finally {
      await service.kill();
    }
  });
});

describe('a command whose server runs without the probe', () => {
  it('is refused, saying the command must start node itself (as npm start would not)', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'app.cjs'),
      `require('node:http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1');\n`,
    );
    // What npm does: the script's node gets an environment of the runner's making, here without NODE_OPTIONS.
    writeFileSync(
      join(dir, 'runner.cjs'),
      `const { spawn } = require('node:child_process');
const { NODE_OPTIONS, ...env } = process.env;
spawn(process.execPath, ['app.cjs'], { env, stdio: 'inherit' });
setInterval(() => {}, 60000);
`,
    );
    await assert.rejects(
      launchService({
        command: ['node', 'runner.cjs'],
        cwd: dir,
        env: {},
        readyPath: '/healthz',
        startupTimeoutMs: 5000,
      }),
      (error: Error) => {
        assert.match(
          error.message,
          /^a server answers on PORT \(\d+\), but not in a process the probe runs in \(the probe loaded in the process tracebench started, which did not listen\): the command must start node itself/,
        );
        return true;
      },
    );
  });

  it('works when a shell starts node: the probe and its channel reach node through the environment', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'app.cjs'),
      `require('node:http').createServer((q, s) => s.end('ok')).listen(process.env.PORT);\n`,
    );
    const service = await launchService({
      command: ['sh', '-c', 'node app.cjs'],
      cwd: dir,
      env: {},
      readyPath: '/healthz',
      startupTimeoutMs: 5000,
    });
    try {
      assert.deepEqual(service.warnings(), []);
      assert.equal((await service.request({ tb: 'window-start' }, 'window-started', 5000)).tb, 'window-started');
    } finally {
      await service.kill();
    }
  });
});
