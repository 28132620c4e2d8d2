import type { RelativeInterval, WindowsComparison } from './types.js';

/**
 * The interval a windows comparison's verdict was drawn from: the sequential one for a run that looked after every
 * pair (`untilDecided`), whether it stopped decided or out of time, since only that one stays valid under repeated
 * looks; else the nested one. Results written before `judgedBy` was recorded: sequential only when stopped decided.
 */
export function judgedInterval(
  c: WindowsComparison,
): { interval: RelativeInterval; kind: 'sequential' | 'nested' } | null {
  const sequential = c.judgedBy ? c.judgedBy === 'sequential' : c.stoppedBy === 'decided' && c.sequential !== null;
  const interval = sequential ? c.sequential : c.nested;
  return interval ? { interval, kind: sequential ? 'sequential' : 'nested' } : null;
}
