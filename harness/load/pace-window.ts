import { performance } from 'node:perf_hooks';
import type { DueQueue } from './pacer.js';
import { pacerStep, updateWakeLate } from './pacer.js';
import type { Pacing } from './types.js';

/** An event-loop turn shorter than this handled no response (one takes tens of µs): the spin's own turn. */
const EMPTY_TURN_MS = 0.015;

/** Empty-loop iterations (~1 µs) between clock reads in a spin: a read allocates (performance.now() builds an hrtime array). */
const SPIN_ITERATIONS = 3000;
let spinSink = 0;

/**
 * Spins until `atMs`, reading the clock every few hundred iterations of an empty loop rather than continuously: a spin
 * of ~100 µs through performance.now() allocated ~30 B a read, thousands of reads a send.
 */
function spinUntil(atMs: number): void {
  while (performance.now() < atMs) for (let i = 0; i < SPIN_ITERATIONS; i++) spinSink = (spinSink + i) | 0;
}

/** What the waits of one window add up to: ms the event loop counted busy while waiting, and how late blocks wake. */
export interface PaceState {
  /** Blocked in `Atomics.wait`, or spinning through empty turns: pacing, not the generator's work. */
  blockedMs: number;
  /** Running estimate of how late a block ends (ms). */
  wakeLateMs: number;
}

export interface PaceWindow {
  pacing: Pacing;
  /** The window's start (performance.now() ms): the schedule's offsets count from it. */
  t0Ms: number;
  /** Catching up never skips a request, but a generator this far behind stops: the rest count as scheduled, not sent. */
  stopSendingMs: number;
  due: DueQueue;
  /** Sends the request of one schedule offset. */
  sendDue: (offsetMs: number) => void;
  inFlight: () => number;
  state: PaceState;
  /** A cell nothing ever notifies: `Atomics.wait` on it is a sub-millisecond sleep, which timers cannot do. */
  sleepCell: Int32Array;
}

/**
 * Sends a window's requests on time with `timer`, `hybrid` or `spin` pacing; resolves with how many were sent (or
 * counted scheduled). The steps are callbacks made once per window and one promise spans it: a promise and closures per
 * send, or per event-loop turn, made the sending thread allocate several KB a request, and each young-generation
 * collection that brings holds the sends due meanwhile (npm run bench:generator-alloc, docs/generator.md).
 */
export function paceWindow(w: PaceWindow): Promise<number> {
  return new Promise((resolve, reject) => {
    const { state } = w;
    let scheduled = 0;
    let atMs = 0;
    let turnStartMs = 0;
    let blockUntilMs = 0;
    /** Sends every request due now; false once the window is over. */
    const sendDueNow = (): boolean => {
      const nowMs = performance.now();
      if (nowMs > w.stopSendingMs) return false;
      scheduled += w.due.takeDue(nowMs - w.t0Ms, w.sendDue);
      const upcomingMs = w.due.peek();
      if (upcomingMs === undefined) return false;
      atMs = w.t0Ms + upcomingMs;
      return true;
    };
    const afterTurn = () => {
      const turnMs = performance.now() - turnStartMs;
      // A turn that found no I/O is the spin waiting, not work; one that handled responses is work.
      if (turnMs < EMPTY_TURN_MS) state.blockedMs += turnMs;
      next();
    };
    // Blocks in the check phase, after the event loop has run: a request just sent is written on a later tick, so
    // blocking at once would hold it back; after each block, one poll phase times the responses that came meanwhile.
    const block = () => {
      const start = performance.now();
      const requestedMs = blockUntilMs - start;
      if (requestedMs > 0) {
        Atomics.wait(w.sleepCell, 0, 0, requestedMs);
        const blockedMs = performance.now() - start;
        state.blockedMs += blockedMs;
        state.wakeLateMs = updateWakeLate(state.wakeLateMs, requestedMs, blockedMs);
      }
      next();
    };
    function next(): void {
      try {
        for (;;) {
          const step = pacerStep(w.pacing, atMs - performance.now(), w.inFlight(), state.wakeLateMs);
          switch (step.kind) {
            case 'send':
            case 'alarm':
              if (sendDueNow()) continue;
              resolve(scheduled);
              return;
            case 'timer':
              setTimeout(next, Math.max(0, step.ms));
              return;
            case 'yield':
              // Nothing in flight, so nothing to time: spin here rather than through event-loop turns (an Immediate and
              // clock reads each, ~2-3 KB a send at 5,000 req/s: npm run bench:generator-alloc).
              if (w.inFlight() === 0) {
                const spinStartMs = performance.now();
                spinUntil(atMs);
                state.blockedMs += performance.now() - spinStartMs;
                continue;
              }
              turnStartMs = performance.now();
              setImmediate(afterTurn);
              return;
            case 'block':
              blockUntilMs = performance.now() + step.ms;
              setImmediate(block);
              return;
          }
        }
      } catch (error) {
        reject(error);
      }
    }
    if (w.due.peek() === undefined) resolve(0);
    else if (sendDueNow()) next();
    else resolve(scheduled);
  });
}
