import { constants as http2, type ServerHttp2Stream } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { encodeRetryStatus, type GrpcStatusCode, STATUS_DETAILS_TRAILER } from './grpc-status.js';

/** The OTLP trace service's one method, as the collector serves it (opentelemetry-proto trace_service.proto). */
export const OTLP_GRPC_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** The gRPC length prefix before every message: a compressed flag and a 4-byte length. */
const MESSAGE_PREFIX_BYTES = 5;

/** One Export call: the request message as decompressed by grpc-js, and its size as sent. */
export interface GrpcArrival {
  body: Buffer;
  /** The message as sent (compressed size when the client compressed it), without the 5-byte gRPC prefix. */
  wireBytes: number;
}

export type GrpcAnswer =
  | { verdict: 'ok' }
  | { verdict: 'status'; code: GrpcStatusCode; details: string; retryAfterSeconds?: number }
  /** Never answer: the client's deadline ends the call. */
  | { verdict: 'hang' }
  /** Abort the call's HTTP/2 stream (RST_STREAM) without a status; other calls on the connection go on. */
  | { verdict: 'reset' };

export type GrpcExportHandler = (arrival: GrpcArrival) => Promise<GrpcAnswer>;

export interface GrpcExportServer {
  /** `http://127.0.0.1:PORT`, the form OTEL_EXPORTER_OTLP_TRACES_ENDPOINT takes for gRPC (http: means no TLS). */
  url: string;
  close(): Promise<void>;
}

interface CallWire {
  wireBytes: number;
  stream: ServerHttp2Stream | undefined;
}

const identity = (value: Buffer): Buffer => value;

/** Raw bytes in and out: the sink decodes with its own protobuf reader, so no .proto is loaded at runtime. */
const TRACE_SERVICE: grpc.ServiceDefinition = {
  Export: {
    path: OTLP_GRPC_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/**
 * Counts each call's request bytes as they come off its HTTP/2 stream, before grpc-js decompresses them, and ties the
 * count to the decoded message. grpc-js hands interceptors its base call, whose `stream` is not in its typings; it is
 * paused until the call reads, so no DATA frame is missed.
 */
function wireCounter(seen: WeakMap<Buffer, CallWire>): grpc.ServerInterceptor {
  return (_method, call) => {
    const stream = (call as unknown as { stream?: ServerHttp2Stream }).stream;
    let streamBytes = 0;
    stream?.on('data', (chunk: Buffer) => {
      streamBytes += chunk.length;
    });
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMessage: (message: Buffer, nextMessage) => {
            const wireBytes = stream ? streamBytes - MESSAGE_PREFIX_BYTES : message.length;
            seen.set(message, { wireBytes, stream });
            nextMessage(message);
          },
        }),
    });
  };
}

function reply(answer: GrpcAnswer, wire: CallWire | undefined, callback: grpc.sendUnaryData<Buffer>): void {
  switch (answer.verdict) {
    case 'ok':
      // An empty ExportTraceServiceResponse: zero bytes in protobuf.
      callback(null, Buffer.alloc(0));
      return;
    case 'status': {
      const metadata = new grpc.Metadata();
      if (answer.retryAfterSeconds !== undefined)
        metadata.set(
          STATUS_DETAILS_TRAILER,
          Buffer.from(encodeRetryStatus(answer.code, answer.details, answer.retryAfterSeconds)),
        );
      callback({ code: answer.code, details: answer.details, metadata });
      return;
    }
    case 'hang':
      return;
    case 'reset':
      wire?.stream?.close(http2.NGHTTP2_INTERNAL_ERROR);
      return;
  }
}

/**
 * A loopback OTLP/gRPC receiver (grpc-js) for TraceService/Export; gzip and deflate messages are decompressed by grpc-js,
 * bounded to `maxMessageBytes` before and after decompression (RESOURCE_EXHAUSTED beyond).
 */
export async function startGrpcExportServer(
  handler: GrpcExportHandler,
  maxMessageBytes: number,
): Promise<GrpcExportServer> {
  const seen = new WeakMap<Buffer, CallWire>();
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    interceptors: [wireCounter(seen)],
  });
  server.addService(TRACE_SERVICE, {
    Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const wire = seen.get(call.request);
      handler({ body: call.request, wireBytes: wire?.wireBytes ?? call.request.length }).then(
        (answer) => reply(answer, wire, callback),
        // A delay cut short by close() leaves nobody to answer; anything else is a sink bug, said as INTERNAL.
        () => callback({ code: grpc.status.INTERNAL, details: 'sink error' }),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    // Hung calls would hold a graceful shutdown forever.
    close: async () => server.forceShutdown(),
  };
}
