import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { recordMsAsUs } from './histogram.js';
import type { MixedRequest } from './mix.js';
import type { OpenLoopTask } from './protocol.js';
import type { RequestSender, SenderRecorders } from './request-sender.js';
import { ResponseParseError, ResponseParser, type ParsedResponse } from './response-parser.js';

interface Pending {
  intendedMs: number;
  /** When a connection took the request and started writing it: send lag ends and uncorrected latency starts here. */
  onWireMs: number;
  bytes: Buffer | string;
  drawnError: boolean;
  /** Only for a request that waited for a connection; one written at once is timed by its connection's timer. */
  timer: NodeJS.Timeout | undefined;
  conn: Conn | undefined;
  settled: boolean;
}

interface Conn {
  socket: net.Socket;
  parser: ResponseParser;
  current: Pending | undefined;
  /** Re-armed with `refresh()` for each request written at once (no timer object per request); times `armedFor`. */
  timer: NodeJS.Timeout;
  armedFor: Pending | undefined;
}

/** Bytes one read may bring; every connection reads into the same buffer, parsed before the next read. */
const READ_BUFFER_BYTES = 64 * 1024;

const CRLF = /[\r\n]/;

/** The bytes of one GET or bodiless POST; header values with a line break would smuggle a second request. */
function requestText(method: string, path: string, host: string, headers: Record<string, string>): string {
  let text = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (CRLF.test(name) || CRLF.test(value))
      throw new Error(`request header ${JSON.stringify(name)} holds a line break`);
    text += `${name}: ${value}\r\n`;
  }
  return `${text}${method === 'GET' ? '' : 'content-length: 0\r\n'}\r\n`;
}

/**
 * Keep-alive HTTP/1.1 over plain sockets, at most `connections` of them, one request in flight on each; requests
 * beyond wait in order for a connection. The request is written synchronously (the kernel has it when `send`
 * returns) and a response costs a few µs to read, so the event loop is free when the next send is due: at 5,000
 * req/s the generator took ~100 µs of CPU a request with node:http and ~35 µs with this (timer pacing, npm run
 * bench:generator, docs/generator.md).
 */
export function createRawSender(task: OpenLoopTask, rec: SenderRecorders): RequestSender {
  const url = new URL(task.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  // Built once: every send of the plain GET writes this same Buffer.
  const defaultBytes = Buffer.from(requestText('GET', url.pathname + url.search, url.host, task.headers), 'latin1');
  const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const conns = new Set<Conn>();
  const idle: Conn[] = [];
  const queue: Pending[] = [];
  let queueHead = 0;
  let inFlight = 0;
  let onIdle: (() => void) | undefined;

  function settle(p: Pending): boolean {
    if (p.settled) return false;
    p.settled = true;
    clearTimeout(p.timer);
    inFlight--;
    if (inFlight === 0) onIdle?.();
    return true;
  }

  function write(conn: Conn, p: Pending): void {
    conn.current = p;
    p.conn = conn;
    // Timed as the request starts to leave, as wrk does: on loopback the write syscall itself carries the request
    // through the kernel to the server's socket, which is the request's trip, not the generator being late.
    p.onWireMs = performance.now();
    conn.socket.write(p.bytes, 'latin1');
  }

  function nextQueued(): Pending | undefined {
    while (queueHead < queue.length) {
      const p = queue[queueHead++]!;
      if (!p.settled) return p;
    }
    queue.length = 0;
    queueHead = 0;
    return undefined;
  }

  function onResponse(conn: Conn, response: ParsedResponse): void {
    const p = conn.current;
    conn.current = undefined;
    if (!p || !settle(p)) {
      // An answer nothing asked for (or one to a request already timed out): the connection is out of step.
      conn.socket.destroy();
      return;
    }
    const endMs = performance.now();
    recordMsAsUs(rec.correctedUs, endMs - p.intendedMs);
    if (rec.phases) recordMsAsUs(rec.phases.correctedUs[rec.phases.of(p.intendedMs)]!, endMs - p.intendedMs);
    recordMsAsUs(rec.uncorrectedUs, endMs - p.onWireMs);
    if (response.status >= 200 && response.status < 300) rec.counters.ok++;
    else if (response.status >= 500 && p.drawnError) rec.counters.expectedErrors++;
    else rec.counters.httpErrors++;
    if (response.close) conn.socket.destroy();
    else release(conn);
  }

  function release(conn: Conn): void {
    const next = nextQueued();
    if (next) write(conn, next);
    else idle.push(conn);
  }

  function open(): Conn {
    const answer = (response: ParsedResponse) => onResponse(conn, response);
    // Reads land in the one reused buffer (no Buffer per read, as 'data' events would make).
    const onRead = (nread: number, buf: Buffer) => {
      try {
        conn.parser.push(buf, answer, nread);
      } catch (error) {
        if (!(error instanceof ResponseParseError)) throw error;
        socket.destroy();
      }
      return true;
    };
    const socket = net.connect({ host, port, onread: { buffer: readBuffer, callback: onRead } });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      if (conn.current !== undefined && conn.current === conn.armedFor) timeOut(conn.current);
    }, task.timeoutMs).unref();
    const conn: Conn = { socket, parser: new ResponseParser(), current: undefined, timer, armedFor: undefined };
    conns.add(conn);
    socket.on('end', () => conn.parser.end(answer));
    // Errors close the socket; what was in flight on it is failed in 'close'.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(conn.timer);
      conns.delete(conn);
      const at = idle.indexOf(conn);
      if (at >= 0) idle.splice(at, 1);
      const p = conn.current;
      conn.current = undefined;
      if (p && settle(p)) rec.counters.socketErrors++;
      // Requests waiting for a connection get a new one, as an agent would open it.
      if (conns.size < task.connections) {
        const next = nextQueued();
        if (next) write(open(), next);
      }
    });
    return conn;
  }

  function timeOut(p: Pending): void {
    if (!settle(p)) return;
    rec.counters.timeouts++;
    // The answer may still come: that connection is no longer usable for the next request.
    p.conn?.socket.destroy();
  }

  function send(intendedMs: number, request?: MixedRequest): void {
    rec.counters.sent++;
    inFlight++;
    const p: Pending = {
      intendedMs,
      onWireMs: 0,
      bytes: request ? requestText(request.method, request.path, url.host, request.headers) : defaultBytes,
      drawnError: request?.drawnError ?? false,
      timer: undefined,
      conn: undefined,
      settled: false,
    };
    const conn = idle.pop() ?? (conns.size < task.connections ? open() : undefined);
    if (conn) {
      conn.armedFor = p;
      conn.timer.refresh();
      write(conn, p);
      recordMsAsUs(rec.sendLagUs, p.onWireMs - intendedMs);
    } else {
      p.timer = setTimeout(() => timeOut(p), task.timeoutMs);
      queue.push(p);
      recordMsAsUs(rec.sendLagUs, performance.now() - intendedMs);
    }
  }

  function drain(deadlineMs: number): Promise<void> {
    if (inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const backstop = setTimeout(
        () => {
          for (const conn of conns) if (conn.current) timeOut(conn.current);
          for (let p = nextQueued(); p; p = nextQueued()) timeOut(p);
        },
        Math.max(0, deadlineMs - performance.now()),
      );
      onIdle = () => {
        clearTimeout(backstop);
        onIdle = undefined;
        resolve();
      };
    });
  }

  function close(): void {
    for (const conn of conns) {
      clearTimeout(conn.timer);
      conn.socket.destroy();
    }
  }

  return { send, drain, close, inFlight: () => inFlight };
}
