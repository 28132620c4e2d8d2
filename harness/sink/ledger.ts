import type { OwnSpans } from './attribution.js';
import type { ReceivedSpan, SinkAttributionStats, SinkProtocol, SinkStats } from './types.js';

/** The open trial's own counters; attribution adds the rest of SinkStats. */
export type LedgerCounts = Omit<SinkStats, keyof SinkAttributionStats>;

const PROTOCOLS: SinkProtocol[] = ['otlp-protobuf', 'otlp-json', 'otlp-grpc', 'zipkin'];

function emptyCounts(): LedgerCounts {
  const byProtocol = {} as SinkStats['byProtocol'];
  for (const protocol of PROTOCOLS) byProtocol[protocol] = { requests: 0, spans: 0, bytes: 0 };
  return {
    requests: 0,
    rejectedRequests: 0,
    hungRequests: 0,
    resetRequests: 0,
    resetConnections: 0,
    spansUnanswered: 0,
    malformedRequests: 0,
    spansReceived: 0,
    spansRejected: 0,
    bytesReceived: 0,
    bytesUncompressed: 0,
    byProtocol,
  };
}

export function emptySinkStats(): SinkStats {
  return {
    ...emptyCounts(),
    trialId: null,
    spansUnattributed: 0,
    spansPending: 0,
    spansLate: {},
    spansStray: 0,
    spansUnknownTrial: 0,
  };
}

/**
 * The sink's counters and kept spans. Per protocol, `requests` and `bytes` count every
 * arrival and `spans` only accepted spans, so they sum to `spansReceived`.
 */
export class SpanLedger {
  private counts = emptyCounts();
  private kept: ReceivedSpan[] = [];

  constructor(
    private keepSpans: boolean,
    private readonly maxKeptSpans: number,
  ) {}

  /** Turns keeping on or off for spans from now on (tail sampling needs it on); kept spans stay. */
  setKeepSpans(keepSpans: boolean): void {
    this.keepSpans = keepSpans;
  }

  /** Whether the next accepted spans would be kept, so decoding them is worth it. */
  wantsSpans(): boolean {
    return this.keepSpans && this.kept.length < this.maxKeptSpans;
  }

  /** Keeps spans up to `maxKeptSpans` (tail sampling hands over the spans of sampled traces here). */
  keep(spans: readonly ReceivedSpan[]): void {
    const room = this.keepSpans ? this.maxKeptSpans - this.kept.length : 0;
    for (let i = 0; i < Math.min(room, spans.length); i++) this.kept.push(spans[i]);
  }

  /** One request as it came: `uncompressedBytes` only when its body could be read (and decompressed). */
  arrived(protocol: SinkProtocol | undefined, wireBytes: number, uncompressedBytes = 0): void {
    this.counts.requests += 1;
    this.counts.bytesReceived += wireBytes;
    this.counts.bytesUncompressed += uncompressedBytes;
    if (protocol === undefined) return;
    this.counts.byProtocol[protocol].requests += 1;
    this.counts.byProtocol[protocol].bytes += wireBytes;
  }

  malformed(): void {
    this.counts.malformedRequests += 1;
  }

  rejected(spanCount: number): void {
    this.counts.rejectedRequests += 1;
    this.counts.spansRejected += spanCount;
  }

  /** A request the fault left unanswered: held open (`hang`) or its connection destroyed (`reset`). */
  unanswered(verdict: 'hang' | 'reset', spanCount: number): void {
    if (verdict === 'hang') this.counts.hungRequests += 1;
    else this.counts.resetRequests += 1;
    this.counts.spansUnanswered += spanCount;
  }

  /** A connection reset as it arrived, before any request (an outage in `down` mode). */
  connectionReset(): void {
    this.counts.resetConnections += 1;
  }

  /** Counts accepted spans; keeps them too unless `keep` is false (tail sampling keeps them later, if at all). */
  accepted(protocol: SinkProtocol, decoded: OwnSpans, keep = true): void {
    this.counts.spansReceived += decoded.spanCount;
    this.counts.byProtocol[protocol].spans += decoded.spanCount;
    if (keep) this.keep(decoded.spans);
  }

  stats(): LedgerCounts {
    return structuredClone(this.counts);
  }

  spans(): ReceivedSpan[] {
    return this.kept.slice();
  }

  reset(): void {
    this.counts = emptyCounts();
    this.kept = [];
  }
}
