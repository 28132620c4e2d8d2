import { mulberry32 } from '../plan/random.js';
import { TRUTH_HEADER, fillPath, formatTruth } from '../../workloads/shape/types.js';

export { fillPath };

/** One entry route of a workload as the generator sees it: where to send and what to draw. */
export interface MixRoute {
  name: string;
  method: 'GET' | 'POST';
  /** Path pattern; each `:param` segment gets a random integer per request. */
  path: string;
  weight: number;
  /** Probability a request is drawn to fail (the services honour the mark). */
  errorRate: number;
  slowRate: number;
}

/** Requests spread over routes by weight, each marked with its ground truth. */
export interface RequestMix {
  routes: MixRoute[];
  seed: number;
  /** Starts every request id, so a warm-up's requests are never mistaken for the window's. @default '' */
  idPrefix?: string;
}

/** Per trial: what the generator sent, and what it drew, in all and per route. */
export interface TruthCounts {
  sent: number;
  drawnError: number;
  drawnSlow: number;
  byRoute: Record<string, { sent: number; drawnError: number; drawnSlow: number }>;
}

export interface MixedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  route: string;
  drawnError: boolean;
}

export function emptyTruthCounts(): TruthCounts {
  return { sent: 0, drawnError: 0, drawnSlow: 0, byRoute: {} };
}

export function addTruthCounts(into: TruthCounts, from: TruthCounts): TruthCounts {
  into.sent += from.sent;
  into.drawnError += from.drawnError;
  into.drawnSlow += from.drawnSlow;
  for (const [route, c] of Object.entries(from.byRoute)) {
    into.byRoute[route] ??= { sent: 0, drawnError: 0, drawnSlow: 0 };
    const r = into.byRoute[route];
    r.sent += c.sent;
    r.drawnError += c.drawnError;
    r.drawnSlow += c.drawnSlow;
  }
  return into;
}

/**
 * A seeded picker for one worker: routes by cumulative weight, error and slow drawn independently at the
 * route's rates, a request id unique within the trial (`<prefix><worker>-<n>`). Seeded so a rerun sends the same mix.
 */
export function createMixPicker(
  mix: RequestMix,
  workerIndex: number,
  baseHeaders: Record<string, string> = {},
): { next(): MixedRequest; counts: TruthCounts } {
  const random = mulberry32((mix.seed ^ Math.imul(workerIndex + 1, 0x9e3779b1)) >>> 0);
  const total = mix.routes.reduce((s, r) => s + r.weight, 0);
  const counts = emptyTruthCounts();
  let n = 0;
  function next(): MixedRequest {
    let pick = random() * total;
    let route = mix.routes[mix.routes.length - 1];
    for (const r of mix.routes) {
      if (pick < r.weight) {
        route = r;
        break;
      }
      pick -= r.weight;
    }
    const error = random() < route.errorRate;
    const slow = random() < route.slowRate;
    const requestId = `${mix.idPrefix ?? ''}${workerIndex}-${n++}`;
    counts.byRoute[route.name] ??= { sent: 0, drawnError: 0, drawnSlow: 0 };
    const perRoute = counts.byRoute[route.name];
    counts.sent++;
    perRoute.sent++;
    if (error) {
      counts.drawnError++;
      perRoute.drawnError++;
    }
    if (slow) {
      counts.drawnSlow++;
      perRoute.drawnSlow++;
    }
    return {
      method: route.method,
      path: fillPath(route.path, random),
      headers: { ...baseHeaders, [TRUTH_HEADER]: formatTruth({ requestId, error, slow }) },
      route: route.name,
      drawnError: error,
    };
  }
  return { next, counts };
}
