import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { killAllGroups, killGroup, trackGroup } from './process-group.js';
import {
  PROBE_TARGET_ENV,
  type EgressSeen,
  type HarnessToProbe,
  type ListenSeen,
  type ProbeToHarness,
} from '../probe/protocol.js';
import {
  baseUrlOf,
  egressWarning,
  exposedListenError,
  freePort,
  getStatus,
  listenWarnings,
  notReadyMessage,
  pickServer,
  unprobedServerMessage,
  type Probe,
} from './startup.js';
import { LOOPBACK_HOST, isLoopback } from './loopback.js';
import { LOCAL_RESOURCE_DETECTORS } from '../plan/env.js';

export interface LaunchOptions {
  /** Compiled JavaScript entry of the service (CommonJS or ESM), run with the harness's node. One of entry and command. */
  entry?: string;
  /**
   * The command that starts the service, e.g. `['node', 'dist/server.js']`; a first word `node` runs the harness's own
   * node (the version recorded in results). The probe reaches it through NODE_OPTIONS, so the command must start node.
   */
  command?: string[];
  /** The service's working directory: a relative `--require`/`--import` in NODE_OPTIONS, and a command's paths, resolve from it. The harness's own when absent. */
  cwd?: string;
  /**
   * The cell's and trial's environment; OTEL_*, TRACEBENCH_* and NODE_OPTIONS from the harness's own environment are not
   * passed on. PORT is the harness's (a free loopback port); a NODE_OPTIONS here is kept, the probe's --import added to it.
   */
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
  request<T extends ProbeToHarness['tb']>(
    message: HarnessToProbe,
    reply: T,
    timeoutMs: number,
  ): Promise<Extract<ProbeToHarness, { tb: T }>>;
  /** The last lines the service wrote to stderr. */
  stderrTail(): string[];
  /** What the trial should warn about: how the service listened, connections it opened off this machine (so far). */
  warnings(): string[];
  /** SIGKILL to the whole process group (what the service started too), then wait for the service's exit. */
  kill(): Promise<void>;
}

const PROBE_PATH = fileURLToPath(new URL('../probe/probe.js', import.meta.url));
const PROBE_URL = pathToFileURL(PROBE_PATH).href;
const STDERR_LINES_KEPT = 20;

/** Resource detectors that stay on this machine, unless the service's environment names its own (plan/env.ts). */
export { LOCAL_RESOURCE_DETECTORS };

/** Every service process alive right now (its group is killed on any exit of the harness: process-group.ts). */
const live = new Set<ChildProcess>();

export function liveChildren(): number {
  return live.size;
}

/** Kills every service's whole process group now (a second SIGINT, a test's cleanup). */
export function killAllChildren(): void {
  killAllGroups();
}

/** A service process exited or never became ready; carries its last stderr lines. */
export class ServiceError extends Error {
  constructor(
    message: string,
    readonly stderrTail: string[],
  ) {
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

/** The program and arguments to spawn, and the NODE_OPTIONS the service gets (the user's, plus the probe for a command). */
function commandLine(
  options: LaunchOptions,
  probe: boolean,
): { file: string; args: string[]; nodeOptions: string | undefined } {
  const userNodeOptions = options.env.NODE_OPTIONS?.trim() || undefined;
  const [wrapperCommand, ...wrapperArgs] = options.wrapper ?? [];
  let node: string[];
  let nodeOptions = userNodeOptions;
  if (options.command) {
    const [first, ...rest] = options.command;
    node = [first === 'node' || basename(first) === 'node' ? process.execPath : first, ...rest];
    // NODE_OPTIONS reaches node however the command starts it; the user's preloads run first, as they would alone.
    if (probe) nodeOptions = [userNodeOptions, `--import=${PROBE_URL}`].filter(Boolean).join(' ');
  } else if (options.entry) {
    node = [process.execPath, ...(probe ? ['--import', PROBE_PATH] : []), options.entry];
  } else throw new Error('launchService: give an entry or a command');
  const all = wrapperCommand ? [wrapperCommand, ...wrapperArgs, ...node] : node;
  return { file: all[0], args: all.slice(1), nodeOptions };
}

/** How long PORT may answer before the probe reports a listen there, before the server is judged to run without it. */
const UNPROBED_GRACE_MS = 300;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Starts a service in its own process group, with a free loopback port in PORT, and waits until GET readyPath answers
 * 200 where it listens: on PORT, or wherever the probe saw it listen. Needs nothing from the app but an HTTP server.
 */
export async function launchService(options: LaunchOptions): Promise<RunningService> {
  const probe = options.probe !== false;
  const givenPort = await freePort();
  const { file, args, nodeOptions } = commandLine(options, probe);
  const { NODE_OPTIONS: _user, ...env } = options.env;
  const stdoutFd = options.stdoutFile ? openSync(options.stdoutFile, 'a') : 'ignore';
  const child = spawn(file, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: cleanEnv({
      OTEL_NODE_RESOURCE_DETECTORS: LOCAL_RESOURCE_DETECTORS,
      ...env,
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
      PORT: String(givenPort),
      ...(probe ? { [PROBE_TARGET_ENV]: '1' } : {}),
    }),
    // The IPC slot gives a node child process.send, however it was started (entry or command).
    stdio: ['ignore', stdoutFd, 'pipe', 'ipc'],
    detached: true,
  });
  if (typeof stdoutFd === 'number') closeSync(stdoutFd);
  if (child.pid !== undefined) trackGroup(child.pid);
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

  let exitInfo: ExitInfo | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    const done = (info: ExitInfo) => {
      live.delete(child);
      exitInfo = info;
      resolve(info);
    };
    child.once('exit', (code, signal) => done({ code, signal }));
    // A command that cannot start (not found, not executable) gets 'error' and no 'exit'.
    child.once('error', (error) => {
      spawnError = error;
      if (child.pid === undefined) done({ code: null, signal: null });
    });
  });
  // Reading stderr to its end lets a fast-failing child's last words arrive before we report them.
  const exitedWithStderr = exited.then(async (info) => {
    if (child.stderr && !child.stderr.readableEnded)
      await new Promise((r) => {
        child.stderr!.once('end', r);
        setTimeout(r, 200).unref();
      });
    return info;
  });

  const kill = async () => {
    // The whole group, even when its leader is gone: what the service started may still run.
    if (child.pid !== undefined) killGroup(child.pid);
    await exited;
  };

  const listens: ListenSeen[] = [];
  const egress: EgressSeen[] = [];
  let probeHeard = false;
  child.on('message', (m: ProbeToHarness) => {
    if (m?.tb === 'probe-hello') probeHeard = true;
    else if (m?.tb === 'listen') listens.push(m);
    else if (m?.tb === 'egress') egress.push(m);
  });

  try {
    const deadline = Date.now() + options.startupTimeoutMs;
    let server: ListenSeen | undefined;
    let lastAnswer: Probe | undefined;
    let answeredUnprobedAt: number | undefined;
    for (;;) {
      if (exitInfo) {
        await exitedWithStderr;
        const how = spawnError ? `could not start (${file}: ${spawnError.message})` : describeExit(exitInfo);
        throw new ServiceError(
          `service ${how} before it was ready${server ? '' : ' (it had not listened on any port)'}`,
          stderrTail(),
        );
      }
      const exposed = listens.find((l) => !isLoopback(l.address));
      if (exposed) throw new ServiceError(exposedListenError(exposed), stderrTail());
      server = probe
        ? pickServer(listens, givenPort)
        : { address: LOOPBACK_HOST, port: givenPort, requestedHost: null, rebound: false };
      if (server) {
        lastAnswer = await getStatus(baseUrlOf(server) + options.readyPath, 1000);
        if ('status' in lastAnswer && lastAnswer.status === 200 && !exitInfo) break;
      } else if (probe) {
        // Something answers on PORT, yet no probe saw a listen: the server runs in a process without the probe (npm, a
        // runner that clears NODE_OPTIONS). The grace lets a listen report still on its way arrive.
        const answer = await getStatus(`http://${LOOPBACK_HOST}:${givenPort}${options.readyPath}`, 500);
        answeredUnprobedAt = 'status' in answer ? (answeredUnprobedAt ?? Date.now()) : undefined;
        if (
          answeredUnprobedAt !== undefined &&
          Date.now() - answeredUnprobedAt > UNPROBED_GRACE_MS &&
          listens.length === 0
        )
          throw new ServiceError(unprobedServerMessage(givenPort, probeHeard), stderrTail());
      }
      if (Date.now() > deadline)
        throw new ServiceError(
          notReadyMessage({
            givenPort,
            readyPath: options.readyPath,
            timeoutMs: options.startupTimeoutMs,
            probe,
            probeHeard,
            server,
            lastAnswer,
          }),
          stderrTail(),
        );
      await sleep(20);
    }
    const chosen = server;
    const baseUrl = baseUrlOf(chosen);
    const startWarnings = listenWarnings(chosen, givenPort);

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
    if (probe) {
      await request({ tb: 'window-start' }, 'window-started', options.startupTimeoutMs);
      await request({ tb: 'window-end' }, 'window', options.startupTimeoutMs);
    }
    const warnings = () => [...startWarnings, ...egress.map(egressWarning)];
    return {
      pid: child.pid ?? -1,
      port: chosen.port,
      baseUrl,
      exited: exitedWithStderr,
      request,
      stderrTail,
      warnings,
      kill,
    };
  } catch (error) {
    await kill();
    throw error;
  }
}
