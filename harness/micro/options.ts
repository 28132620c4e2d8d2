import { EXIT, TracebenchError } from '../errors.js';
import { SUITE_NAMES, type MicroOptions, type SlowPrimitive } from './types.js';
import { variantIssues } from './variants.js';

/** Micro options that cannot run: every problem at once, each named by its option. */
export class MicroOptionsError extends TracebenchError {
  constructor(readonly issues: string[]) {
    super(`micro options: ${issues.join('; ')}`, EXIT.usage);
  }
}

const VALID = SUITE_NAMES.join(', ');

/** Every problem with the options, each naming the option; empty when they can run. */
export function microOptionIssues(options: MicroOptions): string[] {
  const issues: string[] = [];
  if (options.profile !== 'quick' && options.profile !== 'default')
    issues.push(`profile: must be quick or default, got ${String(options.profile)}`);
  if (options.rounds !== undefined && !(Number.isInteger(options.rounds) && options.rounds >= 1))
    issues.push(`rounds: must be a whole number ≥ 1, got ${options.rounds}`);
  const suites = options.suites ?? [];
  if (options.suites && suites.length === 0) issues.push(`suites: empty; valid suites: ${VALID}`);
  suites.forEach((name, i) => {
    if (!(SUITE_NAMES as readonly string[]).includes(name))
      issues.push(`suites[${i}]: unknown suite "${name}"; valid suites: ${VALID}`);
    else if (suites.indexOf(name) !== i) issues.push(`suites[${i}]: "${name}" listed twice`);
  });
  const slow = options.slowPrimitive;
  if (slow) {
    const suite = slow.task.split('/')[0];
    if (!/^[a-z]+\/[a-z0-9.-]+$/.test(slow.task) || !(SUITE_NAMES as readonly string[]).includes(suite)) {
      issues.push(`slowPrimitive.task: must be suite/task with a suite among ${VALID}, got "${slow.task}"`);
    }
    if (!Number.isFinite(slow.burnNs) || slow.burnNs <= 0)
      issues.push(`slowPrimitive.burnNs: must be a positive number of nanoseconds, got ${slow.burnNs}`);
  }
  if (options.variants) issues.push(...variantIssues(options.variants));
  return issues;
}

/**
 * Parses the test-only `suite/task:burnNs` form (e.g. `sampler/always-on:2000`), for the CLI to read from
 * `TRACEBENCH_TEST_SLOW_PRIMITIVE` at the edge and hand over as `MicroOptions.slowPrimitive`.
 */
export function parseSlowPrimitive(value: string): SlowPrimitive {
  const match = /^([^:]+):(\d+(?:\.\d+)?)$/.exec(value.trim());
  if (!match)
    throw new MicroOptionsError([
      `TRACEBENCH_TEST_SLOW_PRIMITIVE: expected suite/task:nanoseconds (e.g. sampler/always-on:2000), got "${value}"`,
    ]);
  return { task: match[1], burnNs: Number(match[2]) };
}
