import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Histogram } from 'hdr-histogram-js';
import { recordMsAsUs } from './histogram.js';
import type { MixedRequest } from './mix.js';
import type { OpenLoopCounters, OpenLoopTask } from './protocol.js';

export interface SenderRecorders {
  counters: OpenLoopCounters;
  correctedUs: Histogram;
  uncorrectedUs: Histogram;
  sendLagUs: Histogram;
  /** Corrected latency per phase, and the phase of an intended send time; both absent without phases. */
  phases?: { correctedUs: Histogram[]; of(intendedMs: number): number };
}

export interface RequestSender {
  /** Sends one request now, on behalf of the given intended send time (performance.now() ms). */
  send(intendedMs: number, request?: MixedRequest): void;
  /** Resolves when nothing is in flight; whatever is still in flight at `deadlineMs` counts as timed out. */
  drain(deadlineMs: number): Promise<void>;
  /** Destroys every socket: in-flight requests are abandoned. */
  close(): void;
  /** Requests sent and not yet settled. */
  inFlight(): number;
}

/** Keep-alive node:http requests through an agent capped at `connections` sockets; each request settles exactly once. */
export function createRequestSender(task: OpenLoopTask, rec: SenderRecorders): RequestSender {
  const url = new URL(task.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: task.connections });
  const requestOptions: http.RequestOptions = {
    agent,
    method: 'GET',
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port,
    path: url.pathname + url.search,
    headers: task.headers,
  };
  const inFlight = new Set<() => void>();
  let onIdle: (() => void) | undefined;

  function send(intendedMs: number, request?: MixedRequest): void {
    const calledMs = performance.now();
    recordMsAsUs(rec.sendLagUs, calledMs - intendedMs);
    rec.counters.sent++;
    // Uncorrected latency starts when a socket takes the request, as a closed-loop client would time it: now, when a
    // connection is free (the agent then hands it one at once), else when one frees up.
    const queued = inFlight.size >= task.connections;
    let onWireMs = calledMs;
    let settled = false;
    const req = http.request(
      request
        ? { ...requestOptions, method: request.method, path: request.path, headers: request.headers }
        : requestOptions,
    );
    const timer = setTimeout(timeOut, task.timeoutMs);
    inFlight.add(timeOut);

    function settle(): boolean {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      inFlight.delete(timeOut);
      if (inFlight.size === 0) onIdle?.();
      return true;
    }
    function timeOut(): void {
      if (!settle()) return;
      rec.counters.timeouts++;
      req.destroy();
    }
    function fail(): void {
      if (settle()) rec.counters.socketErrors++;
    }

    if (queued)
      req.on('socket', () => {
        onWireMs = performance.now();
      });
    req.on('error', fail);
    req.on('response', (res) => {
      res.on('end', () => {
        if (!settle()) return;
        const endMs = performance.now();
        recordMsAsUs(rec.correctedUs, endMs - intendedMs);
        if (rec.phases) recordMsAsUs(rec.phases.correctedUs[rec.phases.of(intendedMs)], endMs - intendedMs);
        recordMsAsUs(rec.uncorrectedUs, endMs - onWireMs);
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) rec.counters.ok++;
        else if (status >= 500 && request?.drawnError) rec.counters.expectedErrors++;
        else rec.counters.httpErrors++;
      });
      // A body cut short closes without 'end': a socket error (a no-op after 'end').
      res.on('close', fail);
      res.on('error', fail);
      res.resume();
    });
    req.end();
  }

  function drain(deadlineMs: number): Promise<void> {
    if (inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const backstop = setTimeout(
        () => {
          for (const timeOut of [...inFlight]) timeOut();
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

  return { send, drain, close: () => agent.destroy(), inFlight: () => inFlight.size };
}
