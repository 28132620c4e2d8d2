import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WindowsComparison } from '../../harness/results/types.js';
import { judgedInterval } from '../../harness/results/windows-interval.js';
import { windowsComparisons } from '../report/fixtures/windows-fixtures.js';

const [head] = windowsComparisons();
const nested = { ...head.nested!, estimate: 0.628, low: 0.611, high: 0.646 };
const sequential = { estimate: 0.628, low: 0.58, high: 0.68, level: 0.95 };
const base: WindowsComparison = { ...head, nested, sequential, stoppedBy: 'time' };

describe('the interval a windows verdict was drawn from', () => {
  it('a run that looked after every pair is judged on its sequential interval even when its time ran out', () => {
    // Measured: +62.8% nested [+61.1%, +64.6%] printed beside a verdict the wider sequential interval drew.
    assert.deepEqual(judgedInterval({ ...base, judgedBy: 'sequential' }), { interval: sequential, kind: 'sequential' });
    assert.deepEqual(judgedInterval({ ...base, judgedBy: 'nested', stoppedBy: 'decided' }), {
      interval: nested,
      kind: 'nested',
    });
  });

  it('no interval when the one it was judged on is missing, rather than the other', () => {
    assert.equal(judgedInterval({ ...base, judgedBy: 'sequential', sequential: null }), null);
  });

  it('results written before judgedBy: sequential only when the run stopped decided', () => {
    const { judgedBy: _, ...old } = { ...base, judgedBy: undefined };
    assert.equal(judgedInterval(old as WindowsComparison)?.kind, 'nested');
    assert.equal(judgedInterval({ ...(old as WindowsComparison), stoppedBy: 'decided' })?.kind, 'sequential');
  });
});
