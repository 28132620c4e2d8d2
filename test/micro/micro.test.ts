import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { threadId } from 'node:worker_threads';
import {
  buildClaims,
  CLAIMS,
  microOptionIssues,
  MicroOptionsError,
  parseSlowPrimitive,
  runMicro,
  runMicroForResults,
  summariseTasks,
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
      'serialize/otlp-protobuf-gzip',
      'serialize/otlp-json-gzip',
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
      for (const [stat, value] of Object.entries(t.rawNsPerOp))
        assert.ok(Number.isFinite(value) && value > 0, `${id}: raw ${stat} = ${value}`);
      for (const [stat, value] of Object.entries(t.nsPerOp))
        assert.ok(Number.isFinite(value) && value >= 0, `${id}: ${stat} = ${value}`);
      assert.ok(t.nsPerOp.mean > 0, `${id}: corrected mean ${t.nsPerOp.mean}`);
      assert.ok(
        Number.isFinite(t.marginOfErrorPct) && Number.isFinite(t.opsPerSec) && t.opsPerSec > 0,
        `${id}: rme/opsPerSec`,
      );
      assert.ok(t.timerResolutionNs > 0 && Number.isFinite(t.cpuNsPerOp), `${id}: resolution/cpu`);
    }
  });

  it('the timer-corrected figures are never above the raw ones', () => {
    for (const t of okSuites(results).flatMap((s) => s.tasks)) {
      assert.ok(t.timerOverheadNsPerOp > 0, `${t.suite}/${t.task}: no correction`);
      for (const stat of ['mean', 'p50', 'p99', 'min', 'max'] as const) {
        assert.ok(
          t.nsPerOp[stat] <= t.rawNsPerOp[stat],
          `${t.suite}/${t.task}: corrected ${stat} ${t.nsPerOp[stat]} > raw ${t.rawNsPerOp[stat]}`,
        );
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
      assert.ok(
        Number.isFinite(row.measuredNs) && Number.isFinite(row.ratio),
        `${row.operation}: ${row.measuredNs} / ${row.ratio}`,
      );
      assert.ok(row.source.length > 0 && row.measuredBy.length > 0);
    }
    const span = results.claims[0];
    assert.ok(
      span.status === 'measured' && Math.abs(span.measuredNs - task(results, 'span/bare').nsPerOp.p50) <= 0.05,
      "span creation is the bare span's median",
    );
  });

  it('a deliberately slowed primitive reads clearly slower than the normal one', async () => {
    const slowed = await runMicro({
      profile: 'quick',
      suites: ['sampler'],
      slowPrimitive: { task: 'sampler/always-on', burnNs: 2000 },
    });
    const slow = task(slowed, 'sampler/always-on');
    const normal = task(results, 'sampler/always-on');
    assert.ok(
      slow.nsPerOp.p50 / normal.nsPerOp.p50 > 1.5,
      `slowed ${slow.nsPerOp.p50} ns vs normal ${normal.nsPerOp.p50} ns`,
    );
    assert.ok(
      slow.nsPerOp.p50 / task(slowed, 'sampler/always-off').nsPerOp.p50 > 1.5,
      'slowed vs an untouched task of the same run',
    );
    assert.ok(slow.warnings.some((w) => w.includes('slowed on purpose')));
    assert.ok(!task(slowed, 'sampler/always-off').warnings.some((w) => w.includes('slowed on purpose')));
  });
});

describe('rounds', () => {
  it('each round runs every suite in a fresh worker, and each task is summarised over its rounds', async () => {
    const results = await runMicro({ profile: 'quick', suites: ['sampler', 'processor'], rounds: 2 });
    assert.deepEqual(
      results.suites.map((s) => `${s.round}:${s.suite}`),
      ['0:sampler', '0:processor', '1:sampler', '1:processor'],
    );
    const threads = okSuites(results).map((s) => s.workerThreadId);
    assert.equal(new Set(threads).size, 4, `threads shared: ${threads.join(', ')}`);
    const alwaysOn = results.tasks.find((t) => t.suite === 'sampler' && t.task === 'always-on');
    assert.ok(alwaysOn);
    assert.equal(alwaysOn.roundsNsPerOp.length, 2);
    assert.equal(alwaysOn.workerThreadIds.length, 2);
    assert.ok(alwaysOn.roundsRawNsPerOp.every((raw, i) => raw >= alwaysOn.roundsNsPerOp[i]));
    assert.equal(
      alwaysOn.samples,
      okSuites(results)
        .flatMap((s) => s.tasks)
        .filter((t) => t.suite === 'sampler' && t.task === 'always-on')
        .reduce((n, t) => n + t.samples, 0),
    );
    assert.equal(results.rounds, 2);
  });

  it('runMicroForResults gives the results.json section: no environment, no kind', async () => {
    const section = await runMicroForResults({ profile: 'quick', suites: ['sampler'] });
    assert.ok(!('environment' in section) && !('kind' in section));
    assert.deepEqual(section.suiteNames, ['sampler']);
    assert.ok(section.tasks.length >= 4 && section.claims.length === CLAIMS.length);
  });

  it('rounds must be a whole number of at least 1', () => {
    assert.deepEqual(microOptionIssues({ profile: 'quick', rounds: 0 }), ['rounds: must be a whole number ≥ 1, got 0']);
    assert.deepEqual(microOptionIssues({ profile: 'quick', rounds: 2 }), []);
  });
});

describe('summariseTasks', () => {
  const at = (round: number, p50: number, warnings: string[] = []): MicroSuiteResult => ({
    status: 'ok',
    suite: 'sampler',
    round,
    workerThreadId: 10 + round,
    pid: 1,
    timerResolutionNs: 30,
    timerOverhead: { nsPerSample: 40, nsPerCall: 0.5, meanNsPerSample: 41, cpuNsPerSample: 300, samples: 10 },
    warnings: [],
    tasks: [
      {
        suite: 'sampler',
        task: 'always-on',
        description: 'd',
        nsPerOp: { mean: p50 + 1, p50, p99: p50 * 2, min: p50 - 1, max: p50 * 10 },
        rawNsPerOp: { mean: p50 + 2, p50: p50 + 1, p99: p50 * 2 + 1, min: p50, max: p50 * 10 + 1 },
        timerOverheadNsPerOp: 1,
        cpuNsPerOp: p50,
        marginOfErrorPct: round + 1,
        samples: 100,
        opsPerSample: 10,
        opsPerSec: 1e9 / p50,
        timerResolutionNs: 30,
        nearTimerResolution: round === 2,
        warnings,
      },
    ],
  });

  it('takes the median over rounds of every statistic, keeps each round’s median, and the spread between them', () => {
    const [t] = summariseTasks([
      at(0, 10),
      at(1, 14),
      at(2, 12),
      { status: 'error', suite: 'sampler', round: 3, error: 'crashed' },
    ]);
    assert.deepEqual(t.nsPerOp, { mean: 13, p50: 12, p99: 24, min: 11, max: 120 });
    assert.deepEqual(t.roundsNsPerOp, [10, 14, 12]);
    assert.deepEqual(t.roundsRawNsPerOp, [11, 15, 13]);
    assert.equal(t.samples, 300);
    assert.equal(t.marginOfErrorPct, 2);
    assert.equal(t.roundSpreadPct, 33.333);
    assert.equal(t.nearTimerResolution, true);
    assert.deepEqual(t.workerThreadIds, [10, 11, 12]);
  });

  it('says a warning once, naming the rounds it came from unless every round gave it', () => {
    const [t] = summariseTasks([at(0, 10, ['busy', 'slow']), at(1, 10, ['busy']), at(2, 10, ['busy', 'slow'])]);
    assert.deepEqual(t.warnings, ['busy', 'rounds 1, 3: slow']);
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
    const results = await runMicro({
      profile: 'quick',
      suites: ['processor'],
      slowPrimitive: { task: 'processor/nope', burnNs: 100 },
    });
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
      round: 0,
      workerThreadId: 1,
      pid: 1,
      timerResolutionNs: 40,
      timerOverhead: { nsPerSample: 40, nsPerCall: 0.5, meanNsPerSample: 41, cpuNsPerSample: 300, samples: 10 },
      warnings: [],
      tasks: [at('span', 'bare', 3000), at('span', 'attributes-at-start-10', 8000)],
    };
    const rows = buildClaims([spanSuite, { status: 'error', suite: 'processor', round: 0, error: 'worker crashed' }]);
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
