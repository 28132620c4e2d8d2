import http from 'node:http';
import net from 'node:net';
import { LOOPBACK_HOST, hostPort, isLoopback } from './loopback.js';
import type { EgressSeen, ListenSeen } from '../probe/protocol.js';

/** A free port on loopback, handed to the service in PORT: bound, read and released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK_HOST, () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The answer to one GET: its status, or why there was none (`ECONNREFUSED`, `timeout`). */
export type Probe = { status: number } | { error: string };

export function getStatus(url: string, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
  });
}

/**
 * Where to reach the service: the loopback server on the port it was given, else the first loopback server it opened
 * (a fixed port in the app, found and used; a metrics server opened first is passed over once the app's own listens).
 */
export function pickServer(listens: readonly ListenSeen[], givenPort: number): ListenSeen | undefined {
  const loopback = listens.filter((l) => isLoopback(l.address));
  const onPort = loopback.filter((l) => l.port === givenPort);
  return onPort.find((l) => l.address === LOOPBACK_HOST) ?? onPort[0] ?? loopback[0];
}

/** `http://127.0.0.1:8080`, `http://[::1]:8080`. */
export function baseUrlOf(server: { address: string; port: number }): string {
  return `http://${hostPort(server.address, server.port)}`;
}

/** A server the probe could not bind to loopback (an inherited handle or fd on another address): refused. */
export function exposedListenError(l: ListenSeen): string {
  return `the service listens on ${hostPort(l.address, l.port)}, which other machines can reach; tracebench runs services on loopback only: make the app listen on 127.0.0.1 (on process.env.PORT)`;
}

export interface NotReadyContext {
  givenPort: number;
  readyPath: string;
  timeoutMs: number;
  /** False when the service runs without the probe: only the given port is tried. */
  probe: boolean;
  /** The probe reported from inside the service. */
  probeHeard: boolean;
  server: ListenSeen | undefined;
  lastAnswer: Probe | undefined;
}

/** Why a service was not ready in time, and what to change. */
export function notReadyMessage(c: NotReadyContext): string {
  if (c.probe && !c.server) {
    const base = `service did not listen on any port within ${c.timeoutMs} ms; tracebench gives the port in PORT (${c.givenPort}): make the app listen on process.env.PORT`;
    return c.probeHeard
      ? base
      : `${base}. The in-service probe never reported either: it is loaded with node's --import, so the service must run on node (a service.command must start node itself, e.g. ["node", "server.js"], not a shell or npm)`;
  }
  const where = c.server ? baseUrlOf(c.server) : `http://${LOOPBACK_HOST}:${c.givenPort}`;
  const answer = c.lastAnswer;
  const got = !answer
    ? 'was never tried'
    : 'status' in answer
      ? `answered ${answer.status} (last status), expected 200`
      : `got no answer (${answer.error})`;
  const change =
    answer && 'status' in answer
      ? 'make service.readyPath a route that answers 200 once the app is ready'
      : 'make the app listen on process.env.PORT and answer service.readyPath';
  return `GET ${c.readyPath} on ${where} ${got} within ${c.timeoutMs} ms: ${change}`;
}

/** A server answers on PORT, but not from the process the probe is in: nothing it does could be measured. */
export function unprobedServerMessage(givenPort: number, probeHeard: boolean): string {
  return `a server answers on PORT (${givenPort}), but not in a process the probe runs in${probeHeard ? ' (the probe loaded in the process tracebench started, which did not listen)' : ''}: the command must start node itself with the app (["node", "server.js"]), not npm or a runner that starts node with its own environment`;
}

/** Warnings for the trial about how the service listened: another port than PORT, a host it asked for that was not loopback. */
export function listenWarnings(server: ListenSeen, givenPort: number): string[] {
  const warnings: string[] = [];
  if (server.port !== givenPort)
    warnings.push(
      `the service listened on ${hostPort(server.address, server.port)}, not on the port tracebench gave it in PORT (${givenPort}); measured there: make the app listen on process.env.PORT (a fixed port fails when it is taken)`,
    );
  if (server.rebound && server.requestedHost !== null)
    warnings.push(
      `the service asked to listen on ${hostPort(server.requestedHost, server.port)}, which other machines can reach; the probe bound it to ${LOOPBACK_HOST} instead: listen on 127.0.0.1`,
    );
  return warnings;
}

/** `the service connected to 169.254.169.254:80 …`: one warning per address off this machine the service tried to reach. */
export function egressWarning(e: EgressSeen): string {
  const target = hostPort(e.host, e.port);
  const what = !e.resolved
    ? `tried to connect to ${target} (the name did not resolve)`
    : `connected to ${target}${e.address ? ` (${e.address})` : ''}`;
  return `the service ${what}, off this machine: tracebench runs on loopback only; find what opens it (a resource detector, a metadata lookup, a remote call) and turn it off or point it at 127.0.0.1`;
}
