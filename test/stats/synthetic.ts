import type { Config } from '../../harness/config/types.js';
import {
  type CellResult,
  type Environment,
  RESULTS_SCHEMA_VERSION,
  type Results,
  type TrialMetrics,
  type TrialRecord,
} from '../../harness/results/types.js';
import { mulberry32 } from '../../harness/plan/plan.js';
import type { CellSettings } from '../../harness/plan/types.js';

/** Standard normal draws from a seeded uniform source (Box–Muller). */
export function gaussian(random: () => number): () => number {
  return () => {
    let u = 0;
    while (u === 0) u = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

export const BASELINE: CellSettings = { tracing: 'off' };

export function sdk(
  sampler: string,
  processor: 'simple' | 'batch' | null = 'batch',
  exporter: string | null = 'otlp-http-protobuf',
): CellSettings {
  return {
    tracing: 'sdk',
    sampler: (sampler.includes('ratio') ? { type: sampler, ratio: 0.1 } : { type: sampler }) as never,
    processor:
      processor === null
        ? null
        : processor === 'simple'
          ? { type: 'simple' }
          : {
              type: 'batch',
              maxQueueSize: 2048,
              maxExportBatchSize: 512,
              scheduleDelayMillis: 5000,
              exportTimeoutMillis: 30000,
            },
    exporter: exporter as never,
  };
}

/** A cell of a synthetic run: true values, before noise. */
export interface SyntheticCell {
  id: string;
  settings?: CellSettings;
  variant?: string;
  /** True CPU µs per request. @default 400 */
  cpuUsPerRequest?: number;
  /** True corrected p99 latency, µs. @default 5000 */
  latencyP99Us?: number;
  rssPeakBytes?: number;
  /** Spans dropped in each round (a fact, not noise). @default 0 */
  dropped?: (round: number) => number;
  /** Rounds whose trial failed (no metrics). */
  failedRounds?: number[];
}

export interface SyntheticRun {
  cells: SyntheticCell[];
  rounds: number;
  /** Multiplicative noise per trial (sd of the log): 0.03 is "3% per trial". @default 0.03 */
  noise?: number;
  /** Multiplicative drift shared by every cell of a round (paired rounds cancel it). @default 0.05 */
  drift?: number;
  seed?: number;
  environment?: Partial<Environment>;
}

export const ENVIRONMENT: Environment = {
  node: 'v20.20.2',
  os: 'Linux x64',
  cpuModel: 'AMD EPYC',
  cores: 2,
  totalMemoryBytes: 8 * 1024 ** 3,
  openTelemetry: { '@opentelemetry/sdk-trace-base': '2.12.1' },
  tracebench: '0.1.0',
  hostname: 'vm',
};

/** One trial's metrics at 500 req/s over 3 s, with these values and plausible others. */
export function syntheticMetrics(cpu: number, p99: number, rss: number, dropped: number): TrialMetrics {
  const pct = { p50: p99 / 4, p90: p99 / 2, p99, p999: p99 * 2, max: p99 * 3, mean: p99 / 3, count: 1500 };
  return {
    cpuUsPerRequest: cpu,
    cpuUserUs: cpu * 1500 * 0.8,
    cpuSystemUs: cpu * 1500 * 0.2,
    requests: 1500,
    windowMs: 3000,
    targetRps: 500,
    achievedRps: 500,
    latencyUs: { corrected: pct, uncorrected: pct },
    sendLagUs: { ...pct, p99: 50 },
    load: { sent: 1500, ok: 1500, httpErrors: 0, socketErrors: 0, timeouts: 0, generatorEluMax: 0.2 },
    rssPeakBytes: rss,
    rssStartBytes: rss * 0.8,
    heapUsedPeakBytes: rss / 2,
    gc: { pauseCount: 5, pauseTotalMs: 10 * (cpu / 400), pauseMaxMs: 3 },
    eventLoopDelayUs: { p50: 1000, p99: 3000 * (cpu / 400), max: 9000, mean: 1200 },
    spans: {
      started: 6000,
      sampled: 6000,
      ended: 6000,
      exported: 6000 - dropped,
      failed: 0,
      dropped,
      queuedAtEnd: 0,
      received: 6000 - dropped,
    },
    sink: { requests: 12, bytes: 1_000_000, rejectedRequests: 0 },
    probeCpuUs: 100,
    series: [],
    histograms: { corrected: '', uncorrected: '' },
  };
}

/** Results of a run with known true values and known noise, in the shape `tracebench run` writes. */
export function syntheticResults(run: SyntheticRun): Results {
  const random = mulberry32(run.seed ?? 1);
  const z = gaussian(random);
  const noise = run.noise ?? 0.03;
  const drift = run.drift ?? 0.05;
  const byKey = new Map<string, CellResult>();
  const cellOf = (spec: SyntheticCell) => {
    let cell = byKey.get(spec.id);
    if (!cell) {
      cell = {
        id: spec.id,
        settings: spec.settings ?? (spec.id === 'baseline' ? BASELINE : sdk('always_on')),
        collapsed: [],
        trials: [],
        summary: null,
      };
      byKey.set(spec.id, cell);
    }
    return cell;
  };
  for (let round = 0; round < run.rounds; round++) {
    const shift = Math.exp(drift * z());
    run.cells.forEach((spec, order) => {
      const base: Omit<TrialRecord, 'status' | 'metrics' | 'error' | 'stderrTail'> = {
        runId: 'synthetic',
        cellId: spec.id,
        ...(spec.variant !== undefined ? { variant: spec.variant } : {}),
        round,
        order,
        startedAt: '2026-01-01T00:00:00.000Z',
        wallMs: 5000,
        warnings: [],
      };
      if (spec.failedRounds?.includes(round)) {
        cellOf(spec).trials.push({ ...base, status: 'failed', error: 'synthetic failure', stderrTail: [] });
        return;
      }
      const noisy = (x: number) => x * shift * Math.exp(noise * z());
      const m = syntheticMetrics(
        noisy(spec.cpuUsPerRequest ?? 400),
        noisy(spec.latencyP99Us ?? 5000),
        noisy(spec.rssPeakBytes ?? 80 * 1024 ** 2),
        spec.dropped?.(round) ?? 0,
      );
      cellOf(spec).trials.push({ ...base, status: 'ok', metrics: m });
    });
  }
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: 'synthetic',
    status: 'complete',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:10:00.000Z',
    configFile: 'synthetic.yaml',
    config: { name: 'synthetic', rounds: run.rounds, seed: run.seed ?? 1 } as Config,
    seed: run.seed ?? 1,
    environment: { ...ENVIRONMENT, ...run.environment },
    notes: [],
    cells: [...byKey.values()],
  };
}
