import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { MicroTask, SuiteDefinition } from '../measure.js';

const SPAN_CONTEXT = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

/** inject into a fresh carrier (as for an outgoing request) and extract from the headers it produced (an incoming one). */
function pair(name: string, label: string, propagator: TextMapPropagator, ctx: Context): MicroTask[] {
  const headers: Record<string, string> = {};
  propagator.inject(ctx, headers, defaultTextMapSetter);
  return [
    {
      name: `${name}-inject`,
      description: `${label}: inject into a new header object`,
      op: () => {
        const carrier: Record<string, string> = {};
        propagator.inject(ctx, carrier, defaultTextMapSetter);
        return carrier;
      },
    },
    {
      name: `${name}-extract`,
      description: `${label}: extract from incoming headers (${Object.keys(headers).join(', ')})`,
      op: () => propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    },
  ];
}

async function optional<T>(pkg: string, load: () => Promise<T>, warnings: string[]): Promise<T | undefined> {
  try {
    return await load();
  } catch {
    warnings.push(
      `${pkg} is not installed: its inject/extract tasks were skipped (install ${pkg}@2.12.x, the SDK's line)`,
    );
    return undefined;
  }
}

/** Cross-process context propagation, one propagator at a time. */
export async function propagationSuite(): Promise<SuiteDefinition> {
  const warnings: string[] = [];
  const spanOnly = trace.setSpanContext(ROOT_CONTEXT, SPAN_CONTEXT);
  const baggage = propagation.createBaggage({
    'user.id': { value: '42' },
    'tenant.id': { value: 'acme' },
    'session.id': { value: '7d1c9e2a' },
  });
  const withBaggage = propagation.setBaggage(spanOnly, baggage);
  const w3c = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  const tasks = pair('w3c-baggage', 'W3C tracecontext + baggage (3 entries)', w3c, withBaggage);

  const b3 = await optional('@opentelemetry/propagator-b3', () => import('@opentelemetry/propagator-b3'), warnings);
  if (b3) {
    tasks.push(
      ...pair(
        'b3-single',
        'B3 single header',
        new b3.B3Propagator({ injectEncoding: b3.B3InjectEncoding.SINGLE_HEADER }),
        spanOnly,
      ),
    );
    tasks.push(
      ...pair(
        'b3-multi',
        'B3 multi header',
        new b3.B3Propagator({ injectEncoding: b3.B3InjectEncoding.MULTI_HEADER }),
        spanOnly,
      ),
    );
  }
  const jaeger = await optional(
    '@opentelemetry/propagator-jaeger',
    () => import('@opentelemetry/propagator-jaeger'),
    warnings,
  );
  if (jaeger) tasks.push(...pair('jaeger', 'Jaeger uber-trace-id', new jaeger.JaegerPropagator(), spanOnly));
  return { tasks, warnings };
}
