import net from 'node:net';
import { LOOPBACK_HOST, isLoopback } from '../target/loopback.js';
import type { EgressSeen, ListenSeen } from './protocol.js';

interface ListenOptions {
  port?: number | string | null;
  host?: string | null;
  path?: string | null;
  backlog?: number;
  [key: string]: unknown;
}

/** Distinct off-loopback targets reported at most: a service looping on one is reported once, a scan is cut short. */
const MAX_EGRESS_REPORTS = 32;

function isPipeName(value: unknown): boolean {
  return typeof value === 'string' && !/^\d+$/.test(value);
}

/**
 * The listen call with a loopback host in place of a missing or non-loopback one (`rebound`), or undefined when there
 * is nothing to bind (a pipe, an inherited handle or fd). Mirrors net.Server#listen's argument forms.
 */
export function loopbackListenArgs(
  args: unknown[],
): { args: unknown[]; requestedHost: string | null; rebound: boolean } | undefined {
  const first = args[0];
  const callback = typeof args[args.length - 1] === 'function' ? args[args.length - 1] : undefined;
  let options: ListenOptions;
  if (first !== null && typeof first === 'object') {
    options = first as ListenOptions;
    // A handle, an fd or another server: the socket already exists, there is nothing to bind.
    if ('_handle' in options || 'fd' in options || 'handle' in options || options.path) return undefined;
  } else if (isPipeName(first)) {
    return undefined;
  } else {
    const rest = args.slice(1).filter((a) => typeof a !== 'function');
    options = { port: typeof first === 'function' ? undefined : (first as number | string | null | undefined) };
    if (typeof rest[0] === 'string') options.host = rest.shift() as string;
    if (typeof rest[0] === 'number') options.backlog = rest[0];
  }
  const requested = typeof options.host === 'string' && options.host !== '' ? options.host : null;
  if (requested !== null && isLoopback(requested)) return { args, requestedHost: requested, rebound: false };
  const rewritten: ListenOptions = { ...options, host: LOOPBACK_HOST, port: options.port ?? 0 };
  return { args: callback ? [rewritten, callback] : [rewritten], requestedHost: requested, rebound: true };
}

/**
 * Every TCP listen in the service binds loopback: a missing host (Node's default, every interface, as in
 * `app.listen(process.env.PORT)`) or a non-loopback one is replaced with 127.0.0.1 before anything is bound, so the
 * service is never reachable from another machine. Each server is reported once it listens, with what was asked.
 */
export function watchListen(report: (seen: ListenSeen) => void): void {
  const original = net.Server.prototype.listen;
  net.Server.prototype.listen = function listen(this: net.Server, ...args: unknown[]) {
    const loopback = loopbackListenArgs(args);
    this.once('listening', () => {
      const address = this.address();
      if (address && typeof address === 'object')
        report({
          address: address.address,
          port: address.port,
          requestedHost: loopback?.requestedHost ?? null,
          rebound: loopback?.rebound ?? false,
        });
    });
    return original.apply(this, (loopback?.args ?? args) as Parameters<typeof original>);
  } as typeof original;
}

/** Host and port of a Socket#connect call (`connect(options)`, `connect(port, host)`, net.connect's normalised array); undefined for a pipe. */
export function connectTarget(args: unknown[]): { host: string; port: number } | undefined {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === 'object') {
    const o = first as ListenOptions;
    // As net does: a pipe when path is set (http's agent passes `path: null` for TCP).
    if (o.path) return undefined;
    return { host: typeof o.host === 'string' && o.host !== '' ? o.host : 'localhost', port: Number(o.port) };
  }
  if (isPipeName(first)) return undefined;
  return { host: typeof args[1] === 'string' && args[1] !== '' ? args[1] : 'localhost', port: Number(first) };
}

/**
 * Reports every outgoing TCP connection (http, fetch, TLS, database drivers: all go through net.Socket#connect) to an
 * address off this machine, without blocking it: an IP when connect is called, a host name when it has resolved
 * (the `lookup` event, before the connection is attempted) or failed to. One check per new connection, not per request.
 */
export function watchConnect(report: (seen: EgressSeen) => void): void {
  const seen = new Set<string>();
  const once = (e: EgressSeen) => {
    const key = `${e.host}:${e.port}:${e.address ?? ''}`;
    if (seen.has(key) || seen.size >= MAX_EGRESS_REPORTS) return;
    seen.add(key);
    report(e);
  };
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if (target && !isLoopback(target.host)) {
      if (net.isIP(target.host)) once({ host: target.host, port: target.port, resolved: true });
      else
        this.on('lookup', (error: Error | null, address: string | undefined) => {
          if (error) once({ host: target.host, port: target.port, resolved: false });
          else if (address && !isLoopback(address))
            once({ host: target.host, port: target.port, address, resolved: true });
        });
    }
    return original.apply(this, args as Parameters<typeof original>);
  } as typeof original;
}
