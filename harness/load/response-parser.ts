/** One complete HTTP/1.1 response as the raw sender needs it: its status, and whether the connection stays open. */
export interface ParsedResponse {
  status: number;
  /** The server said `connection: close` (or spoke HTTP/1.0 without keep-alive): no further request on this socket. */
  close: boolean;
}

/** Thrown on bytes that are not an HTTP/1.x response: the connection cannot be trusted for another request. */
export class ResponseParseError extends Error {}

type State =
  | { kind: 'head' }
  | { kind: 'length'; left: number }
  | { kind: 'chunkSize' }
  | { kind: 'chunkData'; left: number }
  | { kind: 'trailers' }
  | { kind: 'untilClose' };

/** A response head larger than this is not a service's answer: fail rather than buffer without bound. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Incremental parser of the responses on one keep-alive connection, one request in flight at a time: the head is
 * parsed, the body skipped by `content-length`, chunked encoding or the connection's close. Just what timing needs,
 * at a few µs a response where node:http's client spends tens (npm run bench:generator).
 */
export class ResponseParser {
  private pending: Buffer | undefined;
  private state: State = { kind: 'head' };
  private head: ParsedResponse = { status: 0, close: false };
  /** The head just parsed is a 1xx: its completion is not the answer. */
  private interim = false;

  /** Feeds bytes as they arrive; calls `onResponse` for every response they complete, in order. */
  push(chunk: Buffer, onResponse: (response: ParsedResponse) => void): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let at = 0;
    while (at < buf.length) {
      const state = this.state;
      if (state.kind === 'untilClose') return;
      if (state.kind === 'length' || state.kind === 'chunkData') {
        const take = Math.min(state.left, buf.length - at);
        at += take;
        state.left -= take;
        if (state.left > 0) return;
        if (state.kind === 'length') this.complete(onResponse);
        else this.state = { kind: 'chunkSize' };
        continue;
      }
      const eol = buf.indexOf('\r\n', at, 'latin1');
      if (eol < 0) {
        if (buf.length - at > MAX_HEAD_BYTES) throw new ResponseParseError('response line or head too long');
        this.pending = buf.subarray(at);
        return;
      }
      if (state.kind === 'head') {
        const end = buf.indexOf('\r\n\r\n', at, 'latin1');
        if (end < 0) {
          if (buf.length - at > MAX_HEAD_BYTES) throw new ResponseParseError('response head too long');
          this.pending = buf.subarray(at);
          return;
        }
        this.parseHead(buf.toString('latin1', at, end));
        at = end + 4;
        if (this.state.kind === 'head') this.complete(onResponse);
        continue;
      }
      const line = buf.toString('latin1', at, eol);
      at = eol + 2;
      if (state.kind === 'chunkSize') {
        const size = Number.parseInt(line, 16);
        if (!Number.isFinite(size) || size < 0) throw new ResponseParseError(`bad chunk size ${JSON.stringify(line)}`);
        // Each chunk's data is followed by its own CRLF.
        this.state = size === 0 ? { kind: 'trailers' } : { kind: 'chunkData', left: size + 2 };
      } else if (line === '') this.complete(onResponse);
    }
  }

  /** The connection closed: a response delimited by the close is complete now; any other one was cut short. */
  end(onResponse: (response: ParsedResponse) => void): boolean {
    if (this.state.kind !== 'untilClose') return false;
    this.complete(onResponse);
    return true;
  }

  /** True between responses: no byte of the next one has arrived. */
  idle(): boolean {
    return this.state.kind === 'head' && this.pending === undefined;
  }

  private parseHead(head: string): void {
    const lines = head.split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
    if (!statusLine) throw new ResponseParseError(`not an HTTP/1.x status line: ${JSON.stringify(lines[0])}`);
    const status = Number(statusLine[2]);
    let close = statusLine[1] === '0';
    let length: number | undefined;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.split(',').some((v) => v.trim() === 'chunked');
      else if (name === 'connection') close = value.includes('close') || (close && !value.includes('keep-alive'));
    }
    this.head = { status, close };
    // 1xx heads precede the real answer; 204 and 304 never have a body.
    this.interim = status < 200;
    this.state = this.bodyState(status, chunked, length);
  }

  private bodyState(status: number, chunked: boolean, length: number | undefined): State {
    if (status < 200 || status === 204 || status === 304) return { kind: 'head' };
    if (chunked) return { kind: 'chunkSize' };
    if (length !== undefined) {
      if (!Number.isInteger(length) || length < 0) throw new ResponseParseError('bad content-length');
      return length === 0 ? { kind: 'head' } : { kind: 'length', left: length };
    }
    this.head.close = true;
    return { kind: 'untilClose' };
  }

  private complete(onResponse: (response: ParsedResponse) => void): void {
    this.state = { kind: 'head' };
    if (this.interim) {
      this.interim = false;
      return;
    }
    onResponse(this.head);
  }
}
