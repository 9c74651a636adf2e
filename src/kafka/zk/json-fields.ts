// Strict reads of the JSON documents Kafka keeps in znodes: every failure names the znode and the field.
import { KafkaZkDataError } from './errors.js';

export type JsonObject = Record<string, unknown>;

export function parseJsonObject(data: Buffer | Uint8Array | string | null, what: string): JsonObject | null {
  if (data === null || data.length === 0) return null;
  const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new KafkaZkDataError(`${what}: not JSON: ${text}`, { cause: err });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new KafkaZkDataError(`${what}: expected a JSON object, got ${text}`);
  return value as JsonObject;
}

export function requireObject(data: Buffer | Uint8Array | string | null, what: string): JsonObject {
  const obj = parseJsonObject(data, what);
  if (obj === null) throw new KafkaZkDataError(`${what}: no data`);
  return obj;
}

export function int(obj: JsonObject, key: string, what: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new KafkaZkDataError(`${what}: "${key}" must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

export function str(obj: JsonObject, key: string, what: string): string {
  const v = obj[key];
  if (typeof v !== 'string') throw new KafkaZkDataError(`${what}: "${key}" must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function optStr(obj: JsonObject, key: string, what: string): string | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  return str(obj, key, what);
}

export function intArray(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isInteger(x))) {
    throw new KafkaZkDataError(`${what}: expected an array of integers, got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

export function optObject(obj: JsonObject, key: string, what: string): JsonObject | null {
  const v = obj[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new KafkaZkDataError(`${what}: "${key}" must be an object, got ${JSON.stringify(v)}`);
  return v as JsonObject;
}

export function array(obj: JsonObject, key: string, what: string): unknown[] {
  const v = obj[key];
  if (!Array.isArray(v)) throw new KafkaZkDataError(`${what}: "${key}" must be an array, got ${JSON.stringify(v)}`);
  return v;
}

export function utf8(data: Buffer | Uint8Array | string | null): string {
  if (data === null) return '';
  return typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
}

/** Compact JSON with keys in the order the object literal lists them (the order Kafka 2.8 writes). */
export const encodeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
