import type { Int64Like } from './otlp-trace-proto.js';
import { TRIAL_ID_ATTRIBUTE } from './types.js';

export type AttributeValue = string | number | boolean;

/** An OTLP AnyValue as protobufjs decodes it or as OTLP JSON carries it. */
export interface AnyValueLike {
  stringValue?: unknown;
  boolValue?: unknown;
  intValue?: unknown;
  doubleValue?: unknown;
  arrayValue?: { values?: unknown };
  kvlistValue?: { values?: unknown };
  bytesValue?: unknown;
}

interface KeyValueLike {
  key?: unknown;
  value?: AnyValueLike;
}

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const has = (object: object, key: string): boolean => Object.hasOwn(object, key);

/** 64-bit integers arrive as Long, number or decimal string; `signed` applies to Long only. */
export function toBigInt(value: unknown, signed = false): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
  if (typeof value === 'string') return value === '' ? 0n : BigInt(value);
  if (value !== null && typeof value === 'object' && 'low' in value && 'high' in value) {
    const long = value as Exclude<Int64Like, number>;
    const bits = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
    return signed && !long.unsigned ? BigInt.asIntN(64, bits) : bits;
  }
  return 0n;
}

export function bytesToHex(bytes: Uint8Array | ArrayLike<number> | undefined): string {
  if (!bytes || bytes.length === 0) return '';
  const buffer =
    bytes instanceof Uint8Array
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      : Buffer.from(Array.from(bytes));
  return buffer.toString('hex');
}

/** OTLP JSON ids are hex by the spec; some senders use protobuf-JSON base64, so accept both. */
export function jsonIdToHex(id: unknown, byteLength: number): string {
  if (typeof id !== 'string' || id === '') return '';
  if (id.length === byteLength * 2 && /^[0-9a-fA-F]+$/.test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

function plainValue(value: AnyValueLike | undefined): unknown {
  if (value === null || typeof value !== 'object') return '';
  if (has(value, 'stringValue')) return String(value.stringValue);
  if (has(value, 'boolValue')) return value.boolValue === true || value.boolValue === 'true';
  if (has(value, 'intValue')) return Number(toBigInt(value.intValue, true));
  if (has(value, 'doubleValue')) return Number(value.doubleValue);
  if (has(value, 'arrayValue')) {
    const values = value.arrayValue?.values;
    return Array.isArray(values) ? values.map((item) => plainValue(item as AnyValueLike)) : [];
  }
  if (has(value, 'kvlistValue')) return attributesFromKeyValues(value.kvlistValue?.values, plainValue);
  if (has(value, 'bytesValue')) {
    const bytes = value.bytesValue;
    return typeof bytes === 'string' ? bytes : Buffer.from(bytes as Uint8Array).toString('base64');
  }
  return '';
}

/** Arrays and maps become JSON strings: ReceivedSpan keeps flat attributes only. */
export function toAttributeValue(value: AnyValueLike | undefined): AttributeValue {
  const plain = plainValue(value);
  return typeof plain === 'object' ? JSON.stringify(plain) : (plain as AttributeValue);
}

function attributesFromKeyValues<T>(
  keyValues: unknown,
  convert: (value: AnyValueLike | undefined) => T,
): Record<string, T> {
  const attributes: Record<string, T> = {};
  if (!Array.isArray(keyValues)) return attributes;
  for (const keyValue of keyValues as KeyValueLike[]) {
    if (keyValue && typeof keyValue.key === 'string') attributes[keyValue.key] = convert(keyValue.value);
  }
  return attributes;
}

export function toAttributes(keyValues: unknown): Record<string, AttributeValue> {
  return attributesFromKeyValues(keyValues, toAttributeValue);
}

/** Finds one attribute's value as a string without converting every resource attribute; undefined when absent. */
export function stringAttributeOf(keyValues: unknown, key: string): string | undefined {
  if (!Array.isArray(keyValues)) return undefined;
  const entry = (keyValues as KeyValueLike[]).find((keyValue) => keyValue?.key === key);
  return entry ? String(toAttributeValue(entry.value)) : undefined;
}

export function serviceNameOf(keyValues: unknown): string {
  return stringAttributeOf(keyValues, 'service.name') ?? '';
}

/** The trial a resource's spans belong to: its `tracebench.trial.id` attribute; null when absent or empty. */
export function trialIdOf(keyValues: unknown): string | null {
  return stringAttributeOf(keyValues, TRIAL_ID_ATTRIBUTE) || null;
}
