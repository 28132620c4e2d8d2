import type { Results } from '../results/types.js';
import type { Analysis } from '../stats/types.js';
import { attribute, type Attribution } from './attribution.js';
import { outageView, type OutageView } from './outage.js';
import { samplingStudy, type SamplingStudy } from './sampling.js';

/** The analyses a run's views show beside its verdicts, drawn once from the results and handed to every view. */
export interface RunStudies {
  /** Error traces kept against cost, per sampler; null when the run compared no samplers. */
  sampling: SamplingStudy | null;
  /** The layer waterfall with whether its increments add up; null when no cell carries `settings.layer`. */
  attribution: { model: Attribution } | null;
  /** Figures through a backend outage per cell; null when no trial had one. */
  outage: OutageView | null;
}

export function studyRun(results: Results, analysis?: Analysis): RunStudies {
  const model = attribute(results, { level: analysis?.level });
  return {
    sampling: samplingStudy(results, analysis),
    attribution: model ? { model } : null,
    outage: outageView(results),
  };
}
