import {
  SpanKind,
  SpanStatusCode,
  context as otelContext,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { burnCpuUs } from './burn.js';
import { drawUs } from './duration.js';
import type { CallShape, SpanKindName, SpanShape } from './types.js';
import { NO_MARKS, marksHeaders, type RequestMarks } from './marks.js';

export { NO_MARKS, type RequestMarks };

const KIND: Record<SpanKindName, SpanKind> = {
  SERVER: SpanKind.SERVER,
  CLIENT: SpanKind.CLIENT,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
  INTERNAL: SpanKind.INTERNAL,
};

/** How a span reaches other services; headers carry the propagated context (none when untraced). */
export interface RemoteIo {
  /** Sends the call; resolves with the HTTP status. */
  call(call: CallShape, headers: Record<string, string>, marks: RequestMarks): Promise<number>;
  /** Hands a message to the queue's consumer (in-process, or over loopback to another service). */
  publish(queue: string, headers: Record<string, string>, marks: RequestMarks): Promise<void>;
}

/** The error a drawn failure throws; callers see it as a 5xx. */
export class DrawnError extends Error {
  constructor(at: string) {
    super(`drawn error at ${at}`);
    this.name = 'DrawnError';
  }
}

/** Sub-millisecond timers round up to 1 ms in Node, so a short wait is one event-loop turn instead. */
function wait(us: number): Promise<void> | undefined {
  if (us <= 0) return undefined;
  if (us < 1000) return new Promise((resolve) => setImmediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, us / 1000));
}

async function ownWork(shape: SpanShape, marks: RequestMarks): Promise<void> {
  burnCpuUs(drawUs(shape.cpuUs));
  const waitUs = drawUs(shape.waitUs) + (marks.slowAt === shape.name ? marks.slowExtraUs : 0);
  const pending = wait(waitUs);
  if (pending) await pending;
}

async function runChildren(shape: SpanShape, run: (child: SpanShape) => Promise<void>): Promise<void> {
  if (shape.parallel) {
    // Every child runs to its end even when one fails, as real fan-out does; the first failure goes up.
    const outcomes = await Promise.allSettled(shape.children.map(run));
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } else for (const child of shape.children) await run(child);
}

async function remote(
  shape: SpanShape,
  io: RemoteIo,
  headers: Record<string, string>,
  marks: RequestMarks,
): Promise<void> {
  if (shape.call) {
    const status = await io.call(shape.call, headers, marks);
    if (status >= 500) throw new Error(`${shape.call.service} answered ${status}`);
  } else if (shape.publish) await io.publish(shape.publish.queue, headers, marks);
}

/** The same work without any tracing call: the baseline's path. */
export async function runUntraced(shape: SpanShape, io: RemoteIo, marks: RequestMarks = NO_MARKS): Promise<void> {
  await ownWork(shape, marks);
  if (marks.failAt === shape.name) throw new DrawnError(shape.name);
  await remote(shape, io, marksHeaders(marks), marks);
  await runChildren(shape, (child) => runUntraced(child, io, marks));
}

const generatedCache = new WeakMap<SpanShape, Attributes>();
const linksCache = new WeakMap<SpanShape, Link[]>();

function hex(bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += Math.floor(Math.random() * 256)
      .toString(16)
      .padStart(2, '0');
  return out;
}

/** The span's attributes: its own plus the generated ones, built once per shape (values are constant). */
function attributesOf(shape: SpanShape): Attributes {
  let attributes = generatedCache.get(shape);
  if (!attributes) {
    attributes = { ...shape.attributes };
    const g = shape.generatedAttributes;
    if (g) for (let i = 0; i < g.count; i++) attributes[`attr.${i}`] = 'x'.repeat(g.valueBytes);
    generatedCache.set(shape, attributes);
  }
  return attributes;
}

/** Links into other traces: fixed synthetic contexts per shape, as a reference to a batch or an earlier request. */
function linksOf(shape: SpanShape): Link[] | undefined {
  if (shape.links === 0) return undefined;
  let links = linksCache.get(shape);
  if (!links) {
    links = Array.from({ length: shape.links }, () => ({
      context: { traceId: hex(16), spanId: hex(8), traceFlags: 1 },
    }));
    linksCache.set(shape, links);
  }
  return links;
}

export interface TracedSpanOptions {
  /** Request attributes (HTTP, ground truth) set at start. */
  extraAttributes?: Attributes;
  /** Links added at start (a consumer batch's producers). */
  extraLinks?: Link[];
  /** Last words before the span ends (the status code). */
  beforeEnd?: (span: Span, error: unknown) => void;
}

/**
 * Runs a span and its subtree under `tracer`, each span active while its work and children run. A drawn failure
 * at this span records an exception; every span it passes through on the way up gets status ERROR.
 */
export async function runTraced(
  tracer: Tracer,
  shape: SpanShape,
  parent: Context,
  io: RemoteIo,
  marks: RequestMarks = NO_MARKS,
  options: TracedSpanOptions = {},
): Promise<void> {
  const own = attributesOf(shape);
  const attributes = options.extraAttributes ? { ...own, ...options.extraAttributes } : own;
  const shapeLinks = linksOf(shape);
  const links = options.extraLinks ? [...(shapeLinks ?? []), ...options.extraLinks] : shapeLinks;
  const span = tracer.startSpan(
    shape.name,
    { kind: KIND[shape.kind], attributes, ...(links ? { links } : {}) },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  let failure: unknown;
  try {
    await otelContext.with(ctx, async () => {
      await ownWork(shape, marks);
      for (const event of shape.events) span.addEvent(event.name, event.attributes);
      if (marks.failAt === shape.name) {
        const error = new DrawnError(shape.name);
        span.recordException(error);
        throw error;
      }
      if (shape.call || shape.publish) {
        const headers = marksHeaders(marks);
        propagation.inject(ctx, headers);
        await remote(shape, io, headers, marks);
      }
      await runChildren(shape, (child) => runTraced(tracer, child, ctx, io, marks));
    });
  } catch (error) {
    failure = error;
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    options.beforeEnd?.(span, failure);
    span.end();
  }
}
