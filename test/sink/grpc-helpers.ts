import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { RETRY_INFO_TYPE_URL } from '../../harness/sink/grpc-status.js';
import { OTLP_GRPC_EXPORT_PATH } from '../../harness/sink/grpc-server.js';

/** Varint and length-delimited fields of one protobuf message, by field number. */
function fields(bytes: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const reader = protobuf.Reader.create(bytes);
  const out = new Map<number, (number | Uint8Array)[]>();
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    const value = wireType === 2 ? reader.bytes() : wireType === 0 ? Number(reader.int64()) : undefined;
    if (value === undefined) reader.skipType(wireType);
    else out.set(tag >>> 3, [...(out.get(tag >>> 3) ?? []), value]);
  }
  return out;
}

/** Reads a google.rpc.Status: its code, message, and the delay of a RetryInfo detail (undefined without one). */
export function decodeRetryStatus(bytes: Uint8Array): { code: number; message: string; retryAfterSeconds?: number } {
  const status = fields(bytes);
  const code = Number(status.get(1)?.[0] ?? 0);
  const message = Buffer.from((status.get(2)?.[0] as Uint8Array | undefined) ?? []).toString();
  for (const detail of (status.get(3) ?? []) as Uint8Array[]) {
    const any = fields(detail);
    if (Buffer.from(any.get(1)?.[0] as Uint8Array).toString() !== RETRY_INFO_TYPE_URL) continue;
    const delay = fields(fields(any.get(2)?.[0] as Uint8Array).get(1)?.[0] as Uint8Array);
    return { code, message, retryAfterSeconds: Number(delay.get(1)?.[0] ?? 0) + Number(delay.get(2)?.[0] ?? 0) / 1e9 };
  }
  return { code, message };
}

const identity = (value: Buffer): Buffer => value;

/** Sends one raw Export message with grpc-js (optionally gzip-compressed), as the OTel exporter does. */
export function exportRaw(
  url: string,
  message: Buffer,
  compression: 'none' | 'gzip' = 'none',
): Promise<{ error: grpc.ServiceError | null }> {
  const Client = grpc.makeGenericClientConstructor(
    {
      Export: {
        path: OTLP_GRPC_EXPORT_PATH,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    'TraceService',
  );
  const client = new Client(url.replace(/^http:\/\//, ''), grpc.credentials.createInsecure(), {
    'grpc.default_compression_algorithm': compression === 'gzip' ? 2 : 0,
  });
  return new Promise((resolve) => {
    (client as unknown as Record<string, (...args: unknown[]) => void>).Export(
      message,
      { deadline: Date.now() + 10_000 },
      (error: grpc.ServiceError | null) => {
        client.close();
        resolve({ error });
      },
    );
  });
}
