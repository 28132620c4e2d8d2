import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** Bounds memory per request; real OTLP batches are far smaller. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export type BodyResult =
  | { status: 'read'; body: Buffer; wireBytes: number }
  | { status: 'unreadable'; httpStatus: number; reason: string; wireBytes: number };

/** Reads the whole body; `wireBytes` is the size as sent, before decompression. */
export async function readBody(request: IncomingMessage): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let wireBytes = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    wireBytes += chunk.length;
    if (wireBytes <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (wireBytes > MAX_BODY_BYTES) return { status: 'unreadable', httpStatus: 413, reason: 'body too large', wireBytes };
  const raw = Buffer.concat(chunks, wireBytes);
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return { status: 'read', body: raw, wireBytes };
  if (encoding !== 'gzip')
    return { status: 'unreadable', httpStatus: 415, reason: `unsupported Content-Encoding ${encoding}`, wireBytes };
  try {
    const body = await gunzipAsync(raw, { maxOutputLength: MAX_BODY_BYTES });
    return { status: 'read', body, wireBytes };
  } catch (error) {
    return { status: 'unreadable', httpStatus: 400, reason: `gzip: ${(error as Error).message}`, wireBytes };
  }
}
