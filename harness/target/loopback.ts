import { isIP } from 'node:net';

/** Where the harness binds and connects: every service is reached on loopback only. */
export const LOOPBACK_HOST = '127.0.0.1';

/**
 * True for an address or name that stays on this machine: 127.0.0.0/8, ::1, their IPv4-mapped forms and `localhost`.
 * Wildcards (`0.0.0.0`, `::`) are not loopback: a server bound to them is reachable from other machines.
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** `127.0.0.1:8080`, `[::1]:8080`. */
export function hostPort(host: string, port: number | string): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
