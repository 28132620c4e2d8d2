import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body.js';
import type { SinkProtocol } from './types.js';

export type ExportArrival =
  | { status: 'read'; protocol: SinkProtocol; body: Buffer; wireBytes: number }
  | { status: 'unreadable'; protocol: SinkProtocol | undefined; httpStatus: number; reason: string; wireBytes: number };

export type ExportAnswer =
  | { httpStatus: number; contentType?: string; body?: string; retryAfterSeconds?: number }
  /** Keep the request open without an answer until the client gives up or the sink closes. */
  | { action: 'hang' }
  /** Destroy the connection without an answer. */
  | { action: 'reset' };

export type ExportHandler = (arrival: ExportArrival) => Promise<ExportAnswer>;

export interface ExportServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

type Route = { protocol: SinkProtocol } | { unsupportedMediaType: string } | undefined;

function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

function routeOf(request: IncomingMessage): Route {
  if (request.method !== 'POST') return undefined;
  const path = (request.url ?? '').split('?')[0];
  if (path === '/api/v2/spans') return { protocol: 'zipkin' };
  if (path !== '/v1/traces') return undefined;
  const type = mediaType(request);
  if (type === 'application/x-protobuf') return { protocol: 'otlp-protobuf' };
  if (type === 'application/json') return { protocol: 'otlp-json' };
  return { unsupportedMediaType: type };
}

async function arrivalOf(request: IncomingMessage, route: NonNullable<Route>): Promise<ExportArrival> {
  const read = await readBody(request);
  if ('unsupportedMediaType' in route) {
    const reason = `unsupported Content-Type ${route.unsupportedMediaType || '(none)'}`;
    return { status: 'unreadable', protocol: undefined, httpStatus: 415, reason, wireBytes: read.wireBytes };
  }
  return { ...read, protocol: route.protocol };
}

function answer(response: ServerResponse, reply: ExportAnswer): void {
  if (response.destroyed || response.headersSent) return;
  if ('action' in reply) {
    if (reply.action === 'reset') response.socket?.resetAndDestroy();
    return;
  }
  const headers: Record<string, string> = reply.contentType ? { 'content-type': reply.contentType } : {};
  if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
  response.writeHead(reply.httpStatus, headers).end(reply.body);
}

async function serve(request: IncomingMessage, response: ServerResponse, handler: ExportHandler): Promise<void> {
  const route = routeOf(request);
  if (route === undefined) {
    request.resume();
    answer(response, { httpStatus: 404, contentType: 'text/plain', body: 'not found\n' });
    return;
  }
  answer(response, await handler(await arrivalOf(request, route)));
}

/**
 * A loopback HTTP server for the OTLP/HTTP and Zipkin v2 routes; everything else is 404. While `refuses()` is true,
 * each new connection is reset as it is accepted.
 */
export async function startExportServer(
  handler: ExportHandler,
  refuses: () => boolean = () => false,
): Promise<ExportServer> {
  const server = createServer((request, response) => {
    serve(request, response, handler).catch(() => {
      // A client gone mid-body or a delay aborted by close() leaves no socket to answer; anything else is a sink bug, said as 500.
      answer(response, { httpStatus: 500, contentType: 'text/plain', body: 'sink error\n' });
    });
  });
  server.on('connection', (socket) => {
    if (refuses()) socket.resetAndDestroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive and in-flight sockets would otherwise hold close() for seconds.
        server.closeAllConnections();
      }),
  };
}

/** A port where nothing listens: bound and released, so connecting is refused. */
export async function reserveUnusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
