import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { MicroTask, SuiteDefinition } from '../measure.js';
import { finishedSpans } from './fixtures.js';

/** Answers every export at once with success, and counts what reached it. */
class CountingNoopExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exported += spans.length;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The batch processor's default maxExportBatchSize: one export timer per this many spans, as in production. */
const SPANS_PER_FLUSH = 512;

function lost(enqueued: number, exporter: CountingNoopExporter, what: string): string[] {
  if (exporter.exported === enqueued) return [];
  return [`${enqueued - exporter.exported} of ${enqueued} spans never reached the exporter: ${what}`];
}

function batchOnEnd(span: ReadableSpan): MicroTask {
  const exporter = new CountingNoopExporter();
  // Queue and batch far above any sample and a delay that never fires: onEnd always finds room and never exports itself.
  const processor = new BatchSpanProcessor(exporter, {
    maxQueueSize: 1 << 20,
    maxExportBatchSize: 1 << 20,
    scheduledDelayMillis: 3_600_000,
  });
  let enqueued = 0;
  let sinceFlush = 0;
  return {
    name: 'batch-on-end',
    description:
      'BatchSpanProcessor.onEnd with its export slot free (the enqueue, never the drop path), no-op exporter',
    op: () => {
      processor.onEnd(span);
      enqueued++;
      sinceFlush++;
    },
    // Enqueue, not drop: the queue is emptied between samples (outside the timing) once 512 spans are in it, so it never fills; check() proves none was lost.
    afterSample: async () => {
      if (sinceFlush < SPANS_PER_FLUSH) return;
      sinceFlush = 0;
      await processor.forceFlush();
    },
    check: async () => {
      await processor.forceFlush();
      sinceFlush = 0;
      return lost(enqueued, exporter, 'the drop path was measured, not the enqueue');
    },
  };
}

function simpleOnEnd(span: ReadableSpan): MicroTask {
  const exporter = new CountingNoopExporter();
  const processor = new SimpleSpanProcessor(exporter);
  let ended = 0;
  return {
    name: 'simple-on-end',
    description: 'SimpleSpanProcessor.onEnd (exports each span at once), no-op exporter',
    op: () => {
      processor.onEnd(span);
      ended++;
    },
    // Settles the export promises each onEnd leaves behind, outside the timing, so they do not pile up across samples.
    afterSample: () => processor.forceFlush(),
    check: async () => {
      await processor.forceFlush();
      return lost(ended, exporter, 'the simple processor skipped spans');
    },
  };
}

/** What a span processor costs when a span ends, with the exporter reduced to nothing. */
export function processorSuite(): SuiteDefinition {
  const [span] = finishedSpans(1);
  return { warnings: [], tasks: [batchOnEnd(span), simpleOnEnd(span)] };
}
