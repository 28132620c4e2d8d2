import type { SinkSetting } from '../config/types.js';
import type { Cell } from '../plan/types.js';
import type { ProbeSpanReport } from '../probe/protocol.js';
import type { TrialMetrics } from './types.js';

/** What the sink-related checks need beyond the trial's metrics. */
export interface SinkCheckContext {
  sink: SinkSetting;
  drainTimeoutMs: number;
  /** The trial's `tracebench.trial.id`, so its late spans can be found in later trials. */
  trialId?: string;
  /** A saturation run followed the drain: spans landing during it are neither counted nor late. */
  saturationRun?: boolean;
}

/** Whether the cell's services export spans to the sink at all (a baseline, record-only and none/console do not). */
export function sendsToSink(cell: Cell): boolean {
  if (cell.settings.tracing !== 'sdk' || cell.settings.recordOnly) return false;
  const exporter = cell.settings.exporter;
  return exporter !== null && exporter !== 'none' && exporter !== 'console';
}

const MAX_LISTED_TRIALS = 5;

function listTrials(byTrial: Record<string, number>): string {
  const entries = Object.entries(byTrial).sort((a, b) => b[1] - a[1]);
  const listed = entries
    .slice(0, MAX_LISTED_TRIALS)
    .map(([id, n]) => `${id} (${n})`)
    .join(', ');
  return entries.length > MAX_LISTED_TRIALS ? `${listed} and ${entries.length - MAX_LISTED_TRIALS} more` : listed;
}

/** Why the span pipeline did not drain, from the sink's fault mode and the export failures; advice only where it helps. */
export function drainWarning(m: TrialMetrics, spans: ProbeSpanReport, context: SinkCheckContext | undefined): string {
  const head = `the span pipeline did not drain within drainTimeoutMs${context ? ` (${context.drainTimeoutMs} ms)` : ''}`;
  const reasons = Object.keys(spans.failureReasons).join('; ');
  if (context?.sink.mode === 'down' || /ECONNREFUSED/.test(reasons))
    return `${head}: the sink refused every connection${context?.sink.mode === 'down' ? ' (sink.mode: down)' : ''}, so the exporter was still retrying when the drain ended; the undelivered spans are in queuedAtEnd or failed, and a longer drainTimeoutMs would not deliver them`;
  if (context?.sink.mode === 'error' || m.sink.rejectedRequests > 0)
    return `${head}: the sink rejected ${m.sink.rejectedRequests} export requests${context?.sink.mode === 'error' ? ` (sink.mode: error, HTTP ${context.sink.statusCode})` : ''}, and the exporter was still retrying them; those spans are in queuedAtEnd, and a longer drainTimeoutMs would wait on the same rejections`;
  if (context?.sink.mode === 'slow' && context.sink.delayMs >= context.drainTimeoutMs)
    return `${head}: the sink answers each export after ${context.sink.delayMs} ms (sink.mode: slow), longer than the drain may wait, so the exports in flight are in queuedAtEnd and reach the sink after this trial (reported as late spans where they land); to count them here, raise drainTimeoutMs above ${context.sink.delayMs}`;
  return `${head}: spans still queued are counted in queuedAtEnd; raise drainTimeoutMs`;
}

/** Why exports failed, from the failure reasons and the sink's fault mode. */
export function exportFailureAdvice(reasons: string, cell: Cell, context: SinkCheckContext | undefined): string {
  if (/Concurrent export limit/.test(reasons)) {
    if (cell.settings.tracing === 'sdk' && cell.settings.processor?.type === 'simple')
      return 'the simple processor sends one export per span, and the OTLP exporter refuses more than its concurrency limit in flight: use the batch processor';
    const slow = context?.sink.mode === 'slow' ? `the slow sink (sink.delayMs ${context.sink.delayMs})` : 'the backend';
    return `the OTLP exporter refuses more exports in flight than its concurrency limit, and ${slow} answered too late for earlier ones to finish (a drain sends the whole queue at once, one export per maxExportBatchSize spans)`;
  }
  if (context?.sink.mode === 'down' || /ECONNREFUSED/.test(reasons))
    return `the sink refused the connections${context?.sink.mode === 'down' ? ' (sink.mode: down)' : ''}`;
  if (context?.sink.mode === 'error')
    return `the sink rejected them (sink.mode: error, HTTP ${context.sink.statusCode} to ${context.sink.fraction * 100}% of exports)`;
  return 'the backend refused or could not be reached';
}

/** Whose the sink's spans were, and whether this trial's exported and received balance, in words. */
export function sinkWarnings(m: TrialMetrics, cell: Cell, context: SinkCheckContext | undefined): string[] {
  const warnings: string[] = [];
  const a = m.spanAttribution;
  const sends = sendsToSink(cell);
  const self = context?.trialId ? `trial ${context.trialId}` : 'this trial';
  // Checked only where the exporter's count is known (unknown for an SDK tracebench did not build and could not read).
  if (sends && m.spans.exported !== null && m.spans.received !== m.spans.exported) {
    const gap = m.spans.received - m.spans.exported;
    const why =
      gap > 0
        ? `${gap} more reached the sink than the exporter saw acknowledged (exports answered after the drain ended, or retried after a timeout)`
        : `${-gap} acknowledged spans are missing at the sink (lost on the way, or carrying another trial's id)`;
    warnings.push(
      `the sink received ${m.spans.received} spans but the exporter reported ${m.spans.exported} exported: ${why}`,
    );
  }
  if (!a) return warnings;
  if (a.pendingSpans > 0) {
    const delay = context?.sink.mode === 'slow' ? ` (sink.delayMs ${context.sink.delayMs})` : '';
    const during = context?.saturationRun ? ' (or, landing during its saturation run, counted nowhere)' : '';
    warnings.push(
      `${a.pendingSpans} spans of ${self} were still waiting for the slow sink's answer${delay} when its spans were counted: they are not in received; they land afterwards, as late spans of ${self} in a later trial${during}, or nowhere if the run ends first`,
    );
  }
  const late = Object.values(a.lateFromEarlierTrials).reduce((t, n) => t + n, 0);
  if (late > 0)
    warnings.push(
      `${late} late spans of earlier trials arrived during this one, after their own trial was counted: ${listTrials(a.lateFromEarlierTrials)}; they are not counted as this trial's`,
    );
  if (a.strayLateSpans > 0)
    warnings.push(
      `${a.strayLateSpans} spans with no tracebench.trial.id arrived during this trial, which sends the sink none: late exports of another trial, from a service that does not read OTEL_RESOURCE_ATTRIBUTES; not counted as this trial's`,
    );
  if (a.unknownTrialSpans > 0)
    warnings.push(
      `${a.unknownTrialSpans} spans carried a tracebench.trial.id of no trial in this run (a service left running by another run?); not counted as this trial's`,
    );
  if (sends && a.unattributedSpans > 0)
    warnings.push(
      `${a.unattributedSpans} of the ${m.spans.received} spans received carried no tracebench.trial.id resource attribute (the service does not read OTEL_RESOURCE_ATTRIBUTES): counted as this trial's, though late spans of another trial would look the same`,
    );
  if (!sends && m.spans.received > 0)
    warnings.push(
      `the sink received ${m.spans.received} spans carrying this trial's id, but this cell exports none to the sink: the service traces on its own, so its figures are not those of ${cell.settings.tracing === 'off' ? 'an untraced service' : 'this cell'}`,
    );
  return warnings;
}
