import { ParentBasedSampler, type Sampler } from '@opentelemetry/sdk-trace-base';
import { biasedArg, numberArg, SamplerArgError } from './args.js';
import { BiasedHeadSampler } from './biased-head.js';
import { ConsistentProbabilitySampler, parentBasedConsistentProbabilitySampler } from './consistent-probability.js';
import { RateLimitingSampler, type RateLimitingOptions } from './rate-limiting.js';
import { MIN_PROBABILITY } from './threshold.js';

export { SamplerArgError } from './args.js';
export { BiasedHeadSampler, type BiasedHeadOptions } from './biased-head.js';
export {
  ConsistentParentSampledSampler,
  ConsistentProbabilitySampler,
  parentBasedConsistentProbabilitySampler,
} from './consistent-probability.js';
export { RateLimitingSampler, type RateLimitingOptions } from './rate-limiting.js';

/**
 * OTEL_TRACES_SAMPLER names beyond the SDK's, and what OTEL_TRACES_SAMPLER_ARG means for each:
 * - `ratelimiting`: traces per second (required), each span decided alone;
 * - `parentbased_ratelimiting`: the same as the root of ParentBased (traces per second per service);
 * - `biased`: ParentBased with a BiasedHeadSampler root; JSON or the compact `ratio=0.01;route=/a;user.tier=debug`;
 * - `consistent_probability`: ratio in [0, 1] (default 1), `ot=th:` written on kept spans;
 * - `parentbased_consistent_probability`: the same as the root of ParentBased, children keep their parent's `th`.
 */
export const EXTRA_SAMPLERS = [
  'ratelimiting',
  'parentbased_ratelimiting',
  'biased',
  'consistent_probability',
  'parentbased_consistent_probability',
] as const;
export type ExtraSamplerName = (typeof EXTRA_SAMPLERS)[number];

function tracesPerSecond(name: string, arg: string | undefined): number {
  return numberArg(name, arg, 'traces per second, a number >= 0', { min: 0, max: Number.MAX_SAFE_INTEGER }, '100');
}

function consistentRatio(name: string, arg: string | undefined): number {
  const ratio = numberArg(name, arg, 'a ratio between 0 and 1', { min: 0, max: 1 }, '0.1', 1);
  if (ratio > 0 && ratio < MIN_PROBABILITY)
    throw new SamplerArgError(
      `OTEL_TRACES_SAMPLER_ARG=${arg}: ${name} cannot express ratios below 2^-56; use 0 for never`,
    );
  return ratio;
}

function biased(arg: string | undefined): Sampler {
  const options = biasedArg(arg);
  try {
    return new ParentBasedSampler({ root: new BiasedHeadSampler(options) });
  } catch (error) {
    throw new SamplerArgError(`OTEL_TRACES_SAMPLER_ARG=${arg}: biased ${(error as Error).message}`);
  }
}

/** The sampler named `name` with its argument, or undefined for a name this module does not know. */
export function createExtraSampler(
  name: string,
  arg: string | undefined,
  options: RateLimitingOptions = {},
): Sampler | undefined {
  switch (name) {
    case 'ratelimiting':
      return new RateLimitingSampler(tracesPerSecond(name, arg), options);
    case 'parentbased_ratelimiting':
      return new ParentBasedSampler({ root: new RateLimitingSampler(tracesPerSecond(name, arg), options) });
    case 'biased':
      return biased(arg);
    case 'consistent_probability':
      return new ConsistentProbabilitySampler(consistentRatio(name, arg));
    case 'parentbased_consistent_probability':
      return parentBasedConsistentProbabilitySampler(consistentRatio(name, arg));
    default:
      return undefined;
  }
}
