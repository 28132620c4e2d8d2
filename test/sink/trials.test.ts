import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { withTrialResource } from '../../harness/run/trial.js';
import { startSink } from '../../harness/sink/sink.js';
import { TRIAL_ID_ATTRIBUTE, type Sink } from '../../harness/sink/types.js';
import { TracingSetupError, resourceAttributesFrom } from '../../workloads/service/tracing.js';
import { RecordingExporter, emitRootSpans, sendRaw } from './otel-helpers.js';

/** A service of one trial: its resource names the trial, as OTEL_RESOURCE_ATTRIBUTES makes it in a real run. */
function trialService(exporter: SpanExporter, trialId: string | null, serviceName = 'svc'): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      ...(trialId ? { [TRIAL_ID_ATTRIBUTE]: trialId } : {}),
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

async function emit(
  makeExporter: () => SpanExporter,
  trialId: string | null,
  count: number,
  serviceName?: string,
): Promise<void> {
  const provider = trialService(makeExporter(), trialId, serviceName);
  emitRootSpans(provider, count);
  await provider.shutdown();
}

/** Polls until `check` holds; fails the test after `timeoutMs` rather than hanging it. */
async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await delay(5);
  }
}

const PROTOCOLS: Array<[string, (sink: Sink) => SpanExporter]> = [
  ['OTLP protobuf', (sink) => new OtlpProtoExporter({ url: sink.otlpTracesUrl })],
  ['OTLP JSON', (sink) => new OtlpJsonExporter({ url: sink.otlpTracesUrl })],
  ['Zipkin', (sink) => new ZipkinExporter({ url: sink.zipkinSpansUrl })],
];

describe('the sink attributes spans to trials', () => {
  for (const [name, makeExporter] of PROTOCOLS) {
    for (const keepSpans of [true, false]) {
      it(`${name}${keepSpans ? '' : ', counting only'}: a trial receives only its own spans; an earlier trial's are late, by id`, async (t) => {
        const sink = await startSink({ fault: { mode: 'ok' }, keepSpans });
        t.after(() => sink.close());
        const exporter = () => makeExporter(sink);
        sink.beginTrial('trial-a');
        await emit(exporter, 'trial-a', 3, 'a');
        assert.equal(sink.stats().spansReceived, 3);
        sink.endTrial();

        sink.beginTrial('trial-b');
        await emit(exporter, 'trial-a', 4, 'a');
        await emit(exporter, 'trial-b', 2, 'b');
        await emit(exporter, 'another-run', 1, 'x');
        const stats = sink.stats();
        assert.equal(stats.trialId, 'trial-b');
        assert.equal(stats.spansReceived, 2, 'only trial-b spans are trial-b received');
        assert.deepEqual(stats.spansLate, { 'trial-a': 4 });
        assert.equal(stats.spansUnknownTrial, 1);
        assert.equal(stats.requests, 2, "a request of another trial's spans is not this trial's request");
        if (keepSpans)
          assert.deepEqual(
            sink.spans().map((s) => s.serviceName),
            ['b', 'b'],
          );
        else assert.deepEqual(sink.spans(), []);
      });
    }
  }

  it("spans without a trial id count as the open trial's, marked unattributed; in a baseline they are stray, never its own", async (t) => {
    const sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
    t.after(() => sink.close());
    const exporter = () => new OtlpProtoExporter({ url: sink.otlpTracesUrl });
    sink.beginTrial('traced');
    await emit(exporter, null, 2);
    assert.deepEqual([sink.stats().spansReceived, sink.stats().spansUnattributed], [2, 2]);
    sink.endTrial();

    sink.beginTrial('baseline', { expectsSpans: false });
    await emit(exporter, null, 3);
    await emit(exporter, 'traced', 1);
    const stats = sink.stats();
    assert.equal(stats.spansReceived, 0, 'a baseline never receives spans as its own');
    assert.equal(stats.spansUnattributed, 0);
    assert.equal(stats.spansStray, 3);
    assert.deepEqual(stats.spansLate, { traced: 1 });
    assert.deepEqual(sink.spans(), [], 'trace assembly sees none of them');
  });

  it("slow: spans that arrive during trial A and are answered after it ended are late spans of A in trial B, never B's", async (t) => {
    const sink = await startSink({ fault: { mode: 'slow', delayMs: 400 }, keepSpans: true });
    t.after(() => sink.close());
    sink.beginTrial('A');
    const recording = new RecordingExporter(new OtlpProtoExporter({ url: sink.otlpTracesUrl }));
    const provider = trialService(recording, 'A');
    emitRootSpans(provider, 5);
    await waitFor(() => sink.stats().spansPending === 5, 'five spans pending behind the delay');
    assert.equal(sink.stats().spansReceived, 0, 'held by the delay, not counted yet');
    sink.endTrial();

    sink.beginTrial('B');
    assert.equal(sink.stats().spansPending, 0, "A's pending spans are not B's");
    await recording.settled();
    await provider.shutdown();
    const stats = sink.stats();
    assert.equal(stats.spansReceived, 0);
    assert.deepEqual(stats.spansLate, { A: 5 });
    assert.deepEqual(sink.spans(), []);
    sink.endTrial();
    assert.deepEqual(sink.stats().spansLate, {}, 'late tallies restart once the trial that reported them ends');
  });

  it('late spans landing between two trials are reported by the next one', async (t) => {
    const sink = await startSink({ fault: { mode: 'ok' } });
    t.after(() => sink.close());
    sink.beginTrial('first');
    sink.endTrial();
    await emit(() => new OtlpJsonExporter({ url: sink.otlpTracesUrl }), 'first', 2);
    sink.beginTrial('second');
    assert.deepEqual(sink.stats().spansLate, { first: 2 });
    assert.equal(sink.stats().spansReceived, 0);
  });

  it('a trial that ends with no record (it failed) leaves its late tallies to the next trial', async (t) => {
    const sink = await startSink({ fault: { mode: 'ok' } });
    t.after(() => sink.close());
    sink.beginTrial('sender');
    sink.endTrial();
    sink.beginTrial('failed');
    await emit(() => new OtlpProtoExporter({ url: sink.otlpTracesUrl }), 'sender', 2);
    sink.endTrial(false);
    sink.beginTrial('next');
    assert.deepEqual(sink.stats().spansLate, { sender: 2 });
  });

  it("tail sampling sees only the open trial's spans", async (t) => {
    const sink = await startSink({ fault: { mode: 'ok' } });
    t.after(() => sink.close());
    sink.beginTrial('old');
    sink.endTrial();
    sink.beginTrial('now');
    sink.setTail({ decision_wait_ms: 60_000, num_traces: 100, policies: [{ name: 'all', type: 'always_sample' }] });
    const exporter = () => new OtlpProtoExporter({ url: sink.otlpTracesUrl });
    await emit(exporter, 'old', 4);
    await emit(exporter, 'now', 2);
    sink.flushTail();
    assert.equal(sink.tailStats()?.spansReceived, 2);
    assert.equal(sink.spans().length, 2);
  });

  it('refuses a trial id used before', async (t) => {
    const sink = await startSink({ fault: { mode: 'ok' } });
    t.after(() => sink.close());
    sink.beginTrial('once');
    sink.endTrial();
    assert.throws(() => sink.beginTrial('once'), /already used/);
  });

  it('slow: many exports in flight add no listener to a shared AbortSignal (no MaxListenersExceededWarning)', async (t) => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    t.after(() => process.off('warning', onWarning));
    const sink = await startSink({ fault: { mode: 'slow', delayMs: 150 } });
    const answers = await Promise.all(
      Array.from({ length: 25 }, () =>
        sendRaw(sink.otlpTracesUrl, 'POST', '{}', { 'content-type': 'application/json' }),
      ),
    );
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    // A pending request when the sink closes is cancelled without a listener either.
    const stuck = sendRaw(sink.otlpTracesUrl, 'POST', '{}', { 'content-type': 'application/json' }).catch(
      (error: Error) => error,
    );
    await waitFor(() => sink.stats().requests === 26, 'the 26th request arrived');
    await sink.close();
    await stuck;
    await delay(20); // process warnings are emitted on the next tick
    assert.deepEqual(
      warnings.map((w) => `${w.name}: ${w.message}`),
      [],
    );
  });
});

describe('the trial id reaches the service through OTEL_RESOURCE_ATTRIBUTES', () => {
  it('is added to the attributes the user set, replacing only an earlier trial id', () => {
    assert.deepEqual(withTrialResource({ A: '1' }, 'r0-o1-abc'), {
      A: '1',
      OTEL_RESOURCE_ATTRIBUTES: 'tracebench.trial.id=r0-o1-abc',
    });
    const env = withTrialResource(
      { OTEL_RESOURCE_ATTRIBUTES: 'team=core, tracebench.trial.id=stale,deployment.environment=ci' },
      'r1-o0-def',
    );
    assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, 'team=core,deployment.environment=ci,tracebench.trial.id=r1-o0-def');
  });

  it('is read by a NodeSDK service from the environment the harness builds, so the sink attributes its spans', async (t) => {
    const sink = await startSink({ fault: { mode: 'ok' } });
    t.after(() => sink.close());
    sink.beginTrial('r0-o0-nodesdk');
    const env = withTrialResource(
      {
        OTEL_RESOURCE_ATTRIBUTES: 'team=core',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sink.otlpTracesUrl,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        SPAN_COUNT: '4',
      },
      'r0-o0-nodesdk',
    );
    const fixture = fileURLToPath(new URL('./fixtures/node-sdk-service.js', import.meta.url));
    const child = spawn(process.execPath, [fixture], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    const stats = sink.stats();
    assert.equal(stats.spansReceived, 4, stderr);
    assert.equal(stats.spansUnattributed, 0, 'every span carried the trial id');
  });

  it('is read by the reference service, as the OTel spec writes the variable', () => {
    assert.deepEqual(
      resourceAttributesFrom({ OTEL_RESOURCE_ATTRIBUTES: 'team=core, tracebench.trial.id=r0-o1-abc,x%2Cy=a%3Db' }),
      {
        team: 'core',
        'tracebench.trial.id': 'r0-o1-abc',
        'x,y': 'a=b',
      },
    );
    assert.deepEqual(resourceAttributesFrom({}), {});
    assert.throws(
      () => resourceAttributesFrom({ OTEL_RESOURCE_ATTRIBUTES: 'a=b=c' }),
      (e: Error) =>
        e instanceof TracingSetupError && /OTEL_RESOURCE_ATTRIBUTES: 'a=b=c' is not key=value/.test(e.message),
    );
    assert.throws(() => resourceAttributesFrom({ OTEL_RESOURCE_ATTRIBUTES: 'a=%E0' }), /malformed percent-encoding/);
  });
});
