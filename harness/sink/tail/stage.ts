import type { ReceivedSpan } from '../types.js';
import { TailSamplingEngine } from './engine.js';
import type { TailSamplingConfig, TailStats } from './types.js';

/**
 * The engine on real time: one timer, armed for the oldest pending trace's deadline (deadlines follow arrival order,
 * so that is always the next one due), so a decision comes when it is due rather than on a coarse tick.
 */
export class TailStage {
  private readonly engine: TailSamplingEngine;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(config: TailSamplingConfig, keep: (spans: readonly ReceivedSpan[]) => void) {
    this.engine = new TailSamplingEngine({ config, clock: () => performance.now(), keep });
  }

  add(spans: readonly ReceivedSpan[]): void {
    if (this.closed) return;
    this.engine.add(spans);
    this.arm();
  }

  stats(): TailStats {
    return this.engine.stats();
  }

  /** Decides every pending trace now; for the end of a trial, when no more spans will come. */
  flush(): void {
    this.engine.flush();
    this.disarm();
  }

  reset(): void {
    this.disarm();
    this.engine.reset();
  }

  close(): void {
    this.closed = true;
    this.disarm();
  }

  private arm(): void {
    if (this.timer !== undefined || this.closed) return;
    const deadlineMs = this.engine.nextDeadlineMs();
    if (deadlineMs === undefined) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, deadlineMs - performance.now()));
    // Pending decisions alone must not keep the process alive; the server does while the sink is open.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.engine.decideDue();
    this.arm();
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
