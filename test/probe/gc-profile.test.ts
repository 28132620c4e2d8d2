import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GcRecorder, summariseGcStatistics } from '../../harness/probe/gc-profile.js';

const gc = (costUs: number, heapBeforeBytes: number) => ({
  cost: costUs,
  beforeGC: { heapStatistics: { usedHeapSize: heapBeforeBytes } },
});

describe('GC profile', () => {
  it('sums pauses in ms, keeps the longest, and the largest heap seen before a GC', () => {
    assert.deepEqual(summariseGcStatistics([gc(1500, 10e6), gc(500, 30e6), gc(4000, 20e6)]), {
      count: 3,
      totalMs: 6,
      maxMs: 4,
      heapUsedPeakBytes: 30e6,
    });
  });

  it('is all zeros without a GC', () => {
    assert.deepEqual(summariseGcStatistics([]), { count: 0, totalMs: 0, maxMs: 0, heapUsedPeakBytes: 0 });
  });

  it('records the collections that allocation causes, with the heap before them above the heap after', async () => {
    const recorder = new GcRecorder();
    recorder.start();
    let garbage: object[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      garbage.push({ i });
      if (garbage.length > 100_000) garbage = [];
    }
    garbage = [];
    const summary = recorder.stop();
    assert.ok(summary.count > 0);
    assert.ok(summary.totalMs > 0 && summary.maxMs <= summary.totalMs);
    assert.ok(summary.heapUsedPeakBytes > process.memoryUsage().heapUsed, `peak ${summary.heapUsedPeakBytes}`);
  });

  it('reports nothing when stopped without a start', () => {
    assert.equal(new GcRecorder().stop().count, 0);
  });
});
