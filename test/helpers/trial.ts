import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { createLoadGenerator } from '../../harness/load/generator.js';
import { startSink } from '../../harness/sink/sink.js';
import { parseConfig } from '../../harness/config/load.js';
import type { LoadGenerator } from '../../harness/load/types.js';
import type { TrialMetrics } from '../../harness/results/types.js';
import { expandMatrix } from '../../harness/plan/cells.js';
import { REFERENCE_SERVICE_ENTRY } from '../../harness/run/run.js';
import { runTrial } from '../../harness/run/trial.js';
import type { ReceivedSpan, Sink } from '../../harness/sink/types.js';
import { launchService } from '../../harness/target/launch.js';
import { loadWorkload } from '../../workloads/shape/load.js';
import type { WorkloadShape } from '../../workloads/shape/types.js';

export interface WorkloadTrialOptions {
  workload: string;
  /** YAML for `service:` beyond the workload, e.g. `perService: { inventory: { propagator: b3 } }`. */
  service?: string;
  /** YAML of the matrix's sampler entry. @default always_on */
  sampler?: string;
  /** YAML of a `tail:` list; the trial then runs its first tail cell. */
  tail?: string;
  rateRps?: number;
  durationSeconds?: number;
}

/**
 * One real trial of a shipped workload: every service process, the generator's mix, the sink keeping spans.
 * A short schedule delay keeps the batch queue from filling: a dropped span would break a trace.
 */
export async function workloadTrial(
  sink: Sink,
  generator: LoadGenerator,
  o: WorkloadTrialOptions,
): Promise<{ metrics: TrialMetrics; spans: ReceivedSpan[]; shape: WorkloadShape }> {
  const cfg = parseConfig(
    `name: trial\nrounds: 1\nseed: 7\nservice: { workload: ${o.workload}${o.service ? `, ${o.service}` : ''} }\n` +
      `load: { rateRps: ${o.rateRps ?? 150}, warmupSeconds: 0.5, durationSeconds: ${o.durationSeconds ?? 1.5} }\n` +
      `matrix: { sampler: [${o.sampler ?? 'always_on'}], processor: [{ type: batch, scheduleDelayMillis: 100 }], exporter: [otlp-http-protobuf] }\n` +
      (o.tail ? `tail: ${o.tail}\n` : ''),
    'trial.yaml',
  );
  const loaded = loadWorkload(cfg.service.workload);
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.issues));
  const cells = expandMatrix(cfg).cells;
  const cell = o.tail
    ? cells.find((c) => c.settings.tracing === 'sdk' && c.settings.tail)!
    : cells.find((c) => c.id !== 'baseline')!;
  const record = await runTrial({
    runId: 'trial',
    config: cfg,
    cell,
    round: 0,
    order: 0,
    entry: REFERENCE_SERVICE_ENTRY,
    workloadFile: loaded.file,
    workload: loaded.shape,
    referenceService: true,
    sink,
    generator,
    launch: launchService,
    signal: new AbortController().signal,
  });
  if (record.status === 'failed')
    assert.fail(`${o.workload}: trial failed: ${record.error}\n${record.stderrTail.join('\n')}`);
  assert.equal(record.status, 'ok', `${o.workload}: ${record.warnings.join('; ')}`);
  return { metrics: record.metrics, spans: sink.spans(), shape: loaded.shape };
}

/** A sink that keeps spans and a one-thread generator for a describe block, opened before and closed after it. */
export function trialRig(): (o: WorkloadTrialOptions) => ReturnType<typeof workloadTrial> {
  let sink: Sink;
  let generator: LoadGenerator;
  before(async () => {
    sink = await startSink({ fault: { mode: 'ok' }, keepSpans: true });
    generator = createLoadGenerator({ threads: 1 });
  });
  after(async () => {
    await generator.close();
    await sink.close();
  });
  return (o) => workloadTrial(sink, generator, o);
}
