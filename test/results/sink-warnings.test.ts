import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SinkSetting } from '../../harness/config/types.js';
import type { TrialMetrics } from '../../harness/results/types.js';
import { checkTrial } from '../../harness/results/validity.js';
import type { Cell } from '../../harness/plan/types.js';
import { type ProbeSpanReport, untracedSpanReport } from '../../harness/probe/protocol.js';
import { sdk, syntheticMetrics } from '../stats/synthetic.js';

const BASELINE: Cell = { id: 'baseline', settings: { tracing: 'off' }, env: {}, collapsed: [] };
const TRACED: Cell = { id: 'always_on~batch~otlp-http-protobuf', settings: sdk('always_on'), env: {}, collapsed: [] };
const NO_SPANS: ProbeSpanReport = untracedSpanReport();
const UNDRAINED: ProbeSpanReport = {
  ...NO_SPANS,
  tracing: true,
  drained: false,
  started: 6000,
  sampled: 6000,
  ended: 6000,
  exported: 4000,
  queuedAtEnd: 2000,
};
const NO_ATTRIBUTION = {
  unattributedSpans: 0,
  pendingSpans: 0,
  lateFromEarlierTrials: {},
  strayLateSpans: 0,
  unknownTrialSpans: 0,
};

function metrics(
  spans: Partial<TrialMetrics['spans']>,
  attribution: Partial<NonNullable<TrialMetrics['spanAttribution']>> = {},
): TrialMetrics {
  const m = syntheticMetrics(400, 2000, 80e6, 0);
  m.spans = { ...m.spans, ...spans };
  m.spanAttribution = { ...NO_ATTRIBUTION, ...attribution };
  return m;
}

const context = (sink: SinkSetting, drainTimeoutMs = 300) => ({ sink, drainTimeoutMs, trialId: 'r0-o1-abcdef' });
const drainLine = (warnings: string[]) => warnings.find((w) => w.startsWith('the span pipeline did not drain'))!;

describe('sink-related trial warnings', () => {
  const undrained = metrics({
    started: 6000,
    sampled: 6000,
    ended: 6000,
    exported: 4000,
    queuedAtEnd: 2000,
    received: 4000,
  });

  it('a sink that is down is said to refuse connections, not that drainTimeoutMs is too short', () => {
    const line = drainLine(checkTrial(undrained, UNDRAINED, TRACED, context({ mode: 'down' })).warnings);
    assert.match(line, /refused every connection \(sink\.mode: down\)/);
    assert.match(line, /a longer drainTimeoutMs would not deliver them/);
    assert.doesNotMatch(line, /raise drainTimeoutMs/);
    const refusedInOkMode = drainLine(
      checkTrial(
        undrained,
        { ...UNDRAINED, failureReasons: { 'connect ECONNREFUSED 127.0.0.1:4318': 10 } },
        TRACED,
        context({ mode: 'ok' }),
      ).warnings,
    );
    assert.match(refusedInOkMode, /refused every connection/);
  });

  it('a rejecting sink is named with its rejections; a slow one says how the delay compares with the drain', () => {
    const rejecting = metrics({ exported: 4000, received: 4000 });
    rejecting.sink.rejectedRequests = 7;
    assert.match(
      drainLine(
        checkTrial(rejecting, UNDRAINED, TRACED, context({ mode: 'error', statusCode: 503, fraction: 0.5 })).warnings,
      ),
      /rejected 7 export requests \(sink\.mode: error, HTTP 503\).*would wait on the same rejections/,
    );
    assert.match(
      drainLine(checkTrial(undrained, UNDRAINED, TRACED, context({ mode: 'slow', delayMs: 2500 })).warnings),
      /after 2500 ms \(sink\.mode: slow\).*raise drainTimeoutMs above 2500/,
    );
    assert.match(
      drainLine(checkTrial(undrained, UNDRAINED, TRACED, context({ mode: 'ok' })).warnings),
      /queuedAtEnd; raise drainTimeoutMs$/,
    );
  });

  it("reports pending spans with the trial's id, and late spans of earlier trials by id, never as its own", () => {
    const pending = checkTrial(
      metrics({ exported: 4000, received: 4000 }, { pendingSpans: 2000 }),
      { ...UNDRAINED, drained: true },
      TRACED,
      context({ mode: 'slow', delayMs: 2500 }),
    );
    assert.ok(
      pending.warnings.some((w) =>
        /^2000 spans of trial r0-o1-abcdef were still waiting for the slow sink's answer \(sink\.delayMs 2500\)/.test(
          w,
        ),
      ),
      pending.warnings.join('\n'),
    );
    assert.doesNotMatch(pending.warnings.join('\n'), /saturation run/);
    const saturated = checkTrial(
      metrics({ exported: 4000, received: 4000 }, { pendingSpans: 2000 }),
      { ...UNDRAINED, drained: true },
      TRACED,
      { ...context({ mode: 'slow', delayMs: 2500 }), saturationRun: true },
    );
    assert.match(saturated.warnings.join('\n'), /landing during its saturation run, counted nowhere/);
    const late = checkTrial(
      metrics({ received: 0 }, { lateFromEarlierTrials: { 'r0-o0-111111': 2048, 'r0-o0-222222': 5 } }),
      NO_SPANS,
      BASELINE,
      context({ mode: 'slow', delayMs: 2500 }),
    );
    assert.deepEqual(late.warnings, [
      "2053 late spans of earlier trials arrived during this one, after their own trial was counted: r0-o0-111111 (2048), r0-o0-222222 (5); they are not counted as this trial's",
    ]);
    assert.equal(late.status, 'ok');
  });

  it('says why exported and received differ, and flags stray, unknown and unattributed spans', () => {
    const more = checkTrial(
      metrics({ exported: 10, received: 12 }),
      { ...NO_SPANS, tracing: true, ended: 10, exported: 10 },
      TRACED,
      context({ mode: 'ok' }),
    );
    assert.ok(
      more.warnings.some((w) =>
        /received 12 spans but the exporter reported 10 exported: 2 more reached the sink/.test(w),
      ),
      more.warnings.join('\n'),
    );
    const stray = checkTrial(metrics({ received: 0 }, { strayLateSpans: 9, unknownTrialSpans: 3 }), NO_SPANS, BASELINE);
    assert.match(
      stray.warnings.join('\n'),
      /9 spans with no tracebench\.trial\.id arrived during this trial, which sends the sink none/,
    );
    assert.match(stray.warnings.join('\n'), /3 spans carried a tracebench\.trial\.id of no trial in this run/);
    const unattributed = checkTrial(
      metrics({ exported: 10, received: 10 }, { unattributedSpans: 10 }),
      { ...NO_SPANS, tracing: true, ended: 10, exported: 10 },
      TRACED,
    );
    assert.match(unattributed.warnings.join('\n'), /10 of the 10 spans received carried no tracebench\.trial\.id/);
    const tracingBaseline = checkTrial(metrics({ received: 4 }), NO_SPANS, BASELINE);
    assert.match(
      tracingBaseline.warnings.join('\n'),
      /received 4 spans carrying this trial's id, but this cell exports none/,
    );
  });

  it('names a slow sink when the exporter hits its concurrency limit in a batch cell', () => {
    const failed = metrics({ exported: 64, failed: 192, received: 64 });
    const spans = {
      ...UNDRAINED,
      drained: true,
      exported: 64,
      failed: 192,
      failureReasons: { 'Concurrent export limit reached': 192 },
    };
    const line = checkTrial(failed, spans, TRACED, context({ mode: 'slow', delayMs: 1500 })).warnings.find((w) =>
      w.startsWith('192 spans failed'),
    )!;
    assert.match(line, /concurrency limit, and the slow sink \(sink\.delayMs 1500\) answered too late/);
    assert.doesNotMatch(line, /could not be reached/);
  });
});
