import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ParsedResponse, ResponseParseError, ResponseParser } from '../../harness/load/response-parser.js';

/** Feeds `text` split at the given offsets; returns every response completed, then whether end() completed one. */
function feed(text: string, cuts: number[] = [], end = false): ParsedResponse[] {
  const parser = new ResponseParser();
  const out: ParsedResponse[] = [];
  const bytes = Buffer.from(text, 'latin1');
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    parser.push(bytes.subarray(at, cut), (r) => out.push({ ...r }));
    at = cut;
  }
  if (end) parser.end((r) => out.push({ ...r }));
  return out;
}

/** The same responses whichever byte the packets split at. */
function assertEverySplit(text: string, expected: ParsedResponse[]): void {
  for (let cut = 0; cut <= text.length; cut++) assert.deepEqual(feed(text, [cut]), expected, `split at ${cut}`);
  const everyByte = Array.from({ length: text.length }, (_, i) => i);
  assert.deepEqual(feed(text, everyByte), expected, 'one byte at a time');
}

const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

describe('ResponseParser', () => {
  test('back-to-back content-length responses, split anywhere', () => {
    const text = ok('{"ok":true}') + ok('{}').replace('200 OK', '503 Service Unavailable') + ok('');
    assertEverySplit(text, [
      { status: 200, close: false },
      { status: 503, close: false },
      { status: 200, close: false },
    ]);
  });

  test('chunked bodies with extensions and trailers, split anywhere', () => {
    const chunked =
      'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nx-trailer: 1\r\n\r\n';
    const empty = 'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n';
    assertEverySplit(chunked + empty + ok('x'), [
      { status: 201, close: false },
      { status: 200, close: false },
      { status: 200, close: false },
    ]);
  });

  test('a 100 Continue is not the answer; 204 has no body', () => {
    const text = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n${ok('ab')}`;
    assertEverySplit(text, [
      { status: 204, close: false },
      { status: 200, close: false },
    ]);
  });

  test('connection: close and HTTP/1.0 mark the connection as ending', () => {
    assert.deepEqual(feed(ok('a', 'Connection: close\r\n')), [{ status: 200, close: true }]);
    assert.deepEqual(feed(ok('a').replace('HTTP/1.1', 'HTTP/1.0')), [{ status: 200, close: true }]);
    assert.deepEqual(feed(ok('a', 'connection: keep-alive\r\n').replace('HTTP/1.1', 'HTTP/1.0')), [
      { status: 200, close: false },
    ]);
  });

  test('a body without length ends with the connection, and only then', () => {
    const text = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nsome body';
    assert.deepEqual(feed(text), []);
    assert.deepEqual(feed(text, [20], true), [{ status: 200, close: true }]);
    const parser = new ResponseParser();
    parser.push(Buffer.from(ok('abc').slice(0, -1)), () => assert.fail('incomplete'));
    assert.equal(
      parser.end(() => assert.fail('cut short')),
      false,
      'a content-length body cut short is not complete',
    );
  });

  test('bytes that are not an HTTP/1.x response throw', () => {
    assert.throws(() => feed('SSH-2.0-OpenSSH\r\n\r\n'), ResponseParseError);
    assert.throws(() => feed('HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n'), ResponseParseError);
    assert.throws(() => feed('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n'), ResponseParseError);
    assert.throws(() => feed(`HTTP/1.1 200 OK\r\n${'x'.repeat(70_000)}`), ResponseParseError);
  });
});
