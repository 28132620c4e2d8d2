import { context, trace, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { SuiteDefinition } from '../measure.js';
import { recordingProvider, SPAN_NAME, tenAttributes } from './fixtures.js';

/** Span lifecycle costs with a recording tracer and the AsyncLocalStorage context manager a service would register. */
export function spanSuite(): SuiteDefinition {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const tracer = recordingProvider().getTracer('tracebench-micro', '0.1.0');
  const attributes = tenAttributes();
  const entries = Object.entries(attributes);
  // Created once: building an Error (its stack) is the application's cost, recording it is the tracer's.
  const error = new Error('upstream timed out');
  void error.stack;
  const parent = tracer.startSpan('parent');
  const activeContext = trace.setSpan(context.active(), parent);
  const inside = () => 1;
  const endChild = (child: Span) => child.end();

  return {
    warnings: [],
    tasks: [
      {
        name: 'bare',
        description: 'startSpan + end, no attributes',
        op: () => {
          const span = tracer.startSpan('op');
          span.end();
          return span;
        },
      },
      {
        name: 'attributes-at-start-10',
        description: 'startSpan with 10 attributes in its options + end',
        op: () => {
          const span = tracer.startSpan(SPAN_NAME, { attributes });
          span.end();
          return span;
        },
      },
      {
        name: 'set-attribute-10',
        description: 'startSpan + 10 setAttribute calls + end',
        op: () => {
          const span = tracer.startSpan(SPAN_NAME);
          for (let i = 0; i < entries.length; i++) {
            const [key, value] = entries[i];
            span.setAttribute(key, value as string | number);
          }
          span.end();
          return span;
        },
      },
      {
        name: 'add-event',
        description: 'startSpan + addEvent (one attribute) + end',
        op: () => {
          const span = tracer.startSpan('op');
          span.addEvent('cache.miss', { 'cache.key': 'user:42' });
          span.end();
          return span;
        },
      },
      {
        name: 'record-exception',
        description: 'startSpan + recordException (an existing Error) + end',
        op: () => {
          const span = tracer.startSpan('op');
          span.recordException(error);
          span.end();
          return span;
        },
      },
      {
        name: 'nested-active-2',
        description:
          'startActiveSpan parent, startActiveSpan child inside it, both ended (AsyncLocalStorage context manager): two spans',
        op: () =>
          tracer.startActiveSpan('parent', (span) => {
            tracer.startActiveSpan('child', endChild);
            span.end();
            return span;
          }),
      },
      {
        name: 'context-with',
        description: 'context.with(a context holding a span, fn): the context manager alone',
        op: () => context.with(activeContext, inside),
      },
    ],
  };
}
