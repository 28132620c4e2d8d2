import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Attributes, type Context } from '@opentelemetry/api';
import { createTraceState } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace-base';
import { mulberry32 } from '../../harness/plan/random.js';

/** Deterministic 32-hex-digit trace ids. */
export function traceIds(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    let id = '';
    for (let j = 0; j < 4; j++)
      id += Math.floor(random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0');
    ids.push(id);
  }
  return ids;
}

/** A context whose parent is a remote span with these flags and tracestate. */
export function remoteParent(traceId: string, sampled: boolean, traceState?: string): Context {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: '00f067aa0ba902b7',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
    ...(traceState !== undefined ? { traceState: createTraceState(traceState) } : {}),
  });
}

export function decide(
  sampler: Sampler,
  traceId: string,
  context: Context = ROOT_CONTEXT,
  attributes: Attributes = {},
): SamplingResult {
  return sampler.shouldSample(context, traceId, 'GET /x', SpanKind.SERVER, attributes, []);
}

export const isSampled = (result: SamplingResult) => result.decision === SamplingDecision.RECORD_AND_SAMPLED;
