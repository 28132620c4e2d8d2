import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gateFails, judgeUpper, mergeVerdicts, roundsToSettle } from '../../harness/budget/judge.js';
import type { Verdicts } from '../../harness/budget/types.js';

const set = (pass: number, fail: number, inconclusive: number, notes: string[] = []): Verdicts => ({
  checks: [],
  counts: { pass, fail, inconclusive, error: 0 },
  notes,
});

describe('three-valued judgement of an upper bound', () => {
  it('pass when the whole interval is within the limit', () => {
    assert.equal(judgeUpper(1, 9, 10, false), 'pass');
  });

  it('fail when the whole interval is beyond the limit', () => {
    assert.equal(judgeUpper(11, 20, 10, false), 'fail');
  });

  it('inconclusive when the interval straddles the limit', () => {
    assert.equal(judgeUpper(5, 15, 10, false), 'inconclusive');
  });

  it('a strict limit (<) counts touching it as beyond', () => {
    assert.equal(judgeUpper(10, 10, 10, true), 'fail');
    assert.equal(judgeUpper(10, 10, 10, false), 'pass');
  });
});

describe('rounds to settle', () => {
  it('grow as the estimate nears the limit', () => {
    const estimate = (e: number) => ({
      estimate: e,
      ci: { low: 0, high: 0, level: 0.95 },
      basis: { n: 3, sd: 0.05, scale: 'log' as const },
    });
    const far = roundsToSettle(estimate(0.3), 0.1, Math.log1p)!;
    const near = roundsToSettle(estimate(0.13), 0.1, Math.log1p)!;
    assert.ok(near > far, `${near} vs ${far}`);
  });

  it('are more than the rounds already run', () => {
    const estimate = {
      estimate: 0.9,
      ci: { low: 0, high: 0, level: 0.95 },
      basis: { n: 8, sd: 0.01, scale: 'linear' as const },
    };
    assert.equal(
      roundsToSettle(estimate, 0.1, (x) => x),
      9,
    );
  });

  it('are undefined when the estimate sits on the limit', () => {
    const estimate = {
      estimate: 0.1,
      ci: { low: 0, high: 0.2, level: 0.95 },
      basis: { n: 3, sd: 0.05, scale: 'linear' as const },
    };
    assert.equal(
      roundsToSettle(estimate, 0.1, (x) => x),
      undefined,
    );
  });
});

describe('the gate', () => {
  it('fails on any fail', () => {
    assert.equal(gateFails(set(5, 1, 0)), true);
  });

  it('does not fail on inconclusive checks by default', () => {
    assert.equal(gateFails(set(5, 0, 2)), false);
  });

  it('fails on inconclusive checks when strict', () => {
    assert.equal(gateFails(set(5, 0, 2), { strict: true }), true);
  });

  it('merging verdicts adds counts and keeps each note once', () => {
    const a: Verdicts = { ...set(0, 0, 0, ['x']), checks: [] };
    const merged = mergeVerdicts(a, { ...set(0, 0, 0, ['x', 'y']) });
    assert.deepEqual(merged.notes, ['x', 'y']);
    assert.deepEqual(merged.counts, { pass: 0, fail: 0, inconclusive: 0, error: 0 });
  });
});
