import type { Cell } from '../plan/types.js';
import type { ProbeSpanReport } from '../probe/protocol.js';
import { drainWarning, exportFailureAdvice, sinkWarnings, type SinkCheckContext } from './sink-warnings.js';
import type { TrialMetrics } from './types.js';

/** The bar: a trial whose achieved rate fell more than 2% short measured a different load. */
export const MIN_ACHIEVED_RATIO = 0.98;
/** Above this event-loop utilisation the generator, not the service, sets the pace. */
export const MAX_GENERATOR_ELU = 0.9;
/** More failed requests than this share means the latency and CPU figures describe errors. */
export const MAX_ERROR_RATIO = 0.01;
/** Below this share of requests answered, the service is not saturated but not answering: a shortfall says nothing of load. */
export const MIN_ANSWERED_RATIO = 0.1;
/** The probe promises to cost under 1% of the service's CPU. */
export const MAX_PROBE_SHARE = 0.01;
/** Default send-lag bound: this share of the service's median latency, so corrected latency stays the service's... */
export const SEND_LAG_SHARE_OF_MEDIAN = 0.25;
/** ...but never below wrk2's claimed precision, ±1 ms: on 2 shared cores the service itself delays 1% of sends that much. */
export const MIN_SEND_LAG_BOUND_US = 1000;
/** With timer pacing the floor is 10 ms: its millisecond grid puts p99 at 1-2 ms on every trial (bench:generator), a warning that would say nothing. */
export const MIN_SEND_LAG_BOUND_TIMER_US = 10_000;

/** What the user set about the load that judging a trial needs. */
export interface LoadCheckContext {
  /** Bound on send lag p99 (µs); default the larger of 25% of the trial's uncorrected latency p50 and the pacing's floor. */
  maxSendLagP99Us?: number;
  /** The pacing the trial ran with: the advice differs. */
  pacing?: 'timer' | 'hybrid' | 'thread';
  /** Whether the pacing threads were asked to run at SCHED_FIFO (`load.realtime`). */
  realtime?: boolean;
}

/** The send-lag p99 bound for a trial: the user's, or a share of the service's median latency. */
export function sendLagBoundUs(m: TrialMetrics, load: LoadCheckContext = {}): { boundUs: number; why: string } {
  if (load.maxSendLagP99Us !== undefined) return { boundUs: load.maxSendLagP99Us, why: 'load.maxSendLagP99Us' };
  const medianUs = m.latencyUs.uncorrected.p50;
  const shareUs = medianUs * SEND_LAG_SHARE_OF_MEDIAN;
  const floorUs =
    load.pacing === 'hybrid' || load.pacing === 'thread' ? MIN_SEND_LAG_BOUND_US : MIN_SEND_LAG_BOUND_TIMER_US;
  return shareUs > floorUs
    ? {
        boundUs: shareUs,
        why: `${SEND_LAG_SHARE_OF_MEDIAN * 100}% of the service's median latency, ${Math.round(medianUs)} µs`,
      }
    : {
        boundUs: floorUs,
        why: `the default floor with ${load.pacing ?? 'timer'} pacing; 25% of the service's median latency is ${Math.round(shareUs)} µs`,
      };
}

function sendLagWarning(m: TrialMetrics, load: LoadCheckContext | undefined): string | undefined {
  const { boundUs, why } = sendLagBoundUs(m, load);
  if (!(m.sendLagUs.p99 > boundUs)) return undefined;
  const fix =
    load?.pacing === 'timer'
      ? 'set load.pacing: thread (timers fire on a millisecond grid, so sends leave in bursts)'
      : `the generator thread was kept from running on time: ${load?.realtime ? '' : 'set load.realtime: true (on Linux, as root or with CAP_SYS_NICE, it then preempts other processes when a send is due), '}quiet the machine (other processes compete for its cores), lower load.rateRps or raise load.threads`;
  return `sends left up to ${Math.round(m.sendLagUs.p99)} µs late (p99; median ${Math.round(m.sendLagUs.p50)} µs), over the ${Math.round(boundUs)} µs bound (${why}): corrected latency then measures the generator's lateness as well as the service, and the service sees bursts the offered rate does not describe; ${fix}, or set load.maxSendLagP99Us to accept it`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Decides whether a measured trial counts, and says why not in words that tell the user what to change. */
export function checkTrial(
  m: TrialMetrics,
  spans: ProbeSpanReport,
  cell: Cell,
  sink?: SinkCheckContext,
  load?: LoadCheckContext,
): { status: 'ok' | 'invalid'; warnings: string[] } {
  const invalid: string[] = [];
  const warnings: string[] = [];
  if (!(m.requests > 0))
    invalid.push('the service served no request in the measured window: check service.requestPath answers 200');
  if (m.load.generatorEluMax > MAX_GENERATOR_ELU)
    invalid.push(
      `the generator was busy ${pct(m.load.generatorEluMax)} of the window: the numbers measure the generator, not the service; lower load.rateRps or raise load.threads`,
    );
  const answered = m.load.ok + m.load.httpErrors + (m.load.expectedErrors ?? 0);
  if (m.load.sent > 0 && answered < m.load.sent * MIN_ANSWERED_RATIO)
    invalid.push(
      `the service answered ${answered} of ${m.load.sent} requests (${m.load.timeouts} timed out, ${m.load.socketErrors} socket errors): it is not answering on service.requestPath, which no lower rate would fix; check the service's stderr and that requestPath is a route it serves`,
    );
  else if (m.achievedRps < m.targetRps * MIN_ACHIEVED_RATIO)
    invalid.push(
      `achieved ${m.achievedRps.toFixed(0)} of ${m.targetRps} req/s (${pct(m.achievedRps / m.targetRps)}): the service is saturated at this rate, so overhead shows as lost throughput; lower load.rateRps`,
    );
  const failedRequests = m.load.httpErrors + m.load.socketErrors + m.load.timeouts;
  if (failedRequests > m.load.sent * MAX_ERROR_RATIO)
    invalid.push(
      `${failedRequests} of ${m.load.sent} requests failed (${m.load.httpErrors} HTTP errors, ${m.load.socketErrors} socket errors, ${m.load.timeouts} timeouts): check the service's stderr and load.timeoutMs`,
    );
  else if (failedRequests > 0)
    warnings.push(`${failedRequests} requests failed; the figures exclude nothing, so read latency maxima with care`);
  const serviceCpuUs = m.cpuUserUs + m.cpuSystemUs;
  if (m.probeCpuUs > serviceCpuUs * MAX_PROBE_SHARE)
    warnings.push(
      `the in-service probe timed ${pct(m.probeCpuUs / serviceCpuUs)} of the service's CPU as its own work (over its 1% promise; taken off cpuUsPerRequest, but its untimed costs grow alike); the window may be too quiet to measure: raise load.rateRps`,
    );
  const lagWarning = sendLagWarning(m, load);
  if (lagWarning) warnings.push(lagWarning);
  if (spans.tracing) {
    if (!spans.drained) warnings.push(drainWarning(m, spans, sink));
    const { ended, exported, failed, dropped, queuedAtEnd } = m.spans;
    if (dropped !== null && dropped > 0)
      warnings.push(
        `${dropped} spans dropped because the batch queue was full: raise maxQueueSize or lower scheduleDelayMillis, or the backend is too slow`,
      );
    // A record-only cell hands ended spans to no processor, so nothing accounts for them by design.
    const recordOnly = cell.settings.tracing === 'sdk' && cell.settings.recordOnly;
    // The identities are checked only where every term is known: an unknown term could balance anything.
    if (
      !recordOnly &&
      ended !== null &&
      exported !== null &&
      failed !== null &&
      dropped !== null &&
      queuedAtEnd !== null
    ) {
      const accounted = exported + failed + dropped + queuedAtEnd;
      if (accounted !== ended)
        warnings.push(
          `span accounting does not balance: ended ${ended} ≠ exported ${exported} + failed ${failed} + dropped ${dropped} + queued ${queuedAtEnd}`,
        );
    }
    if (failed !== null && failed > 0) {
      const reasons = Object.entries(spans.failureReasons)
        .map(([reason, n]) => `${n}× ${reason}`)
        .join('; ');
      const advice = exportFailureAdvice(reasons, cell, sink);
      warnings.push(`${failed} spans failed to export (${reasons || 'no reason given'}): ${advice}`);
    }
    const concurrent = spans.exportCallsMaxConcurrent;
    // The simple processor exports every span as it ends, concurrently by design: only the batch processor is told.
    if (typeof concurrent === 'number' && concurrent > 1 && batchProcessor(cell))
      warnings.push(concurrentExportsWarning(concurrent));
  }
  warnings.push(...sinkWarnings(m, cell, sink));
  return { status: invalid.length > 0 ? 'invalid' : 'ok', warnings: [...invalid, ...warnings] };
}

/**
 * Export calls unanswered at once. The spec calls export() one at a time; sdk-trace-base 2.12's BatchSpanProcessor
 * does not after a failed export: its `.catch` clears `_isExporting` after `.finally` has started the next export, so
 * each failure leaves one more call running (reproduced alone: an exporter that fails after 200 ms saw 3 at once
 * within 5 s; one that succeeds, never more than 1). Through an outage, the spans held grow with them until the OTLP
 * exporter's concurrency limit (30 calls of maxExportBatchSize spans), not maxQueueSize.
 */
export function concurrentExportsWarning(concurrent: number): string {
  return `the exporter had up to ${concurrent} export calls unanswered at once: the batch processor starts a new export after a failed one without waiting for the calls still running (sdk-trace-base 2.12), so through a backend outage it holds up to the OTLP exporter's concurrency limit (30 calls × maxExportBatchSize spans) besides its queue, and memory grows until then; a shorter exporter timeout (the OTLP exporter's timeoutMillis) ends failed calls sooner`;
}

const batchProcessor = (cell: Cell): boolean =>
  cell.settings.tracing === 'sdk' && cell.settings.processor?.type === 'batch';
