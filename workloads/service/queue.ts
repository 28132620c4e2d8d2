import { ROOT_CONTEXT, propagation, trace, type Link, type Tracer } from '@opentelemetry/api';
import { runTraced, runUntraced, type RemoteIo } from '../shape/executor.js';
import type { RequestMarks } from '../shape/marks.js';
import { TRUTH_ATTRIBUTES, parseTruth, type ConsumerShape } from '../shape/types.js';

interface Message {
  headers: Record<string, string>;
  marks: RequestMarks;
}

/**
 * One queue's consumer: messages collect into batches of `batchSize`, or whatever arrived within `maxWaitUs`.
 * A batch of one continues the producer's trace (its CONSUMER span is the PRODUCER span's child); a larger
 * batch starts its own trace with a link to each message's producer, as batch consumption does in the
 * OpenTelemetry messaging conventions.
 */
export class QueueConsumer {
  private pending: Message[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  /** Batches whose processing threw (a drawn error in the consumer); counted, not fatal. */
  failedBatches = 0;

  constructor(
    private readonly shape: ConsumerShape,
    private readonly io: RemoteIo,
    private readonly tracer: Tracer | undefined,
  ) {}

  push(message: Message): void {
    this.pending.push(message);
    if (this.pending.length >= this.shape.batchSize) this.flush();
    else if (!this.timer) {
      const waitMs = this.shape.maxWaitUs / 1000;
      this.timer = waitMs < 1 ? setImmediate(() => this.flush()) : setTimeout(() => this.flush(), waitMs);
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    const batch = this.pending.splice(0, this.shape.batchSize);
    if (this.pending.length > 0) this.push(this.pending.pop()!);
    if (batch.length > 0) this.process(batch).catch(() => void this.failedBatches++);
  }

  private async process(batch: Message[]): Promise<void> {
    // A consumer failure belongs to the message that was drawn to fail, so only a batch of one honours fail marks.
    const marks = batch.length === 1 ? batch[0].marks : { slowExtraUs: 0 };
    if (!this.tracer) return runUntraced(this.shape.root, this.io, marks);
    const attributes: Record<string, string | number | boolean> = {
      'messaging.system': 'tracebench',
      'messaging.operation.type': 'process',
      'messaging.destination.name': this.shape.queue,
      'messaging.batch.message_count': batch.length,
    };
    if (batch.length === 1) {
      const truth = parseTruth(batch[0].marks.truthHeader);
      if (truth)
        Object.assign(attributes, {
          [TRUTH_ATTRIBUTES.requestId]: truth.requestId,
          [TRUTH_ATTRIBUTES.error]: truth.error,
          [TRUTH_ATTRIBUTES.slow]: truth.slow,
        });
      const parent = propagation.extract(ROOT_CONTEXT, batch[0].headers);
      return runTraced(this.tracer, this.shape.root, parent, this.io, marks, { extraAttributes: attributes });
    }
    const links: Link[] = [];
    for (const m of batch) {
      const producer = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, m.headers));
      if (producer) links.push({ context: producer });
    }
    return runTraced(this.tracer, this.shape.root, ROOT_CONTEXT, this.io, marks, {
      extraAttributes: attributes,
      extraLinks: links,
    });
  }
}
