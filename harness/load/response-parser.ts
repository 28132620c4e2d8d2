import { copyBytes, decimal, equalsLower, findCrlf, findHeadEnd, includesLower, leadingHex, isSpace } from './bytes.js';

/** One complete HTTP/1.1 response as the raw sender needs it: its status, and whether the connection stays open. */
export interface ParsedResponse {
  status: number;
  /** The server said `connection: close` (or spoke HTTP/1.0 without keep-alive): no further request on this socket. */
  close: boolean;
}

/** Thrown on bytes that are not an HTTP/1.x response: the connection cannot be trusted for another request. */
export class ResponseParseError extends Error {}

/** Where the parser is in the current response; numbers, so a transition allocates nothing. */
const HEAD = 0;
const LENGTH = 1;
const CHUNK_SIZE = 2;
const CHUNK_DATA = 3;
const TRAILERS = 4;
const UNTIL_CLOSE = 5;

/** A response head larger than this is not a service's answer: fail rather than buffer without bound. */
const MAX_HEAD_BYTES = 64 * 1024;

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const CONTENT_LENGTH = ascii('content-length');
const TRANSFER_ENCODING = ascii('transfer-encoding');
const CONNECTION = ascii('connection');
const CHUNKED = ascii('chunked');
const CLOSE = ascii('close');
const KEEP_ALIVE = ascii('keep-alive');
const HTTP_1 = ascii('HTTP/1.');

/**
 * Incremental parser of the responses on one keep-alive connection, one request in flight at a time: the head is
 * parsed, the body skipped by `content-length`, chunked encoding or the connection's close. Just what timing needs,
 * at a few µs a response where node:http's client spends tens (npm run bench:generator). It scans bytes in place and
 * makes no strings, slices or objects for a usual answer: on the sending thread every allocation brings the next
 * young-generation collection closer, and each one holds the sends due while it runs (docs/generator.md).
 */
export class ResponseParser {
  /** Bytes of an unfinished head or line, kept across reads (a reader may reuse its buffer); grown, never shrunk. */
  private carry: Buffer = Buffer.allocUnsafe(1024);
  private carryLength = 0;
  private state = HEAD;
  /** Bytes left of a content-length body, or of a chunk's data and its CRLF. */
  private left = 0;
  /** Reused for every response: `onResponse` copies what it keeps. */
  private head: ParsedResponse = { status: 0, close: false };
  /** The head just parsed is a 1xx: its completion is not the answer. */
  private interim = false;

  /**
   * Feeds bytes as they arrive, `chunk[0, length)` (the caller may reuse `chunk` afterwards); calls `onResponse` for
   * every response they complete, in order.
   */
  push(chunk: Buffer, onResponse: (response: ParsedResponse) => void, length = chunk.length): void {
    if (this.carryLength === 0) {
      this.consume(chunk, length, onResponse, false);
      return;
    }
    this.keep(chunk, 0, length);
    const carried = this.carryLength;
    this.carryLength = 0;
    this.consume(this.carry, carried, onResponse, true);
  }

  /** The connection closed: a response delimited by the close is complete now; any other one was cut short. */
  end(onResponse: (response: ParsedResponse) => void): boolean {
    if (this.state !== UNTIL_CLOSE) return false;
    this.complete(onResponse);
    return true;
  }

  /** True between responses: no byte of the next one has arrived. */
  idle(): boolean {
    return this.state === HEAD && this.carryLength === 0;
  }

  /** Appends `buf[from, to)` to the carried bytes. */
  private keep(buf: Buffer, from: number, to: number): void {
    const needed = this.carryLength + (to - from);
    if (needed > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, this.carry.length * 2));
      copyBytes(this.carry, 0, this.carryLength, grown, 0);
      this.carry = grown;
    }
    copyBytes(buf, from, to, this.carry, this.carryLength);
    this.carryLength = needed;
  }

  /** Keeps `buf[at, length)` for the next read; `buf` is the carry itself or the caller's buffer. */
  private rest(buf: Buffer, at: number, length: number, fromCarry: boolean): void {
    if (length - at > MAX_HEAD_BYTES) throw new ResponseParseError('response line or head too long');
    if (fromCarry) {
      copyBytes(this.carry, at, length, this.carry, 0);
      this.carryLength = length - at;
    } else this.keep(buf, at, length);
  }

  private consume(
    buf: Buffer,
    length: number,
    onResponse: (response: ParsedResponse) => void,
    fromCarry: boolean,
  ): void {
    let at = 0;
    while (at < length) {
      const state = this.state;
      if (state === UNTIL_CLOSE) return;
      if (state === LENGTH || state === CHUNK_DATA) {
        const take = Math.min(this.left, length - at);
        at += take;
        this.left -= take;
        if (this.left > 0) return;
        if (state === LENGTH) this.complete(onResponse);
        else this.state = CHUNK_SIZE;
        continue;
      }
      const eol = findCrlf(buf, at, length);
      if (eol < 0) {
        this.rest(buf, at, length, fromCarry);
        return;
      }
      if (state === HEAD) {
        const end = findHeadEnd(buf, at, length);
        if (end < 0) {
          this.rest(buf, at, length, fromCarry);
          return;
        }
        this.parseHead(buf, at, end);
        at = end + 4;
        if (this.state === HEAD) this.complete(onResponse);
        continue;
      }
      const lineStart = at;
      at = eol + 2;
      if (state === CHUNK_SIZE) {
        let size = leadingHex(buf, lineStart, eol);
        if (size < 0) {
          // Leading spaces, a sign or 0x: read as parseInt does.
          const line = buf.toString('latin1', lineStart, eol);
          size = Number.parseInt(line, 16);
          if (!Number.isFinite(size) || size < 0)
            throw new ResponseParseError(`bad chunk size ${JSON.stringify(line)}`);
        }
        // Each chunk's data is followed by its own CRLF.
        if (size === 0) this.state = TRAILERS;
        else {
          this.state = CHUNK_DATA;
          this.left = size + 2;
        }
      } else if (eol === lineStart) this.complete(onResponse);
    }
  }

  /** Parses the head `buf[from, to)` (status line and header lines, without the final blank line). */
  private parseHead(buf: Buffer, from: number, to: number): void {
    const statusCrlf = findCrlf(buf, from, to);
    const statusEnd = statusCrlf < 0 ? to : statusCrlf;
    const v = from + HTTP_1.length;
    let valid = statusEnd - from >= HTTP_1.length + 5 && (buf[v] === 48 || buf[v] === 49) && buf[v + 1] === 32;
    for (let i = 0; valid && i < HTTP_1.length; i++) valid = buf[from + i] === HTTP_1[i];
    const status = valid ? decimal(buf, v + 2, v + 5) : -1;
    if (status < 0)
      throw new ResponseParseError(
        `not an HTTP/1.x status line: ${JSON.stringify(buf.toString('latin1', from, statusEnd))}`,
      );
    let close = buf[v] === 48;
    let length = -1;
    let badLength = false;
    let chunked = false;
    for (let line = statusEnd + 2; line < to; ) {
      const crlf = findCrlf(buf, line, to);
      const eol = crlf < 0 ? to : crlf;
      let colon = line;
      while (colon < eol && buf[colon] !== 58) colon++;
      if (colon > line && colon < eol) {
        let nameStart = line;
        let nameEnd = colon;
        while (nameStart < nameEnd && isSpace(buf[nameStart]!)) nameStart++;
        while (nameEnd > nameStart && isSpace(buf[nameEnd - 1]!)) nameEnd--;
        let valueStart = colon + 1;
        let valueEnd = eol;
        while (valueStart < valueEnd && isSpace(buf[valueStart]!)) valueStart++;
        while (valueEnd > valueStart && isSpace(buf[valueEnd - 1]!)) valueEnd--;
        if (equalsLower(buf, nameStart, nameEnd, CONTENT_LENGTH)) {
          length = decimal(buf, valueStart, valueEnd);
          // Not plain digits: read as Number() reads it (rare, so a string is fine).
          if (length < 0) length = Number(buf.toString('latin1', valueStart, valueEnd).toLowerCase());
          badLength = !Number.isInteger(length) || length < 0;
        } else if (equalsLower(buf, nameStart, nameEnd, TRANSFER_ENCODING))
          chunked = equalsLower(buf, valueStart, valueEnd, CHUNKED) || this.listsChunked(buf, valueStart, valueEnd);
        else if (equalsLower(buf, nameStart, nameEnd, CONNECTION))
          close =
            includesLower(buf, valueStart, valueEnd, CLOSE) ||
            (close && !includesLower(buf, valueStart, valueEnd, KEEP_ALIVE));
      }
      line = eol + 2;
    }
    this.head.status = status;
    this.head.close = close;
    // 1xx heads precede the real answer; 204 and 304 never have a body.
    this.interim = status < 200;
    this.bodyState(status, chunked, badLength ? Number.NaN : length);
  }

  /** `transfer-encoding` lists `chunked` among others (`gzip, chunked`). */
  private listsChunked(buf: Buffer, from: number, to: number): boolean {
    return buf
      .toString('latin1', from, to)
      .toLowerCase()
      .split(',')
      .some((v) => v.trim() === 'chunked');
  }

  /** `length` is -1 without a content-length, NaN for a bad one (an error only where the body needs it). */
  private bodyState(status: number, chunked: boolean, length: number): void {
    this.state = HEAD;
    if (status < 200 || status === 204 || status === 304) return;
    if (chunked) this.state = CHUNK_SIZE;
    else if (Number.isNaN(length)) throw new ResponseParseError('bad content-length');
    else if (length > 0) {
      this.state = LENGTH;
      this.left = length;
    } else if (length < 0) {
      this.head.close = true;
      this.state = UNTIL_CLOSE;
    }
  }

  private complete(onResponse: (response: ParsedResponse) => void): void {
    this.state = HEAD;
    if (this.interim) {
      this.interim = false;
      return;
    }
    onResponse(this.head);
  }
}
