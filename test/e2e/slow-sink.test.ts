import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJson, runCli, tempDir, writeConfig } from '../helpers/cli.js';

describe('a slow sink with a drain shorter than its delay', () => {
  it("keeps each trial's spans apart: the baseline receives none, late spans are reported against the trial that sent them, and no MaxListenersExceededWarning", async () => {
    const dir = tempDir();
    // Seed 7 runs the traced cell first, so its exports, answered 1.5 s after they arrive, land during the baseline.
    // A 64-span batch makes forceFlush send ~30 exports at once: well past Node's 10-listener warning.
    const file = writeConfig(
      dir,
      `name: slow-sink
rounds: 1
seed: 7
load: { rateRps: 150, warmupSeconds: 0.5, durationSeconds: 2 }
sink: { mode: slow, delayMs: 1500 }
drainTimeoutMs: 200
matrix:
  sampler: [always_on]
  processor: [{ type: batch, maxExportBatchSize: 64, scheduleDelayMillis: 100 }]
  exporter: [otlp-http-protobuf]
`,
    );
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'reports')]);
    assert.doesNotMatch(result.stderr, /MaxListenersExceededWarning/);
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    const [traced] = results.cells.find((c: { id: string }) => c.id !== 'baseline').trials;
    const [baseline] = results.cells.find((c: { id: string }) => c.id === 'baseline').trials;
    assert.notEqual(traced.status, 'failed', traced.error);
    assert.notEqual(baseline.status, 'failed', baseline.error);
    assert.ok(traced.order < baseline.order, 'the plan runs the traced cell first');
    if (traced.status === 'ok' && baseline.status === 'ok') assert.equal(result.code, 0, result.stderr);

    const sent = traced.metrics;
    assert.match(traced.trialId, /^r0-o0-[0-9a-f]{6}$/);
    // An export answered in the few ms between the drain's report and the sink's count is the one gap allowed, and it is reported.
    const gap = sent.spans.received - sent.spans.exported;
    if (gap !== 0)
      assert.ok(
        gap > 0 &&
          gap <= 64 &&
          traced.warnings.some((w: string) =>
            w.startsWith(`the sink received ${sent.spans.received} spans but the exporter reported`),
          ),
        JSON.stringify(sent.spans),
      );
    assert.ok(sent.spanAttribution.pendingSpans > 0, JSON.stringify(sent.spanAttribution));
    assert.equal(sent.spanAttribution.unattributedSpans, 0, 'the reference service names its trial on every span');
    assert.ok(
      traced.warnings.some(
        (w: string) =>
          w.includes(`spans of trial ${traced.trialId} were still waiting for the slow sink's answer`) &&
          w.includes(`as late spans of trial ${traced.trialId} in a later trial`),
      ),
      traced.warnings.join('\n'),
    );
    assert.ok(
      traced.warnings.some((w: string) => /longer than the drain may wait.*raise drainTimeoutMs above 1500/.test(w)),
      traced.warnings.join('\n'),
    );

    const base = baseline.metrics;
    assert.equal(base.spans.received, 0, 'a baseline never receives spans as its own');
    assert.equal(base.traces, undefined, 'no trace is assembled from late spans');
    const late = base.spanAttribution.lateFromEarlierTrials;
    assert.deepEqual(Object.keys(late), [traced.trialId]);
    // Every span the traced trial reported pending lands in the baseline; spans it sent after being counted come on top.
    assert.ok(
      late[traced.trialId] >= sent.spanAttribution.pendingSpans && late[traced.trialId] <= sent.spans.started,
      `late ${late[traced.trialId]}, traced ${JSON.stringify(sent.spanAttribution)}`,
    );
    assert.ok(
      baseline.warnings.some((w: string) => w.includes(`${traced.trialId} (${late[traced.trialId]})`)),
      baseline.warnings.join('\n'),
    );
  });
});

describe('a sink that is down', () => {
  it('is named as refusing connections in the drain warning, with no advice to raise drainTimeoutMs', async () => {
    const dir = tempDir();
    const file = writeConfig(
      dir,
      `name: down-sink
rounds: 1
load: { rateRps: 100, warmupSeconds: 0.3, durationSeconds: 1 }
sink: down
drainTimeoutMs: 300
matrix:
  sampler: [always_on]
  processor: [{ type: batch, scheduleDelayMillis: 100 }]
  exporter: [otlp-http-protobuf]
`,
    );
    const result = await runCli(['run', '--config', file, '--out', join(dir, 'reports')]);
    const results = readJson(join(dir, 'reports', 'latest', 'results.json'));
    const [traced] = results.cells.find((c: { id: string }) => c.id !== 'baseline').trials;
    assert.notEqual(traced.status, 'failed', traced.error);
    const drain = traced.warnings.find((w: string) => w.startsWith('the span pipeline did not drain'));
    assert.match(drain, /the sink refused every connection \(sink\.mode: down\)/, result.stderr);
    assert.doesNotMatch(traced.warnings.join('\n'), /raise drainTimeoutMs/);
    assert.equal(traced.metrics.spans.received, 0);
  });
});
