import { fork, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import type { HarnessToProbe, ProbeToHarness } from './protocol.js';

export interface LaunchOptions {
  /** Compiled JavaScript entry of the service. */
  entry: string;
  /** The cell's and trial's environment; OTEL_*, TRACEBENCH_* and NODE_OPTIONS from the harness's own environment are not passed on. */
  env: Record<string, string>;
  readyPath: string;
  startupTimeoutMs: number;
  /** Where the service's stdout goes (the console exporter writes there); discarded when absent. */
  stdoutFile?: string;
  /** Preload the in-service probe. @default true */
  probe?: boolean;
  /** A command the service runs under, such as `['valgrind', '--tool=callgrind']` (probe-instructions.ts); node follows it. */
  wrapper?: string[];
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningService {
  readonly pid: number;
  readonly port: number;
  readonly baseUrl: string;
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<ExitInfo>;
  /** Sends a probe command and waits for the reply of the given type. */
  request<T extends ProbeToHarness['tb']>(message: HarnessToProbe, reply: T, timeoutMs: number): Promise<Extract<ProbeToHarness, { tb: T }>>;
  /** The last lines the service wrote to stderr. */
  stderrTail(): string[];
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
}

const PROBE_PATH = fileURLToPath(new URL('./probe.js', import.meta.url));
const STDERR_LINES_KEPT = 20;

/** Every child alive right now; killed synchronously on any exit of the harness. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function liveChildren(): number {
  return live.size;
}

export function killAllChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** A service process exited or never became ready; carries its last stderr lines. */
export class ServiceError extends Error {
  constructor(message: string, readonly stderrTail: string[]) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** `exited with code 70`, `was killed by SIGKILL`. */
export function describeExit(info: ExitInfo): string {
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  // The harness's own tracing settings, or a TypeScript loader in NODE_OPTIONS, must not leak into what is measured.
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !/^(OTEL_|TRACEBENCH_|NODE_OPTIONS$)/.test(key)) env[key] = value;
  return { ...env, ...extra };
}

function get(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export async function launchService(options: LaunchOptions): Promise<RunningService> {
  const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'a') : 'ignore';
  const nodeArgs = options.probe === false ? [] : ['--import', PROBE_PATH];
  const [wrapperCommand, ...wrapperArgs] = options.wrapper ?? [];
  const child = fork(options.entry, [], {
    // fork runs `execPath ...execArgv entry`: under a wrapper, node becomes the wrapper's first argument.
    ...(wrapperCommand ? { execPath: wrapperCommand, execArgv: [...wrapperArgs, process.execPath, ...nodeArgs] } : { execArgv: nodeArgs }),
    env: cleanEnv({ PORT: '0', ...options.env }),
    stdio: ['ignore', stdoutFd, 'pipe', 'ipc'],
  });
  if (typeof stdoutFd === 'number') closeSync(stdoutFd);
  live.add(child);

  const tail: string[] = [];
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    tail.push(...lines.filter((l) => l.length > 0));
    if (tail.length > STDERR_LINES_KEPT) tail.splice(0, tail.length - STDERR_LINES_KEPT);
  });
  const stderrTail = () => (partial ? [...tail, partial] : [...tail]).slice(-STDERR_LINES_KEPT);

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  // Reading stderr to its end lets a fast-failing child's last words arrive before we report them.
  const exitedWithStderr = exited.then(async (info) => {
    if (child.stderr && !child.stderr.readableEnded) await new Promise((r) => { child.stderr!.once('end', r); setTimeout(r, 200).unref(); });
    return info;
  });

  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ServiceError(`service did not start listening within ${options.startupTimeoutMs} ms`, stderrTail())), options.startupTimeoutMs);
      child.on('message', function onMessage(message: ProbeToHarness) {
        if (message?.tb !== 'listening') return;
        child.off('message', onMessage);
        clearTimeout(timer);
        resolve(message.port);
      });
      void exitedWithStderr.then((info) => {
        clearTimeout(timer);
        reject(new ServiceError(`service ${describeExit(info)} before it was ready`, stderrTail()));
      });
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + options.startupTimeoutMs;
    while ((await get(baseUrl + options.readyPath, 1000)) !== 200) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new ServiceError(`service at ${baseUrl} never answered 200 on ${options.readyPath}`, stderrTail());
      await new Promise((r) => setTimeout(r, 20));
    }

    const request: RunningService['request'] = (message, reply, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', onMessage);
          reject(new ServiceError(`probe did not answer '${message.tb}' within ${timeoutMs} ms`, stderrTail()));
        }, timeoutMs);
        function onMessage(m: ProbeToHarness) {
          if (m?.tb === 'probe-error') {
            clearTimeout(timer);
            child.off('message', onMessage);
            reject(new ServiceError(`probe: ${m.message}`, stderrTail()));
          } else if (m?.tb === reply) {
            clearTimeout(timer);
            child.off('message', onMessage);
            resolve(m as never);
          }
        }
        child.on('message', onMessage);
        void exitedWithStderr.then((info) => {
          clearTimeout(timer);
          reject(new ServiceError(`service ${describeExit(info)}`, stderrTail()));
        });
        if (!child.connected) return reject(new ServiceError('service IPC channel is closed', stderrTail()));
        child.send(message);
      });

    // A rehearsal window: the probe's own code (IPC, window start and end) runs once now, during the warm-up, so its
    // first-run cost (compiling, on V8's helper threads) does not land in the measured window. Measured under callgrind:
    // without it, 10 s windows at 100 req/s carried +2.5% instructions per request; with it, none (probe-cost.ts).
    if (options.probe !== false) {
      await request({ tb: 'window-start' }, 'window-started', options.startupTimeoutMs);
      await request({ tb: 'window-end' }, 'window', options.startupTimeoutMs);
    }
    return { pid: child.pid ?? -1, port, baseUrl, exited: exitedWithStderr, request, stderrTail, kill };
  } catch (error) {
    await kill();
    throw error;
  }
}
