import { median } from '../stats/interval.js';
import type { MicroSuiteResult, MicroTaskResult, MicroTaskSummary, NsPerOp } from './types.js';

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function medianOf(results: MicroTaskResult[], pick: (t: MicroTaskResult) => number): number {
  return round3(median(results.map(pick)));
}

/** Each distinct warning once; one that not every round gave names the rounds it came from. */
function roundWarnings(rounds: MicroTaskResult[], roundNumbers: number[]): string[] {
  const byText = new Map<string, number[]>();
  rounds.forEach((t, i) => {
    for (const w of t.warnings) byText.set(w, [...(byText.get(w) ?? []), roundNumbers[i] + 1]);
  });
  return [...byText].map(([text, from]) =>
    from.length === rounds.length ? text : `round${from.length > 1 ? 's' : ''} ${from.join(', ')}: ${text}`,
  );
}

function summarise(
  rounds: MicroTaskResult[],
  roundNumbers: number[],
  threads: number[],
  pid: number,
): MicroTaskSummary {
  const [first] = rounds;
  const stat = (key: keyof NsPerOp) => medianOf(rounds, (t) => t.nsPerOp[key]);
  const p50s = rounds.map((t) => t.nsPerOp.p50);
  const mid = median(p50s);
  return {
    suite: first.suite,
    task: first.task,
    description: first.description,
    nsPerOp: { mean: stat('mean'), p50: stat('p50'), p99: stat('p99'), min: stat('min'), max: stat('max') },
    roundsNsPerOp: p50s,
    roundsRawNsPerOp: rounds.map((t) => t.rawNsPerOp.p50),
    marginOfErrorPct: medianOf(rounds, (t) => t.marginOfErrorPct),
    samples: rounds.reduce((n, t) => n + t.samples, 0),
    cpuNsPerOp: medianOf(rounds, (t) => t.cpuNsPerOp),
    roundSpreadPct: rounds.length > 1 && mid > 0 ? round3(((Math.max(...p50s) - Math.min(...p50s)) / mid) * 100) : 0,
    nearTimerResolution: rounds.some((t) => t.nearTimerResolution),
    workerThreadIds: threads,
    pid,
    warnings: roundWarnings(rounds, roundNumbers),
  };
}

/**
 * Every task over the rounds it ran in, in first-run order. Medians over rounds: one isolate whose JIT took a slower
 * path moves a median of three by nothing, a mean by a third of its excess.
 */
export function summariseTasks(suites: readonly MicroSuiteResult[]): MicroTaskSummary[] {
  const byTask = new Map<
    string,
    { rounds: MicroTaskResult[]; roundNumbers: number[]; threads: number[]; pid: number }
  >();
  for (const suite of [...suites].sort((a, b) => a.round - b.round)) {
    if (suite.status !== 'ok') continue;
    for (const task of suite.tasks) {
      const id = `${task.suite}/${task.task}`;
      const entry = byTask.get(id) ?? { rounds: [], roundNumbers: [], threads: [], pid: suite.pid };
      entry.rounds.push(task);
      entry.roundNumbers.push(suite.round);
      entry.threads.push(suite.workerThreadId);
      byTask.set(id, entry);
    }
  }
  return [...byTask.values()].map((e) => summarise(e.rounds, e.roundNumbers, e.threads, e.pid));
}

/** `suite/task`: how budgets, compare and the attribution name a task across runs. */
export const taskId = (t: { suite: string; task: string }) => `${t.suite}/${t.task}`;
