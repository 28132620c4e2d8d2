import { decodeOtlpJson } from './decode-otlp-json.js';
import { decodeOtlpProtobuf } from './decode-otlp-protobuf.js';
import { decodeZipkin } from './decode-zipkin.js';
import { TrialAttribution } from './attribution.js';
import type { DecodedSpans, SpanDecoder } from './decoded-spans.js';
import { createFaultPolicy, type FaultDecision } from './fault.js';
import { grpcStatusOfHttp } from './grpc-status.js';
import type { GrpcAnswer, GrpcExportServer } from './grpc-server.js';
import { SpanLedger, emptySinkStats } from './ledger.js';
import { MAX_BODY_BYTES } from './read-body.js';
import { reserveUnusedPort, startExportServer, type ExportAnswer, type ExportArrival } from './server.js';
import { TailStage } from './tail/stage.js';
import type { Sink, SinkOptions, SinkOutage, SinkProtocol } from './types.js';

const DEFAULT_MAX_KEPT_SPANS = 200_000;

const DECODERS: Record<SinkProtocol, SpanDecoder> = {
  'otlp-protobuf': decodeOtlpProtobuf,
  'otlp-grpc': decodeOtlpProtobuf,
  'otlp-json': decodeOtlpJson,
  zipkin: decodeZipkin,
};

/** An empty ExportTraceServiceResponse: zero bytes in protobuf, `{}` in JSON; Zipkin answers 202. */
const ACCEPTED: Record<Exclude<SinkProtocol, 'otlp-grpc'>, ExportAnswer> = {
  'otlp-protobuf': { httpStatus: 200, contentType: 'application/x-protobuf', body: '' },
  'otlp-json': { httpStatus: 200, contentType: 'application/json', body: '{}' },
  zipkin: { httpStatus: 202 },
};

const textAnswer = (httpStatus: number, text: string): ExportAnswer => ({
  httpStatus,
  contentType: 'text/plain',
  body: `${text}\n`,
});

/** What became of one export request, before a transport turns it into its own answer. */
type Reception =
  | { kind: 'accepted' }
  | { kind: 'unreadable'; httpStatus: number; reason: string }
  | { kind: 'fault'; decision: Exclude<FaultDecision, { verdict: 'accept' }> };

const FAULT_TEXT = 'tracebench sink: injected fault';

function httpAnswerOf(reception: Reception, protocol: Exclude<SinkProtocol, 'otlp-grpc'>): ExportAnswer {
  if (reception.kind === 'accepted') return ACCEPTED[protocol];
  if (reception.kind === 'unreadable') return textAnswer(reception.httpStatus, reception.reason);
  const { decision } = reception;
  if (decision.verdict !== 'reject') return { action: decision.verdict };
  return {
    ...textAnswer(decision.httpStatus, FAULT_TEXT),
    ...(decision.retryAfterSeconds !== undefined ? { retryAfterSeconds: decision.retryAfterSeconds } : {}),
  };
}

/** The status an OTLP/gRPC backend gives for the same outcome (HTTP statuses mapped as grpcStatusOfHttp says). */
function grpcAnswerOf(reception: Reception): GrpcAnswer {
  if (reception.kind === 'accepted') return { verdict: 'ok' };
  if (reception.kind === 'unreadable')
    return { verdict: 'status', code: grpcStatusOfHttp(reception.httpStatus), details: reception.reason };
  const { decision } = reception;
  if (decision.verdict !== 'reject') return { verdict: decision.verdict };
  return {
    verdict: 'status',
    code: grpcStatusOfHttp(decision.httpStatus),
    details: FAULT_TEXT,
    ...(decision.retryAfterSeconds !== undefined ? { retryAfterSeconds: decision.retryAfterSeconds } : {}),
  };
}

function validate(options: SinkOptions): void {
  const { fault } = options;
  if (fault.mode === 'slow' && !(fault.delayMs >= 0)) throw new RangeError('sink.delayMs: must be >= 0');
  if ((fault.mode === 'error' || fault.mode === 'flaky') && !(fault.fraction >= 0 && fault.fraction <= 1)) {
    throw new RangeError('sink.fraction: must be in [0, 1]');
  }
  if (fault.mode === 'error' && !(fault.statusCode >= 400 && fault.statusCode <= 599)) {
    throw new RangeError('sink.statusCode: must be an HTTP error status (400-599)');
  }
  if (options.maxKeptSpans !== undefined && !(options.maxKeptSpans >= 0)) {
    throw new RangeError('sink.maxKeptSpans: must be >= 0');
  }
  // The config schema checks all of tail (tailSamplingSchema); these guard callers that build one in code.
  if (options.tail && !(options.tail.decision_wait_ms > 0))
    throw new RangeError('sink.tail.decision_wait: must be greater than 0');
  if (options.tail && !(Number.isInteger(options.tail.num_traces) && options.tail.num_traces >= 1))
    throw new RangeError('sink.tail.num_traces: must be a whole number >= 1');
  if (options.tail && options.tail.policies.length === 0)
    throw new RangeError('sink.tail.policies: must list at least one policy');
}

function urlsOf(url: string): Pick<Sink, 'url' | 'otlpTracesUrl' | 'zipkinSpansUrl'> {
  return { url, otlpTracesUrl: `${url}/v1/traces`, zipkinSpansUrl: `${url}/api/v2/spans` };
}

/** The `down` mode: a URL where connections are refused, and counters that stay at zero. */
async function startDownSink(grpc: boolean): Promise<Sink> {
  const port = await reserveUnusedPort();
  return {
    ...urlsOf(`http://127.0.0.1:${port}`),
    ...(grpc ? { otlpGrpcUrl: `http://127.0.0.1:${port}` } : {}),
    stats: emptySinkStats,
    spans: () => [],
    tailStats: () => undefined,
    flushTail: () => {},
    setTail: () => {},
    beginTrial: () => {},
    endTrial: () => {},
    windowStarted: () => {},
    outage: () => undefined,
    reset: () => {},
    close: async () => {},
  };
}

/**
 * The `slow` delays, cancellable all at once on close. One timer per request and no AbortSignal listener: a signal
 * shared by every pending request would pass Node's 10-listener warning with the 11th export in flight.
 */
function delays(): { wait(ms: number): Promise<void>; cancelAll(): void } {
  const cancels = new Set<() => void>();
  return {
    wait: (ms) =>
      ms <= 0
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const cancel = () => {
              clearTimeout(timer);
              cancels.delete(cancel);
              reject(new Error('sink closed'));
            };
            const timer = setTimeout(() => {
              cancels.delete(cancel);
              resolve();
            }, ms);
            cancels.add(cancel);
          }),
    cancelAll: () => {
      for (const cancel of [...cancels]) cancel();
    },
  };
}

/** Starts the receiving backend on 127.0.0.1 at a free port, behaving as `options.fault` says. */
export async function startSink(options: SinkOptions): Promise<Sink> {
  validate(options);
  if (options.fault.mode === 'down') return startDownSink(options.grpc ?? false);
  const keepSpans = options.keepSpans ?? false;
  const ledger = new SpanLedger(
    keepSpans || options.tail !== undefined,
    options.maxKeptSpans ?? DEFAULT_MAX_KEPT_SPANS,
  );
  const attribution = new TrialAttribution();
  const policy = options.faultPolicy ?? createFaultPolicy(options.fault, options.nowMs);
  let firstAcceptedAfterOutageMs: number | null = null;
  let tail = options.tail ? new TailStage(options.tail, (spans) => ledger.keep(spans)) : undefined;
  let closed = false;
  const pending = delays();

  /** Counts, attributes and answers one export request, whatever carried it. */
  async function receive(arrival: ExportArrival): Promise<Reception> {
    if (arrival.status === 'unreadable') {
      ledger.arrived(arrival.protocol, arrival.wireBytes);
      await pending.wait(policy.delayMs);
      ledger.malformed();
      return { kind: 'unreadable', httpStatus: arrival.httpStatus, reason: arrival.reason };
    }
    // Decoded on arrival, so spans held by the `slow` delay are known as pending under the trial they came in.
    let decoded: DecodedSpans | undefined;
    let undecodable = '';
    try {
      // Tail sampling needs every span to judge whole traces, even once the kept store is full.
      decoded = DECODERS[arrival.protocol](arrival.body, tail !== undefined || ledger.wantsSpans());
    } catch (error) {
      undecodable = (error as Error).message;
    }
    const token = attribution.arrive(decoded?.parts);
    if (token.ofThisTrial) ledger.arrived(arrival.protocol, arrival.wireBytes, arrival.body.length);
    try {
      await pending.wait(policy.delayMs);
    } finally {
      attribution.settle(token);
    }
    if (decoded === undefined) {
      ledger.malformed();
      return { kind: 'unreadable', httpStatus: 400, reason: `undecodable ${arrival.protocol} body: ${undecodable}` };
    }
    const decision = policy.decide();
    if (decision.verdict !== 'accept') {
      if (token.ofThisTrial) {
        const spanCount = attribution.ownCount(decoded.parts);
        if (decision.verdict === 'reject') ledger.rejected(spanCount);
        else ledger.unanswered(decision.verdict, spanCount);
      }
      return { kind: 'fault', decision };
    }
    // Judged after the delay: a trial that ended meanwhile makes its spans late, never the next trial's.
    const own = attribution.accept(decoded.parts);
    const sinceMs = policy.sinceWindowMs();
    if (
      firstAcceptedAfterOutageMs === null &&
      policy.outageMs &&
      sinceMs !== null &&
      sinceMs >= policy.outageMs.toMs &&
      own.spanCount > 0
    )
      firstAcceptedAfterOutageMs = sinceMs;
    ledger.accepted(arrival.protocol, own, tail === undefined);
    tail?.add(own.spans);
    return { kind: 'accepted' };
  }

  const resetTrialState = () => {
    ledger.reset();
    policy.reset();
    firstAcceptedAfterOutageMs = null;
    tail?.reset();
  };
  /** During a `down` outage every new connection is reset as it is accepted (see harness/sink/server.ts). */
  const refusesConnection = () => {
    const refuses = policy.refusesConnections();
    if (refuses) ledger.connectionReset();
    return refuses;
  };
  const server = await startExportServer(
    async (arrival) =>
      // The HTTP server routes only its own protocols here.
      httpAnswerOf(await receive(arrival), arrival.protocol as Exclude<SinkProtocol, 'otlp-grpc'>),
    refusesConnection,
  );
  let grpcServer: GrpcExportServer | undefined;
  if (options.grpc) {
    try {
      // grpc-js loads only for runs that export over gRPC.
      const { startGrpcExportServer } = await import('./grpc-server.js');
      grpcServer = await startGrpcExportServer(
        async ({ body, wireBytes }) =>
          // grpc-js has no per-connection hook: a down backend answers each call UNAVAILABLE instead.
          refusesConnection()
            ? { verdict: 'status', code: grpcStatusOfHttp(503), details: 'tracebench sink: backend down' }
            : grpcAnswerOf(await receive({ status: 'read', protocol: 'otlp-grpc', body, wireBytes })),
        MAX_BODY_BYTES,
      );
    } catch (error) {
      await server.close();
      throw error;
    }
  }
  return {
    ...urlsOf(server.url),
    ...(grpcServer ? { otlpGrpcUrl: grpcServer.url } : {}),
    stats: () => ({ ...ledger.stats(), ...attribution.stats() }),
    spans: () => ledger.spans(),
    tailStats: () => tail?.stats(),
    flushTail: () => tail?.flush(),
    setTail: (config) => {
      validate({ ...options, tail: config });
      tail?.close();
      tail = config && !closed ? new TailStage(config, (spans) => ledger.keep(spans)) : undefined;
      ledger.setKeepSpans(keepSpans || tail !== undefined);
    },
    beginTrial: (trialId, trialOptions) => {
      attribution.begin(trialId, trialOptions);
      resetTrialState();
    },
    endTrial: (lateReported) => attribution.end(lateReported),
    windowStarted: () => policy.windowStarted(),
    outage: (): SinkOutage | undefined =>
      policy.outageMs && policy.sinceWindowMs() !== null
        ? { ...policy.outageMs, firstAcceptedAfterMs: firstAcceptedAfterOutageMs }
        : undefined,
    reset: () => {
      attribution.resetOwn();
      resetTrialState();
    },
    close: async () => {
      closed = true;
      pending.cancelAll();
      tail?.close();
      await Promise.all([server.close(), grpcServer?.close()]);
    },
  };
}
