import { register } from 'node:module';
import { threadId } from 'node:worker_threads';
import { measureSuite, type SuiteDefinition } from './measure.js';
import type { MicroSuiteResult, SuiteName, SuiteRequest } from './types.js';

// Loaded on demand: a worker imports only its own suite's modules, so suites do not share even module state.
const SUITES: Record<SuiteName, () => Promise<SuiteDefinition>> = {
  span: async () => (await import('./suites/span.js')).spanSuite(),
  propagation: async () => (await import('./suites/propagation.js')).propagationSuite(),
  sampler: async () => (await import('./suites/sampler.js')).samplerSuite(),
  processor: async () => (await import('./suites/processor.js')).processorSuite(),
  serialize: async () => (await import('./suites/serialize.js')).serializeSuite(),
};

/** Piscina task: one suite, measured in this worker's isolate (a fresh one per suite, so one variant per worker). */
export default async function runSuite(request: SuiteRequest): Promise<MicroSuiteResult> {
  // Before the suite's first import: its `@opentelemetry/*` imports then resolve from the variant's node_modules.
  if (request.variant)
    register(new URL('./resolve-hook.js', import.meta.url), { data: { nodeModules: request.variant.nodeModules } });
  const definition = await SUITES[request.suite]();
  const slow = request.slowPrimitive;
  if (
    slow?.task.startsWith(`${request.suite}/`) &&
    !definition.tasks.some((t) => `${request.suite}/${t.name}` === slow.task)
  ) {
    const valid = definition.tasks.map((t) => `${request.suite}/${t.name}`).join(', ');
    throw new Error(`slowPrimitive.task: no task ${slow.task}; valid: ${valid}`);
  }
  const measured = await measureSuite(request.suite, definition, request.profile, slow);
  return {
    status: 'ok',
    suite: request.suite,
    round: request.round,
    ...(request.variant ? { variant: request.variant.name } : {}),
    workerThreadId: threadId,
    pid: process.pid,
    timerResolutionNs: measured.timerResolutionNs,
    timerOverhead: measured.timerOverhead,
    warnings: definition.warnings,
    tasks: measured.tasks,
  };
}
