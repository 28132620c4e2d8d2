import type { WindowsComparison } from '../results/types.js';
import type { MdTable } from './summary-micro.js';
import { windowsRow } from './windows.js';

const VERDICT: Record<WindowsComparison['verdict'], string> = {
  fail: '❌ fail',
  inconclusive: '⚠️ inconclusive',
  pass: '✅ pass',
};

/** One row per comparison: the change and the interval the verdict used, the verdict, what the run could detect, how. */
export function windowsMd(
  comparisons: readonly WindowsComparison[],
  esc: (s: string) => string,
  code: (s: string) => string,
): MdTable {
  return {
    header: [
      'cell',
      'B vs A',
      'CPU/request change',
      'interval',
      'verdict',
      'could detect',
      'valid pairs',
      'process sets',
      'elapsed',
      'stopped',
      'warm-up',
    ],
    rows: comparisons.map((c) => {
      const r = windowsRow(c);
      return [
        code(r.cellId),
        esc(r.sides),
        r.change,
        r.intervalKind === 'none' ? '–' : `${r.interval} (${r.level}, ${r.intervalKind})`,
        `${VERDICT[r.verdict]} at ${r.limit}`,
        r.resolution,
        r.pairs,
        String(r.processSets),
        r.elapsed,
        r.stoppedBy,
        esc(r.warmup),
      ];
    }),
  };
}

/** Every comparison's warnings, prefixed with what they are about. */
export function windowsWarningLines(comparisons: readonly WindowsComparison[], esc: (s: string) => string): string[] {
  return comparisons.flatMap((c) => c.warnings.map((w) => `${esc(`${c.cellId}, ${c.b} vs ${c.a}`)}: ${esc(w)}`));
}
