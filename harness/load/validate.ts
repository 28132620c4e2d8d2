import { EXIT, TracebenchError } from '../errors.js';
import type { ClosedLoopOptions, OpenLoopOptions } from './types.js';

/** Load options that cannot run: every problem at once, each named by its option. */
export class LoadOptionsError extends TracebenchError {
  constructor(readonly issues: string[]) {
    super(`load options: ${issues.join('; ')}`, EXIT.usage);
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** The generator drives only loopback http: services it started, never a remote host. */
function urlIssues(path: string, url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`${path}.url: not a URL: ${JSON.stringify(url)}`];
  }
  const issues: string[] = [];
  if (parsed.protocol !== 'http:') issues.push(`${path}.url: must be http:, got ${parsed.protocol}`);
  if (!LOOPBACK_HOSTS.has(parsed.hostname) && !parsed.hostname.startsWith('127.')) {
    issues.push(`${path}.url: must be on loopback (127.0.0.1, localhost or [::1]), got ${parsed.hostname}`);
  }
  return issues;
}

function positive(path: string, value: number): string[] {
  return Number.isFinite(value) && value > 0 ? [] : [`${path}: must be a positive number, got ${value}`];
}

function positiveInt(path: string, value: number): string[] {
  return Number.isInteger(value) && value > 0 ? [] : [`${path}: must be a positive integer, got ${value}`];
}

export function openLoopIssues(o: OpenLoopOptions, poolThreads: number): string[] {
  const issues = [
    ...urlIssues('openLoop', o.url),
    ...positive('openLoop.rateRps', o.rateRps),
    ...positive('openLoop.durationMs', o.durationMs),
    ...positiveInt('openLoop.threads', o.threads),
    ...positiveInt('openLoop.connections', o.connections),
    ...positive('openLoop.timeoutMs', o.timeoutMs),
  ];
  if (Number.isInteger(o.threads) && o.threads > poolThreads) {
    issues.push(
      `openLoop.threads: ${o.threads} exceeds the pool of ${poolThreads}; create the generator with createLoadGenerator({ threads: ${o.threads} })`,
    );
  }
  return issues;
}

export function closedLoopIssues(o: ClosedLoopOptions): string[] {
  return [
    ...urlIssues('closedLoop', o.url),
    ...positive('closedLoop.durationSeconds', o.durationSeconds),
    ...positiveInt('closedLoop.connections', o.connections),
  ];
}
