import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  createArrivalSchedule,
  createDueQueue,
  HYBRID_TUNING,
  pacerStep,
  updateWakeLate,
  workerArrivalSeed,
  type ArrivalSchedule,
} from '../../harness/load/pacer.js';

function drawAll(schedule: ArrivalSchedule): number[] {
  const offsets: number[] = [];
  for (let at = schedule.next(); at !== undefined; at = schedule.next()) offsets.push(at);
  return offsets;
}

/** Kolmogorov-Smirnov statistic of `sample` against the exponential distribution of the given mean. */
function ksExponential(sample: number[], mean: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    const cdf = 1 - Math.exp(-x / mean);
    d = Math.max(d, Math.abs((i + 1) / sorted.length - cdf), Math.abs(cdf - i / sorted.length));
  });
  return d;
}

const gaps = (offsets: number[]) => offsets.slice(1).map((at, i) => at - offsets[i]!);

describe('pacerStep', () => {
  test('sends once the intended time has come, in every pacing', () => {
    for (const pacing of ['timer', 'hybrid', 'spin'] as const) {
      assert.deepEqual(pacerStep(pacing, 0, 3), { kind: 'send' });
      assert.deepEqual(pacerStep(pacing, -0.4, 0), { kind: 'send' });
    }
  });

  test('timer sleeps on the millisecond grid, whatever is left', () => {
    assert.deepEqual(pacerStep('timer', 1.7, 0), { kind: 'timer', ms: 1 });
    assert.deepEqual(pacerStep('timer', 0.3, 0), { kind: 'timer', ms: 0 });
  });

  test('hybrid: a timer until about a millisecond before, then sub-millisecond blocks, then a short spin', () => {
    assert.deepEqual(pacerStep('hybrid', 5.6, 0), { kind: 'timer', ms: 4 });
    assert.deepEqual(pacerStep('hybrid', 2, 0), { kind: 'timer', ms: 1 });
    const block = pacerStep('hybrid', 1.5, 0);
    assert.equal(block.kind, 'block');
    assert.ok(
      block.kind === 'block' && Math.abs(block.ms - (1.5 - HYBRID_TUNING.spinBelowMs)) < 1e-9,
      'nothing in flight: one block to the spin',
    );
    assert.deepEqual(
      pacerStep('hybrid', 1.5, 2),
      { kind: 'block', ms: HYBRID_TUNING.blockSliceMs },
      'responses due: blocks stay short',
    );
    assert.deepEqual(pacerStep('hybrid', HYBRID_TUNING.spinBelowMs / 2, 2), { kind: 'yield' });
  });

  test('hybrid is bounded: it spins only the last spinBelowMs (plus the wake-up lateness, capped), blocks never past the spin, and a timer leaves a millisecond', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1000, noNaN: true }),
        fc.nat(64),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (remainingMs, inFlight, wakeLateMs) => {
          const step = pacerStep('hybrid', remainingMs, inFlight, wakeLateMs);
          const spinMs = HYBRID_TUNING.spinBelowMs + Math.min(wakeLateMs, HYBRID_TUNING.maxWakeLateMs);
          if (step.kind === 'yield') assert.ok(remainingMs <= spinMs + 1e-9);
          if (step.kind === 'block') {
            assert.ok(step.ms > 0 && step.ms <= remainingMs - spinMs + 1e-9);
            if (inFlight > 0) assert.ok(step.ms <= HYBRID_TUNING.blockSliceMs);
          }
          if (step.kind === 'timer') assert.ok(step.ms >= 1 && step.ms <= remainingMs - 1);
          assert.notEqual(step.kind, 'send');
        },
      ),
    );
  });

  test('a block ends early by how late blocks have been waking', () => {
    const on = pacerStep('hybrid', 1, 0, 0.06);
    assert.ok(on.kind === 'block' && Math.abs(on.ms - (1 - HYBRID_TUNING.spinBelowMs - 0.06)) < 1e-9);
    assert.deepEqual(pacerStep('hybrid', 0.07, 0, 0.06), { kind: 'yield' }, 'too close to block: spin');
    let estimateMs = 0;
    for (let i = 0; i < 100; i++) estimateMs = updateWakeLate(estimateMs, 0.5, 0.55);
    assert.ok(Math.abs(estimateMs - 0.05) < 1e-3, `settles on the lateness, got ${estimateMs}`);
    assert.ok(updateWakeLate(0.05, 0.5, 10.5) < 1.1, 'one descheduled wake-up moves it by a tenth');
    assert.equal(updateWakeLate(0, 0.5, 0.4), 0, 'an early wake-up is no lateness');
  });
});

describe('due queue', () => {
  test('hands over every request due by now, in order, and none early', () => {
    const due = createDueQueue(createArrivalSchedule('uniform', 1000, 10, 0));
    const sent: number[] = [];
    assert.equal(due.peek(), 0);
    assert.equal(
      due.takeDue(3.5, (at) => sent.push(at)),
      4,
      'a late wake-up sends the whole backlog',
    );
    assert.deepEqual(sent, [0, 1, 2, 3]);
    assert.equal(
      due.takeDue(3.9, (at) => sent.push(at)),
      0,
    );
    assert.equal(due.peek(), 4);
    assert.equal(
      due.takeDue(4, (at) => sent.push(at)),
      1,
      'due exactly at its time',
    );
    assert.equal(due.discardRest(), 5);
    assert.equal(due.peek(), undefined);
  });

  test('the uniform schedule holds exactly scheduledCount requests inside the window', () => {
    assert.deepEqual(drawAll(createArrivalSchedule('uniform', 2000, 2, 0)), [0, 0.5, 1, 1.5]);
    assert.equal(drawAll(createArrivalSchedule('uniform', 1000 / 3, 1000, 0)).length, 334);
  });
});

describe('Poisson arrivals', () => {
  const rateRps = 5000;
  const meanGapMs = 1000 / rateRps;
  const offsets = drawAll(createArrivalSchedule('poisson', rateRps, 4000, 12345));

  test('inter-arrival times pass a Kolmogorov-Smirnov test against the exponential distribution (seed 12345)', () => {
    const sample = gaps(offsets);
    const d = ksExponential(sample, meanGapMs);
    // Critical value at α = 0.01: 1.63 / √n.
    const critical = 1.63 / Math.sqrt(sample.length);
    assert.ok(d < critical, `D = ${d.toFixed(4)} ≥ ${critical.toFixed(4)} over ${sample.length} gaps`);
  });

  test('the same test rejects a metronome, and gaps of the wrong mean', () => {
    const uniform = gaps(drawAll(createArrivalSchedule('uniform', rateRps, 4000, 12345)));
    assert.ok(ksExponential(uniform, meanGapMs) > 1.63 / Math.sqrt(uniform.length));
    const sample = gaps(offsets);
    assert.ok(ksExponential(sample, meanGapMs * 1.1) > 1.63 / Math.sqrt(sample.length));
  });

  test('the window holds exactly rate × duration arrivals, in order, spread over the whole window', () => {
    assert.equal(offsets.length, rateRps * 4);
    assert.ok(offsets.every((at, i) => at >= 0 && at < 4000 && (i === 0 || at >= offsets[i - 1]!)));
    assert.ok(offsets[0]! < 5 && offsets.at(-1)! > 3995, `first ${offsets[0]}, last ${offsets.at(-1)}`);
    const firstHalf = offsets.filter((at) => at < 2000).length;
    assert.ok(
      Math.abs(firstHalf - offsets.length / 2) < 4 * Math.sqrt(offsets.length / 4),
      `${firstHalf} in the first half`,
    );
  });

  test('seeded: the same seed gives the same schedule, another seed another', () => {
    assert.deepEqual(
      drawAll(createArrivalSchedule('poisson', 500, 1000, 7)),
      drawAll(createArrivalSchedule('poisson', 500, 1000, 7)),
    );
    assert.notDeepEqual(
      drawAll(createArrivalSchedule('poisson', 500, 1000, 7)),
      drawAll(createArrivalSchedule('poisson', 500, 1000, 8)),
    );
  });

  test('each worker draws from its own seed', () => {
    const seeds = new Set([0, 1, 2, 3].map((w) => workerArrivalSeed(99, w)));
    assert.equal(seeds.size, 4);
    assert.equal(workerArrivalSeed(99, 1), workerArrivalSeed(99, 1));
  });
});
