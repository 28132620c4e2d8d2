import type { TrialPart } from './decoded-spans.js';
import type { ReceivedSpan, SinkAttributionStats, TrialOptions } from './types.js';

/**
 * Whose a span is, given the trial open at the sink: `own` carries its id; `unattributed` carries none in a trial that
 * sends spans (assumed its own); `stray` carries none while no trial that sends spans is open (a baseline, or between
 * trials): another trial's, which one unknown; `late` carries the id of a trial that already began, so it came after
 * that trial's accounting; `unknown` carries an id this sink never began.
 */
export type SpanOwner = 'own' | 'unattributed' | 'stray' | 'late' | 'unknown';

/** A request's spans that count for the trial open now; the rest are tallied as late, stray or unknown. */
export interface OwnSpans {
  spanCount: number;
  spans: ReceivedSpan[];
}

/** An arrival's place in the pending count: spans that wait behind the `slow` delay, under the trial they came in. */
export interface PendingToken {
  trialId: string | null;
  spanCount: number;
  /** False when every span of the request is another trial's: its request and bytes are not this trial's either. */
  ofThisTrial: boolean;
}

/**
 * Per-trial attribution by the `tracebench.trial.id` resource attribute. Before any trial begins the sink counts
 * whatever arrives as its own (a sink used on its own, as in unit tests). Late, stray and unknown tallies gathered
 * between two trials are reported with the next one, since the earlier trial's record is already written.
 */
export class TrialAttribution {
  private current: { id: string; expectsSpans: boolean } | null = null;
  private begun = false;
  private readonly known = new Set<string>();
  private readonly pending = new Map<string | null, number>();
  private unattributed = 0;
  private stray = 0;
  private unknown = 0;
  private late = new Map<string, number>();

  /** Opens a trial: its own counters start at zero; tallies of late spans gathered since the last trial ended stay. */
  begin(trialId: string, options: TrialOptions = {}): void {
    if (trialId === '') throw new RangeError('sink trial id: must not be empty');
    if (this.known.has(trialId))
      throw new RangeError(`sink trial id ${trialId}: already used; each trial needs its own`);
    this.known.add(trialId);
    this.begun = true;
    this.current = { id: trialId, expectsSpans: options.expectsSpans ?? true };
    this.unattributed = 0;
  }

  /** Closes the open trial: its spans are late from now on; the late tallies restart once a record has reported them. */
  end(lateReported = true): void {
    this.current = null;
    this.unattributed = 0;
    if (!lateReported) return;
    this.stray = 0;
    this.unknown = 0;
    this.late = new Map();
  }

  /** Zeroes what belongs to the open trial (the legacy reset between uses of one sink); late tallies stay. */
  resetOwn(): void {
    this.unattributed = 0;
  }

  owner(trialId: string | null): SpanOwner {
    if (!this.begun) return 'own';
    if (trialId === null) return this.current?.expectsSpans ? 'unattributed' : 'stray';
    if (this.current && trialId === this.current.id) return 'own';
    return this.known.has(trialId) ? 'late' : 'unknown';
  }

  /** On arrival, before any delay: the request's own spans count as pending for the trial open now. */
  arrive(parts: readonly TrialPart[] | undefined): PendingToken {
    const trialId = this.current?.id ?? null;
    if (parts === undefined || parts.length === 0) return { trialId, spanCount: 0, ofThisTrial: true };
    let spanCount = 0;
    let ofThisTrial = false;
    for (const part of parts) {
      const owner = this.owner(part.trialId);
      if (owner === 'own' || owner === 'unattributed') {
        spanCount += part.spanCount;
        ofThisTrial = true;
      }
    }
    this.pending.set(trialId, (this.pending.get(trialId) ?? 0) + spanCount);
    return { trialId, spanCount, ofThisTrial };
  }

  /** The delay is over (answered, or the sink closed): the spans are no longer pending. */
  settle(token: PendingToken): void {
    const left = (this.pending.get(token.trialId) ?? 0) - token.spanCount;
    if (left > 0) this.pending.set(token.trialId, left);
    else this.pending.delete(token.trialId);
  }

  /** The spans of an accepted request that are the open trial's; tallies the others by whose they are. */
  accept(parts: readonly TrialPart[]): OwnSpans {
    const own: OwnSpans = { spanCount: 0, spans: [] };
    for (const part of parts) {
      const owner = this.owner(part.trialId);
      if (owner === 'own' || owner === 'unattributed') {
        own.spanCount += part.spanCount;
        for (const span of part.spans) own.spans.push(span);
        if (owner === 'unattributed') this.unattributed += part.spanCount;
      } else if (owner === 'late') this.late.set(part.trialId!, (this.late.get(part.trialId!) ?? 0) + part.spanCount);
      else if (owner === 'unknown') this.unknown += part.spanCount;
      else this.stray += part.spanCount;
    }
    return own;
  }

  /** The spans of a request that would be the open trial's, without tallying anything (for a rejected request). */
  ownCount(parts: readonly TrialPart[]): number {
    let count = 0;
    for (const part of parts) {
      const owner = this.owner(part.trialId);
      if (owner === 'own' || owner === 'unattributed') count += part.spanCount;
    }
    return count;
  }

  stats(): SinkAttributionStats {
    const trialId = this.current?.id ?? null;
    return {
      trialId,
      spansUnattributed: this.unattributed,
      spansPending: this.begun && trialId === null ? 0 : (this.pending.get(trialId) ?? 0),
      spansLate: Object.fromEntries(this.late),
      spansStray: this.stray,
      spansUnknownTrial: this.unknown,
    };
  }
}
