import dc from 'node:diagnostics_channel';
// Loaded first on purpose: node:http then creates its own channel object and the subscription below only activates it.
import 'node:http';

const REQUEST_START = 'http.server.request.start';

/** Requests started since the probe loaded, and a hook run on each (the window's series rides on it). */
export interface RequestCounter {
  started(): number;
  /** At most one listener; undefined removes it. */
  onRequest(listener: (() => void) | undefined): void;
}

/**
 * Counts every request node:http starts from now on; a window reads the difference. Subscribed once, at load, after
 * node:http: subscribing changes the channel object's prototype. Subscribing at window start (re-optimising node's
 * http code inside the window), or before node:http had created the channel, measured +6 to +8% service CPU in three
 * runs of 12–24 pairs; subscribing at load after node:http measured −1 to +2.6%, within noise (docs/method.md, probe cost).
 */
export function countRequests(): RequestCounter {
  let started = 0;
  let listener: (() => void) | undefined;
  dc.subscribe(REQUEST_START, () => {
    started++;
    listener?.();
  });
  return { started: () => started, onRequest: (l) => (listener = l) };
}
