import protobuf from 'protobufjs';

/** gRPC status codes the sink answers with (grpc/doc/statuscodes.md). */
export const GRPC_STATUS = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcStatusCode = (typeof GRPC_STATUS)[keyof typeof GRPC_STATUS];

const BY_HTTP_STATUS: Record<number, GrpcStatusCode> = {
  400: GRPC_STATUS.INVALID_ARGUMENT,
  401: GRPC_STATUS.UNAUTHENTICATED,
  403: GRPC_STATUS.PERMISSION_DENIED,
  404: GRPC_STATUS.UNIMPLEMENTED,
  408: GRPC_STATUS.DEADLINE_EXCEEDED,
  429: GRPC_STATUS.RESOURCE_EXHAUSTED,
  501: GRPC_STATUS.UNIMPLEMENTED,
  502: GRPC_STATUS.UNAVAILABLE,
  503: GRPC_STATUS.UNAVAILABLE,
  504: GRPC_STATUS.UNAVAILABLE,
};

/**
 * The gRPC status an OTLP/gRPC backend answers where an OTLP/HTTP one answers `httpStatus`: throttling (429) is
 * RESOURCE_EXHAUSTED and an unavailable backend (502-504) UNAVAILABLE, as the OTLP spec's retryable pair; other 4xx are
 * the client's fault (FAILED_PRECONDITION unless named), other 5xx INTERNAL.
 */
export function grpcStatusOfHttp(httpStatus: number): GrpcStatusCode {
  return BY_HTTP_STATUS[httpStatus] ?? (httpStatus < 500 ? GRPC_STATUS.FAILED_PRECONDITION : GRPC_STATUS.INTERNAL);
}

/** The trailer a gRPC server puts a google.rpc.Status with details in (the OTLP spec's RetryInfo goes there). */
export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

/** Encodes google.rpc.Status { code, message, details: [Any(RetryInfo { retry_delay })] } by hand: three small messages. */
export function encodeRetryStatus(code: GrpcStatusCode, message: string, retryAfterSeconds: number): Uint8Array {
  const seconds = Math.floor(retryAfterSeconds);
  const nanos = Math.round((retryAfterSeconds - seconds) * 1e9);
  const duration = protobuf.Writer.create().uint32(8).int64(seconds).uint32(16).int32(nanos).finish();
  const retryInfo = protobuf.Writer.create().uint32(10).bytes(duration).finish();
  const any = protobuf.Writer.create().uint32(10).string(RETRY_INFO_TYPE_URL).uint32(18).bytes(retryInfo).finish();
  return protobuf.Writer.create().uint32(8).int32(code).uint32(18).string(message).uint32(26).bytes(any).finish();
}
