import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  TraceIdRatioBasedSampler,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ForeignSpanCounter } from '../../harness/probe/spans.js';

/** An exporter that answers only when released: spans pile up in the batch queue meanwhile. */
class HeldExporter implements SpanExporter {
  private pending: (() => void)[] = [];
  received = 0;
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.pending.push(() => {
      this.received += spans.length;
      done({ code: ExportResultCode.SUCCESS });
    });
  }
  release(): void {
    for (const answer of this.pending.splice(0)) answer();
  }
  async shutdown(): Promise<void> {}
}

describe('the probe counting an SDK tracebench did not build', () => {
  it('counts starts, samples, ends, exports, queue-full drops and queued spans of a provider it finds behind the API', async () => {
    const exporter = new HeldExporter();
    const provider = new BasicTracerProvider({
      sampler: new TraceIdRatioBasedSampler(0.5),
      spanProcessors: [
        new BatchSpanProcessor(exporter, { maxQueueSize: 10, maxExportBatchSize: 10, scheduledDelayMillis: 60_000 }),
      ],
    });
    // Tracers handed out before the probe hooked keep working and are counted too.
    const early = provider.getTracer('early');
    const counter = new ForeignSpanCounter();
    counter.hook({ getDelegate: () => provider });
    assert.equal(counter.registered, true);
    const late = provider.getTracer('late');
    for (let i = 0; i < 200; i++) (i % 2 ? early : late).startSpan(`s${i}`).end();
    const sampled = counter.report(true).sampled!;
    assert.ok(sampled > 50 && sampled < 150, `sampled ${sampled} of 200 at ratio 0.5`);
    // Queue of 10, no timer yet: the first 10 are queued (a full batch goes out at once), the rest dropped.
    setTimeout(() => exporter.release(), 20);
    const drained = await counter.drain(2000);
    exporter.release();
    const r = counter.report(drained);
    assert.equal(r.source, 'probe');
    assert.equal(r.started, 200);
    assert.equal(r.ended, sampled);
    assert.equal(r.exported, exporter.received);
    assert.ok((r.dropped ?? 0) > 0, JSON.stringify(r));
    assert.equal(r.ended, r.exported! + r.failed! + r.dropped! + r.queuedAtEnd!, JSON.stringify(r));
  });

  // The warning of results/validity.ts (concurrentExportsWarning) rests on this: if sdk-trace-base stops exporting
  // concurrently after a failure, this fails, and the warning's account of the batch processor must change with it.
  it('counts export calls unanswered at once: one for a batch processor whose exports succeed, more once they fail', async () => {
    const concurrentCalls = async (code: ExportResultCode) => {
      const exporter: SpanExporter = {
        export: (_spans, done) => void setTimeout(() => done({ code, error: new Error('backend down') }), 100),
        shutdown: async () => {},
      };
      const provider = new BasicTracerProvider({
        spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 20, scheduledDelayMillis: 10 })],
      });
      const counter = new ForeignSpanCounter();
      counter.hook({ getDelegate: () => provider });
      const tracer = provider.getTracer('t');
      // 40 spans every 10 ms for 1.5 s: a full batch is always waiting when an export answers.
      for (let tick = 0; tick < 150; tick++) {
        for (let i = 0; i < 40; i++) tracer.startSpan('s').end();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const concurrent = counter.report(false).exportCallsMaxConcurrent;
      await provider.shutdown().catch(() => {});
      return concurrent;
    };
    assert.equal(await concurrentCalls(ExportResultCode.SUCCESS), 1);
    const failing = await concurrentCalls(ExportResultCode.FAILED);
    assert.ok(typeof failing === 'number' && failing > 1, `export calls at once with failing exports: ${failing}`);
  });

  it('reports unknown (null), never 0, for what a registered provider does not expose', () => {
    const counter = new ForeignSpanCounter();
    // A provider of another make: it registers with the API but has no processor list the probe can reach.
    counter.hook({ getDelegate: () => ({ getTracer: () => ({}) }) });
    assert.equal(counter.registered, true);
    const r = counter.report(true);
    assert.equal(r.tracing, true);
    for (const key of ['started', 'sampled', 'ended', 'exported', 'failed', 'dropped', 'queuedAtEnd'] as const)
      assert.equal(r[key], null, key);
  });

  it('finds nothing to count behind the API no-op provider', () => {
    const counter = new ForeignSpanCounter();
    class NoopTracerProvider {
      getTracer() {
        return {};
      }
    }
    counter.hook({ getDelegate: () => new NoopTracerProvider() });
    assert.equal(counter.registered, false);
  });
});
