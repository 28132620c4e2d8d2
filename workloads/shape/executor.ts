import { SpanKind, SpanStatusCode, context as otelContext, trace, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import { burnCpuUs } from './burn.js';
import type { SpanShape, SpanKindName } from './types.js';

const KIND: Record<SpanKindName, SpanKind> = {
  SERVER: SpanKind.SERVER,
  CLIENT: SpanKind.CLIENT,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
  INTERNAL: SpanKind.INTERNAL,
};

/** Sub-millisecond timers round up to 1 ms in Node, so a short wait is one event-loop turn instead. */
function wait(us: number): Promise<void> | undefined {
  if (us <= 0) return undefined;
  if (us < 1000) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, us / 1000));
}

async function runChildren(shape: SpanShape, run: (child: SpanShape) => Promise<void>): Promise<void> {
  if (shape.parallel) await Promise.all(shape.children.map(run));
  else for (const child of shape.children) await run(child);
}

/** The same work without any tracing call: the baseline's path. */
export async function runUntraced(shape: SpanShape): Promise<void> {
  burnCpuUs(shape.cpuUs);
  const pending = wait(shape.waitUs);
  if (pending) await pending;
  await runChildren(shape, runUntraced);
}

/**
 * Runs a span and its subtree under `tracer`, each span active while its work and children run.
 * `onRoot` lets the caller add request attributes (status code) before the span ends.
 */
export async function runTraced(
  tracer: Tracer,
  shape: SpanShape,
  parent: Context,
  extraAttributes?: Attributes,
  beforeEnd?: (span: ReturnType<Tracer['startSpan']>) => void,
): Promise<void> {
  const attributes = extraAttributes ? { ...shape.attributes, ...extraAttributes } : shape.attributes;
  const span = tracer.startSpan(shape.name, { kind: KIND[shape.kind], attributes }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    await otelContext.with(ctx, async () => {
      burnCpuUs(shape.cpuUs);
      for (const event of shape.events) span.addEvent(event.name, event.attributes);
      const pending = wait(shape.waitUs);
      if (pending) await pending;
      await runChildren(shape, (child) => runTraced(tracer, child, ctx));
    });
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    beforeEnd?.(span);
    span.end();
  }
}
