import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import {
  buildClaims,
  CLAIMS,
  MicroOptionsError,
  parseSlowPrimitive,
  runMicro,
  SUITE_NAMES,
  type MicroResults,
  type MicroSuiteResult,
  type MicroTaskResult,
} from '../../harness/micro/index.js';

function okSuites(results: MicroResults) {
  return results.suites.map((suite) => {
    assert.equal(suite.status, 'ok', suite.status === 'error' ? `${suite.suite}: ${suite.error}` : '');
    return suite as Extract<MicroSuiteResult, { status: 'ok' }>;
  });
}

function task(results: MicroResults, id: string): MicroTaskResult {
  const found = okSuites(results)
    .flatMap((s) => s.tasks)
    .find((t) => `${t.suite}/${t.task}` === id);
  assert.ok(found, `no task ${id}`);
  return found;
}

describe('runMicro, quick profile', () => {
  let results: MicroResults;
  before(async () => {
    results = await runMicro({ profile: 'quick' });
  });

  it('runs every suite, in order, each in a worker thread of its own', () => {
    const suites = okSuites(results);
    assert.deepEqual(
      suites.map((s) => s.suite),
      [...SUITE_NAMES],
    );
    const threads = suites.map((s) => s.workerThreadId);
    assert.equal(new Set(threads).size, threads.length, `threads shared: ${threads.join(', ')}`);
    assert.ok(!threads.includes(threadId), 'a suite ran on the main thread');
    assert.equal(results.status, 'complete');
    assert.equal(results.kind, 'micro');
  });

  it('measures every primitive the issue names', () => {
    const ids = okSuites(results).flatMap((s) => s.tasks.map((t) => `${t.suite}/${t.task}`));
    for (const id of [
      'span/bare',
      'span/attributes-at-start-10',
      'span/set-attribute-10',
      'span/add-event',
      'span/record-exception',
      'span/nested-active-2',
      'propagation/w3c-baggage-inject',
      'propagation/w3c-baggage-extract',
      'propagation/b3-single-inject',
      'propagation/b3-multi-extract',
      'propagation/jaeger-extract',
      'sampler/always-on',
      'sampler/always-off',
      'sampler/trace-id-ratio-0.1',
      'sampler/parent-based-sampled-parent',
      'processor/batch-on-end',
      'processor/simple-on-end',
      'serialize/otlp-protobuf',
      'serialize/otlp-json',
      'serialize/zipkin-json',
    ]) {
      assert.ok(ids.includes(id), `missing ${id}`);
    }
  });

  it('every task produced samples and a finite, positive ns/op', () => {
    for (const t of okSuites(results).flatMap((s) => s.tasks)) {
      const id = `${t.suite}/${t.task}`;
      assert.ok(t.samples > 0, `${id}: no samples`);
      assert.ok(t.opsPerSample >= 1, `${id}: opsPerSample ${t.opsPerSample}`);
      for (const [stat, value] of Object.entries(t.rawNsPerOp)) assert.ok(Number.isFinite(value) && value > 0, `${id}: raw ${stat} = ${value}`);
      for (const [stat, value] of Object.entries(t.nsPerOp)) assert.ok(Number.isFinite(value) && value >= 0, `${id}: ${stat} = ${value}`);
      assert.ok(t.nsPerOp.mean > 0, `${id}: corrected mean ${t.nsPerOp.mean}`);
      assert.ok(Number.isFinite(t.marginOfErrorPct) && Number.isFinite(t.opsPerSec) && t.opsPerSec > 0, `${id}: rme/opsPerSec`);
      assert.ok(t.timerResolutionNs > 0 && Number.isFinite(t.cpuNsPerOp), `${id}: resolution/cpu`);
    }
  });

  it('the timer-corrected figures are never above the raw ones', () => {
    for (const t of okSuites(results).flatMap((s) => s.tasks)) {
      assert.ok(t.timerOverheadNsPerOp > 0, `${t.suite}/${t.task}: no correction`);
      for (const stat of ['mean', 'p50', 'p99', 'min', 'max'] as const) {
        assert.ok(t.nsPerOp[stat] <= t.rawNsPerOp[stat], `${t.suite}/${t.task}: corrected ${stat} ${t.nsPerOp[stat]} > raw ${t.rawNsPerOp[stat]}`);
      }
    }
  });

  it('the batch processor measured its enqueue: every span reached the exporter', () => {
    const batch = task(results, 'processor/batch-on-end');
    assert.deepEqual(
      batch.warnings.filter((w) => w.includes('never reached the exporter')),
      [],
    );
  });

  it('the claims table has a measured row with a finite ratio for every claim', () => {
    assert.equal(results.claims.length, CLAIMS.length);
    for (const [i, row] of results.claims.entries()) {
      assert.equal(row.operation, CLAIMS[i].operation);
      assert.equal(row.status, 'measured', row.status === 'not-measured' ? row.reason : '');
      if (row.status !== 'measured') continue;
      assert.ok(Number.isFinite(row.measuredNs) && Number.isFinite(row.ratio), `${row.operation}: ${row.measuredNs} / ${row.ratio}`);
      assert.ok(row.source.length > 0 && row.measuredBy.length > 0);
    }
    const span = results.claims[0];
    assert.ok(span.status === 'measured' && Math.abs(span.measuredNs - task(results, 'span/bare').nsPerOp.p50) <= 0.05, 'span creation is the bare span\'s median');
  });

  it('a deliberately slowed primitive reads clearly slower than the normal one', async () => {
    const slowed = await runMicro({ profile: 'quick', suites: ['sampler'], slowPrimitive: { task: 'sampler/always-on', burnNs: 2000 } });
    const slow = task(slowed, 'sampler/always-on');
    const normal = task(results, 'sampler/always-on');
    assert.ok(slow.nsPerOp.p50 / normal.nsPerOp.p50 > 1.5, `slowed ${slow.nsPerOp.p50} ns vs normal ${normal.nsPerOp.p50} ns`);
    assert.ok(slow.nsPerOp.p50 / task(slowed, 'sampler/always-off').nsPerOp.p50 > 1.5, 'slowed vs an untouched task of the same run');
    assert.ok(slow.warnings.some((w) => w.includes('slowed on purpose')));
    assert.ok(!task(slowed, 'sampler/always-off').warnings.some((w) => w.includes('slowed on purpose')));
  });
});

describe('runMicro options', () => {
  it('an unknown suite is an error naming it and every valid suite', async () => {
    await assert.rejects(runMicro({ profile: 'quick', suites: ['span', 'spans'] }), (error: unknown) => {
      assert.ok(error instanceof MicroOptionsError);
      assert.match(error.message, /suites\[1\]: unknown suite "spans"/);
      for (const name of SUITE_NAMES) assert.ok(error.message.includes(name), `valid suite ${name} not listed`);
      assert.equal(error.exitCode, 2);
      return true;
    });
  });

  it('a slowed task that no suite has is reported by that suite', async () => {
    const results = await runMicro({ profile: 'quick', suites: ['processor'], slowPrimitive: { task: 'processor/nope', burnNs: 100 } });
    const [suite] = results.suites;
    assert.equal(suite.status, 'error');
    assert.match(suite.status === 'error' ? suite.error : '', /processor\/nope.*processor\/batch-on-end/);
    assert.equal(results.claims.find((c) => c.measuredBy.includes('processor/batch-on-end'))?.status, 'not-measured');
  });

  it('parses the test-only slowdown setting', () => {
    assert.deepEqual(parseSlowPrimitive('sampler/always-on:2000'), { task: 'sampler/always-on', burnNs: 2000 });
    assert.throws(() => parseSlowPrimitive('sampler/always-on'), /suite\/task:nanoseconds/);
  });

  it('an abort stops the run and keeps what finished', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const results = await runMicro({ profile: 'quick', suites: ['sampler', 'span'], signal: controller.signal });
    assert.equal(results.status, 'interrupted');
    assert.ok(results.suites.length < 2);
  });
});

describe('buildClaims', () => {
  const at = (suite: 'span', name: string, p50: number): MicroTaskResult => ({
    suite,
    task: name,
    description: name,
    nsPerOp: { mean: p50, p50, p99: p50, min: p50, max: p50 },
    rawNsPerOp: { mean: p50, p50, p99: p50, min: p50, max: p50 },
    timerOverheadNsPerOp: 1,
    cpuNsPerOp: p50,
    marginOfErrorPct: 1,
    samples: 10,
    opsPerSample: 1,
    opsPerSec: 1e9 / p50,
    timerResolutionNs: 40,
    nearTimerResolution: false,
    warnings: [],
  });

  it('derives the per-attribute cost from the 10-attribute and bare spans, and says what is missing', () => {
    const spanSuite: MicroSuiteResult = {
      status: 'ok',
      suite: 'span',
      workerThreadId: 1,
      pid: 1,
      timerResolutionNs: 40,
      timerOverhead: { nsPerSample: 40, nsPerCall: 0.5, meanNsPerSample: 41, cpuNsPerSample: 300, samples: 10 },
      warnings: [],
      tasks: [at('span', 'bare', 3000), at('span', 'attributes-at-start-10', 8000)],
    };
    const rows = buildClaims([spanSuite, { status: 'error', suite: 'processor', error: 'worker crashed' }]);
    assert.deepEqual(
      rows.map((r) => r.status),
      ['measured', 'measured', 'not-measured', 'not-measured'],
    );
    assert.ok(rows[0].status === 'measured' && rows[0].measuredNs === 3000 && rows[0].ratio === 1);
    assert.ok(rows[1].status === 'measured' && rows[1].measuredNs === 500 && rows[1].ratio === 1);
    assert.ok(rows[2].status === 'not-measured' && /not run/.test(rows[2].reason));
    assert.ok(rows[3].status === 'not-measured' && /suite processor failed \(worker crashed\)/.test(rows[3].reason));
  });
});
