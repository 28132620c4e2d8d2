import type { IncomingHttpHeaders } from 'node:http';
import { TRUTH_HEADER, parseTruth, type RouteShape } from './types.js';

/** What a request was drawn to do, as the entry service resolved it; forwarded to every service it reaches. */
export interface RequestMarks {
  /** The truth header, forwarded as it came. */
  truthHeader?: string;
  /** The span (by name) that fails for this request. */
  failAt?: string;
  /** The span (by name) that waits `slowExtraUs` longer for this request. */
  slowAt?: string;
  slowExtraUs: number;
}

export const NO_MARKS: RequestMarks = { slowExtraUs: 0 };

/** Carries the resolved marks (which span fails or is slow) from the entry service to the services it reaches. */
export const MARKS_HEADER = 'x-tracebench-marks';

export function marksHeaders(marks: RequestMarks): Record<string, string> {
  const headers: Record<string, string> = {};
  if (marks.truthHeader) headers[TRUTH_HEADER] = marks.truthHeader;
  const parts: string[] = [];
  if (marks.failAt) parts.push(`fa=${encodeURIComponent(marks.failAt)}`);
  if (marks.slowAt) parts.push(`sa=${encodeURIComponent(marks.slowAt)}`, `sx=${marks.slowExtraUs}`);
  if (parts.length > 0) headers[MARKS_HEADER] = parts.join(';');
  return headers;
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The marks of an incoming request: forwarded ones when an upstream service resolved them, else resolved here
 * from the truth header and this route's error and slow settings (this service is where the request entered).
 */
export function marksOf(headers: IncomingHttpHeaders, route?: RouteShape): RequestMarks {
  const truthHeader = one(headers[TRUTH_HEADER]);
  const forwarded = one(headers[MARKS_HEADER]);
  if (forwarded !== undefined) {
    const fields = new Map(
      forwarded
        .split(';')
        .map((kv) => [kv.slice(0, kv.indexOf('=')), decodeURIComponent(kv.slice(kv.indexOf('=') + 1))]),
    );
    return {
      truthHeader,
      failAt: fields.get('fa'),
      slowAt: fields.get('sa'),
      slowExtraUs: Number(fields.get('sx') ?? 0),
    };
  }
  const truth = parseTruth(truthHeader);
  if (!truth || !route) return { ...NO_MARKS, truthHeader };
  return {
    truthHeader,
    failAt: truth.error && route.error ? (route.error.at ?? route.root.name) : undefined,
    slowAt: truth.slow && route.slow ? (route.slow.at ?? route.root.name) : undefined,
    slowExtraUs: truth.slow && route.slow ? route.slow.extraWaitUs : 0,
  };
}
