import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** `arg` in the matrix: extra attribute keys to redact, beside the built-in list. */
export interface PiiFilterArg {
  keys?: string[];
}

export const REDACTED = '[REDACTED]';

/** Attribute keys that name a person (semantic conventions' enduser.*, user.*) or a secret. */
const DEFAULT_KEYS = [
  'enduser.id',
  'enduser.role',
  'user.id',
  'user.email',
  'user.name',
  'user.full_name',
  'user.phone',
  'http.request.header.authorization',
  'http.request.header.cookie',
];
/** Values that look like an e-mail address or a payment card number, whatever their key. */
const PII_VALUE = /[\w.+-]+@[\w-]+\.[\w.]+|\b(?:\d[ -]?){13,16}\b/;

/**
 * The PII-redacting span processor teams put in front of their exporter: it overwrites personal data in every ended
 * span's attributes and events, then hands the span to `next` (the processor the matrix entry's `then` names).
 *
 * Matrix entry: `processor: [{ module: ./pii-filter-processor.js, then: batch }]` (the compiled file).
 */
export default class PiiFilterProcessor implements SpanProcessor {
  private readonly next: SpanProcessor;
  private readonly keys: ReadonlySet<string>;

  constructor({ next, arg }: { next: SpanProcessor; arg?: PiiFilterArg }) {
    if (!next) throw new TypeError('pii filter: constructed without the next processor ({ next, arg })');
    this.next = next;
    this.keys = new Set([...DEFAULT_KEYS, ...(arg?.keys ?? [])]);
  }

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // An ended span is read-only through its API; its attribute maps are plain objects the exporter reads later.
    this.redact(span.attributes as Record<string, unknown>);
    for (const event of span.events) if (event.attributes) this.redact(event.attributes as Record<string, unknown>);
    this.next.onEnd(span);
  }

  private redact(attributes: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(attributes))
      if (this.keys.has(key) || (typeof value === 'string' && PII_VALUE.test(value))) attributes[key] = REDACTED;
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
