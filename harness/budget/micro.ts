import type { MicroSection, MicroTaskSummary } from '../micro/types.js';
import { levelEstimate } from '../stats/interval.js';
import { globMatches, whereText } from '../plan/where.js';
import { intervalCheck, type Subject, unmeasuredCheck, verdictsOf } from './judge.js';
import { MICRO_METRIC, type Budget, type BudgetWhere, type Check, type Limit, type Verdicts } from './types.js';

/** `suite/task`, the name a micro task has in budgets, checks and compare. */
export const microTaskId = (t: Pick<MicroTaskSummary, 'suite' | 'task'>) => `${t.suite}/${t.task}`;

/** True when the task satisfies `where.suite` and `where.task` (a task pattern matches `suite/task` or the task name). */
export function microWhereMatches(where: BudgetWhere, task: Pick<MicroTaskSummary, 'suite' | 'task'>): boolean {
  if (where.suite && !where.suite.includes(task.suite)) return false;
  if (where.task && !where.task.some((p) => globMatches(p, microTaskId(task)) || globMatches(p, task.task)))
    return false;
  return true;
}

/** The micro limits of the budgets, each with its budget's index and scope. */
export function microLimits(budgets: readonly Budget[]): { index: number; where: BudgetWhere; limit: Limit }[] {
  return budgets.flatMap((b, index) => {
    const limit = b.limits[MICRO_METRIC];
    return limit ? [{ index, where: b.where, limit }] : [];
  });
}

/** A task's median ns/op per round, in µs (the unit checks report in): corrected, or raw where a corrected round read 0. */
export function roundValuesUs(task: MicroTaskSummary): { values: number[]; raw: boolean } {
  const raw = !task.roundsNsPerOp.every((v) => v > 0);
  return { values: (raw ? task.roundsRawNsPerOp : task.roundsNsPerOp).map((ns) => ns / 1000), raw };
}

export const microSubject = (id: string, kind: Check['kind'], task: MicroTaskSummary, noun: string): Subject => ({
  id,
  kind,
  cellId: microTaskId(task),
  metric: MICRO_METRIC,
  noun,
});

/** One absolute limit on one task's ns/op, judged on the interval over rounds (geometric mean, t on logs). */
function valueCheck(subject: Subject, task: MicroTaskSummary, limit: Limit, level: number): Check {
  const spec = { text: limit.text, value: limit.value, strict: limit.strict };
  const { values } = roundValuesUs(task);
  const estimate = levelEstimate(values, level);
  if (!estimate)
    return unmeasuredCheck(
      subject,
      'µs',
      'value',
      spec,
      `only ${values.length} round was measured; an interval needs at least 2: run tracebench micro --rounds 3 or more.`,
      3,
    );
  return intervalCheck(subject, estimate, 'µs', 1, 'value', spec, estimate.basis.scale === 'log' ? Math.log : (x) => x);
}

/**
 * The micro budgets a run can judge alone: absolute limits (`< 2µs`) on each matching task's ns/op. Relative and
 * overhead limits (`+10%`, `+200ns`) bound a change against a base run, so `tracebench compare` judges them.
 */
export function evaluateMicroBudgets(
  micro: MicroSection | undefined,
  budgets: readonly Budget[],
  level = 0.95,
): Verdicts {
  const limits = microLimits(budgets);
  if (limits.length === 0) return verdictsOf([], []);
  if (!micro)
    return verdictsOf(
      [],
      [
        `the budgets limit ${MICRO_METRIC}, but these results hold no micro-benchmarks: run tracebench micro, or a run with micro enabled.`,
      ],
    );
  const checks: Check[] = [];
  const notes: string[] = [];
  for (const { index, where, limit } of limits) {
    const tasks = micro.tasks.filter((t) => microWhereMatches(where, t));
    if (tasks.length === 0)
      notes.push(
        `budgets[${index}] (${whereText(where)}) matched no micro-benchmark task: check where.suite and where.task against the task ids (suite/task).`,
      );
    if (limit.kind !== 'absolute') {
      if (tasks.length > 0)
        notes.push(
          `budgets[${index}]: ${MICRO_METRIC} ${limit.text} bounds a change against a base run; tracebench compare BASE HEAD judges it.`,
        );
      continue;
    }
    for (const task of tasks)
      checks.push(
        valueCheck(
          microSubject(`budget[${index}]:${MICRO_METRIC}:${microTaskId(task)}`, 'budget', task, ''),
          task,
          limit,
          level,
        ),
      );
  }
  return verdictsOf(checks, notes);
}
