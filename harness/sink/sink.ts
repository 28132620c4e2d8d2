import { setTimeout as delay } from 'node:timers/promises';
import { decodeOtlpJson } from './decode-otlp-json.js';
import { decodeOtlpProtobuf } from './decode-otlp-protobuf.js';
import { decodeZipkin } from './decode-zipkin.js';
import type { DecodedSpans, SpanDecoder } from './decoded-spans.js';
import { createFaultPolicy } from './fault.js';
import { SpanLedger, emptySinkStats } from './ledger.js';
import { reserveUnusedPort, startExportServer, type ExportAnswer, type ExportArrival } from './server.js';
import { TailStage } from './tail/stage.js';
import type { Sink, SinkOptions, SinkProtocol } from './types.js';

const DEFAULT_MAX_KEPT_SPANS = 200_000;

const DECODERS: Record<SinkProtocol, SpanDecoder> = {
  'otlp-protobuf': decodeOtlpProtobuf,
  'otlp-json': decodeOtlpJson,
  zipkin: decodeZipkin,
};

/** An empty ExportTraceServiceResponse: zero bytes in protobuf, `{}` in JSON; Zipkin answers 202. */
const ACCEPTED: Record<SinkProtocol, ExportAnswer> = {
  'otlp-protobuf': { httpStatus: 200, contentType: 'application/x-protobuf', body: '' },
  'otlp-json': { httpStatus: 200, contentType: 'application/json', body: '{}' },
  zipkin: { httpStatus: 202 },
};

const textAnswer = (httpStatus: number, text: string): ExportAnswer => ({
  httpStatus,
  contentType: 'text/plain',
  body: `${text}\n`,
});

function validate(options: SinkOptions): void {
  const { fault } = options;
  if (fault.mode === 'slow' && !(fault.delayMs >= 0)) throw new RangeError('sink.delayMs: must be >= 0');
  if (fault.mode === 'error' && !(fault.fraction >= 0 && fault.fraction <= 1)) {
    throw new RangeError('sink.fraction: must be in [0, 1]');
  }
  if (fault.mode === 'error' && !(fault.statusCode >= 400 && fault.statusCode <= 599)) {
    throw new RangeError('sink.statusCode: must be an HTTP error status (400-599)');
  }
  if (options.maxKeptSpans !== undefined && !(options.maxKeptSpans >= 0)) {
    throw new RangeError('sink.maxKeptSpans: must be >= 0');
  }
  // The config schema checks all of tail (tailSamplingSchema); these guard callers that build one in code.
  if (options.tail && !(options.tail.decision_wait_ms > 0)) throw new RangeError('sink.tail.decision_wait: must be greater than 0');
  if (options.tail && !(Number.isInteger(options.tail.num_traces) && options.tail.num_traces >= 1)) throw new RangeError('sink.tail.num_traces: must be a whole number >= 1');
  if (options.tail && options.tail.policies.length === 0) throw new RangeError('sink.tail.policies: must list at least one policy');
}

function urlsOf(url: string): Pick<Sink, 'url' | 'otlpTracesUrl' | 'zipkinSpansUrl'> {
  return { url, otlpTracesUrl: `${url}/v1/traces`, zipkinSpansUrl: `${url}/api/v2/spans` };
}

/** The `down` mode: a URL where connections are refused, and counters that stay at zero. */
async function startDownSink(): Promise<Sink> {
  const port = await reserveUnusedPort();
  return {
    ...urlsOf(`http://127.0.0.1:${port}`),
    stats: emptySinkStats,
    spans: () => [],
    tailStats: () => undefined,
    flushTail: () => {},
    setTail: () => {},
    reset: () => {},
    close: async () => {},
  };
}

/** Starts the receiving backend on 127.0.0.1 at a free port, behaving as `options.fault` says. */
export async function startSink(options: SinkOptions): Promise<Sink> {
  validate(options);
  if (options.fault.mode === 'down') return startDownSink();
  const keepSpans = options.keepSpans ?? false;
  const ledger = new SpanLedger(keepSpans || options.tail !== undefined, options.maxKeptSpans ?? DEFAULT_MAX_KEPT_SPANS);
  const policy = createFaultPolicy(options.fault);
  let tail = options.tail ? new TailStage(options.tail, (spans) => ledger.keep(spans)) : undefined;
  let closed = false;
  // Aborts pending `slow` delays on close, so no timer outlives the sink.
  const closing = new AbortController();

  async function handle(arrival: ExportArrival): Promise<ExportAnswer> {
    ledger.arrived(arrival.protocol, arrival.wireBytes);
    if (policy.delayMs > 0) await delay(policy.delayMs, undefined, { signal: closing.signal });
    if (arrival.status === 'unreadable') {
      ledger.malformed();
      return textAnswer(arrival.httpStatus, arrival.reason);
    }
    let decoded: DecodedSpans;
    try {
      // Tail sampling needs every span to judge whole traces, even once the kept store is full.
      decoded = DECODERS[arrival.protocol](arrival.body, tail !== undefined || ledger.wantsSpans());
    } catch (error) {
      ledger.malformed();
      return textAnswer(400, `undecodable ${arrival.protocol} body: ${(error as Error).message}`);
    }
    const decision = policy.decide();
    if (decision.verdict === 'reject') {
      ledger.rejected(decoded.spanCount);
      return textAnswer(decision.httpStatus, 'tracebench sink: injected fault');
    }
    ledger.accepted(arrival.protocol, decoded, tail === undefined);
    tail?.add(decoded.spans);
    return ACCEPTED[arrival.protocol];
  }

  const server = await startExportServer(handle);
  return {
    ...urlsOf(server.url),
    stats: () => ledger.stats(),
    spans: () => ledger.spans(),
    tailStats: () => tail?.stats(),
    flushTail: () => tail?.flush(),
    setTail: (config) => {
      validate({ ...options, tail: config });
      tail?.close();
      tail = config && !closed ? new TailStage(config, (spans) => ledger.keep(spans)) : undefined;
      ledger.setKeepSpans(keepSpans || tail !== undefined);
    },
    reset: () => {
      ledger.reset();
      policy.reset();
      tail?.reset();
    },
    close: async () => {
      closed = true;
      closing.abort();
      tail?.close();
      await server.close();
    },
  };
}
