import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Context } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import type { MicroTask, SuiteDefinition } from '../measure.js';
import { SPAN_NAME, tenAttributes } from './fixtures.js';

const TRACE_IDS = 1024;

/** shouldSample as the tracer calls it at span start, over a rotating set of random trace ids (the ratio sampler reads them). */
export function samplerSuite(): SuiteDefinition {
  const traceIds = Array.from({ length: TRACE_IDS }, () => randomBytes(16).toString('hex'));
  const attributes = tenAttributes();
  const sampledParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: traceIds[0],
    spanId: '00f067aa0ba902b7',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  let next = 0;
  const task = (name: string, description: string, sampler: Sampler, ctx: Context): MicroTask => ({
    name,
    description,
    op: () => {
      next = (next + 1) & (TRACE_IDS - 1);
      return sampler.shouldSample(ctx, traceIds[next], SPAN_NAME, SpanKind.SERVER, attributes, []);
    },
  });
  return {
    warnings: [],
    tasks: [
      task('always-on', 'AlwaysOnSampler.shouldSample, root span', new AlwaysOnSampler(), ROOT_CONTEXT),
      task('always-off', 'AlwaysOffSampler.shouldSample, root span', new AlwaysOffSampler(), ROOT_CONTEXT),
      task(
        'trace-id-ratio-0.1',
        'TraceIdRatioBasedSampler(0.1).shouldSample, root span',
        new TraceIdRatioBasedSampler(0.1),
        ROOT_CONTEXT,
      ),
      task(
        'parent-based-sampled-parent',
        'ParentBasedSampler(root: AlwaysOn).shouldSample under a sampled remote parent',
        new ParentBasedSampler({ root: new AlwaysOnSampler() }),
        sampledParent,
      ),
    ],
  };
}
