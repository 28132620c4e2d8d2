import type { AttributeValue, BiasedHeadOptions } from './biased-head.js';

/** A sampler argument the service cannot use; the message names OTEL_TRACES_SAMPLER_ARG and says how to fix it. */
export class SamplerArgError extends Error {}

const VARIABLE = 'OTEL_TRACES_SAMPLER_ARG';

function describe(arg: string | undefined): string {
  return arg === undefined ? `${VARIABLE} is not set` : `${VARIABLE}=${arg}`;
}

/** A number in [min, max]; `fallback` when unset (undefined: required). */
export function numberArg(
  sampler: string,
  arg: string | undefined,
  words: string,
  range: { min: number; max: number },
  example: string,
  fallback?: number,
): number {
  if ((arg === undefined || arg.trim() === '') && fallback !== undefined) return fallback;
  const value = arg === undefined || arg.trim() === '' ? Number.NaN : Number(arg);
  if (Number.isFinite(value) && value >= range.min && value <= range.max) return value;
  throw new SamplerArgError(`${describe(arg)}: ${sampler} needs ${words}; set e.g. ${VARIABLE}=${example}`);
}

const BIASED_HELP =
  `set ${VARIABLE} to JSON, {"ratio":0.01,"alwaysRoutes":["/api/checkout"],"alwaysAttributes":{"user.tier":"debug"}}, ` +
  `or to the compact form ratio=0.01;route=/api/checkout;user.tier=debug (route= repeats; any other key=value is an attribute)`;

function biasedError(arg: string, problem: string): SamplerArgError {
  return new SamplerArgError(`${VARIABLE}=${arg}: biased ${problem}; ${BIASED_HELP}`);
}

function isAttributeValue(value: unknown): value is AttributeValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function fromJson(arg: string): BiasedHeadOptions {
  let parsed: unknown;
  try {
    parsed = JSON.parse(arg);
  } catch (error) {
    throw biasedError(arg, `is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw biasedError(arg, 'needs a JSON object');
  const { ratio, alwaysRoutes = [], alwaysAttributes = {}, ...rest } = parsed as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0)
    throw biasedError(arg, `has unknown keys ${unknownKeys.join(', ')} (known: ratio, alwaysRoutes, alwaysAttributes)`);
  if (!Array.isArray(alwaysRoutes) || !alwaysRoutes.every((route) => typeof route === 'string'))
    throw biasedError(arg, 'alwaysRoutes must be a list of strings');
  if (
    alwaysAttributes === null ||
    typeof alwaysAttributes !== 'object' ||
    Array.isArray(alwaysAttributes) ||
    !Object.values(alwaysAttributes).every(isAttributeValue)
  ) {
    throw biasedError(arg, 'alwaysAttributes must map keys to strings, numbers or booleans');
  }
  return { ratio: ratio as number, alwaysRoutes, alwaysAttributes: alwaysAttributes as Record<string, AttributeValue> };
}

function fromCompact(arg: string): BiasedHeadOptions {
  let ratio: number | undefined;
  const alwaysRoutes: string[] = [];
  const alwaysAttributes: Record<string, string> = {};
  for (const entry of arg
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw biasedError(arg, `entry '${entry}' is not key=value`);
    const key = entry.slice(0, equals).trim();
    const value = entry.slice(equals + 1).trim();
    if (key === 'ratio') ratio = value === '' ? Number.NaN : Number(value);
    else if (key === 'route') alwaysRoutes.push(value);
    else alwaysAttributes[key] = value;
  }
  return { ratio: ratio as number, alwaysRoutes, alwaysAttributes };
}

/** The biased sampler's options from JSON (starts with `{`) or the compact `key=value;…` form. */
export function biasedArg(arg: string | undefined): BiasedHeadOptions {
  if (arg === undefined || arg.trim() === '')
    throw new SamplerArgError(`${describe(arg)}: biased needs its rules; ${BIASED_HELP}`);
  const options = arg.trim().startsWith('{') ? fromJson(arg) : fromCompact(arg);
  if (typeof options.ratio !== 'number' || !(options.ratio >= 0 && options.ratio <= 1))
    throw biasedError(arg, 'needs ratio, a number between 0 and 1');
  return options;
}
