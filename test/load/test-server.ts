import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServerBehaviour {
  /** Answer every request after this long. */
  delayMs?: number;
  /** Status code to answer with. @default 200 */
  status?: number;
  /** Read requests but never answer them. */
  neverAnswer?: boolean;
  /** Hold every request that arrives in `[afterMs, afterMs + forMs)` after the first one until that window ends. */
  stall?: { afterMs: number; forMs: number };
}

export interface TestServer {
  url: string;
  /** Requests received. */
  served(): number;
  close(): Promise<void>;
}

/** A tiny JSON server on 127.0.0.1, port 0. */
export async function startJsonServer(behaviour: ServerBehaviour = {}): Promise<TestServer> {
  let served = 0;
  let firstMs: number | undefined;
  const timers = new Set<NodeJS.Timeout>();
  const body = JSON.stringify({ ok: behaviour.status === undefined || behaviour.status < 300 });

  function later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  }

  function holdMs(nowMs: number): number {
    const stall = behaviour.stall;
    if (!stall || firstMs === undefined) return 0;
    const stallEndMs = firstMs + stall.afterMs + stall.forMs;
    return nowMs >= firstMs + stall.afterMs && nowMs < stallEndMs ? stallEndMs - nowMs : 0;
  }

  const server = http.createServer((req, res) => {
    served++;
    const nowMs = performance.now();
    firstMs ??= nowMs;
    req.resume();
    if (behaviour.neverAnswer) return;
    const answer = () => {
      res.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json' });
      res.end(body);
    };
    const waitMs = Math.max(behaviour.delayMs ?? 0, holdMs(nowMs));
    if (waitMs > 0) later(waitMs, answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/users/42`,
    served: () => served,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
