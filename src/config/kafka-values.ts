import type { PropertyReader } from './property-reader.js';
import {
  INT32_MAX,
  INT32_MIN,
  INT64_MAX,
  INT64_MIN,
  type KafkaConfigType,
  type KafkaKeyDef,
  type KafkaValidator,
  type KafkaValue,
} from './kafka-key-types.js';
import { KAFKA_KEYS_BY_NAME } from './kafka-keys.js';
import { isKafkaVersion } from './kafka-versions.js';

const INTEGER = /^[+-]?\d+$/;
// Java's Double.parseDouble without hex floats and type suffixes.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const LIST_SEPARATOR = /\s*,\s*/;

const INTEGER_BOUNDS: Partial<Record<KafkaConfigType, [bigint, bigint]>> = {
  SHORT: [-32768n, 32767n],
  INT: [BigInt(INT32_MIN), BigInt(INT32_MAX)],
  LONG: [INT64_MIN, INT64_MAX],
};

/**
 * Parses one key's text as Kafka's ConfigDef would (values are already trimmed), then applies its validator.
 * Failures are ConfigErrors naming the source, line and key: `server.properties:12: num.partitions: expected
 * an integer >= 1, got 'abc'`.
 */
export function parseKafkaValue(r: PropertyReader, def: KafkaKeyDef, text: string): KafkaValue {
  const value = parseByType(r, def, text);
  checkValidator(r, def, value);
  return value;
}

function parseByType(r: PropertyReader, def: KafkaKeyDef, text: string): KafkaValue {
  switch (def.type) {
    case 'SHORT':
    case 'INT':
    case 'LONG': {
      const [typeMin, typeMax] = INTEGER_BOUNDS[def.type]!;
      if (!INTEGER.test(text)) throw r.fail(def.name, integerExpectation(def));
      const parsed = BigInt(text);
      if (parsed < typeMin || parsed > typeMax) {
        const min = validatorMin(def.validator) ?? typeMin;
        throw r.fail(def.name, `an integer from ${min} to ${typeMax}`);
      }
      return def.type === 'LONG' ? parsed : Number(parsed);
    }
    case 'DOUBLE': {
      if (DECIMAL.test(text)) return Number(text);
      if (/^[+-]?Infinity$/.test(text)) return Number(text);
      throw r.fail(def.name, 'a number');
    }
    case 'BOOLEAN': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw r.fail(def.name, "'true' or 'false'");
    }
    case 'LIST':
      return text === '' ? [] : text.split(LIST_SEPARATOR);
    case 'CLASS':
      if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(text)) throw r.fail(def.name, 'a Java class name');
      return text;
    case 'STRING':
    case 'PASSWORD':
      return text;
  }
}

function validatorMin(validator: KafkaValidator | undefined): bigint | undefined {
  if (validator?.kind === 'atLeast' || validator?.kind === 'between') return BigInt(validator.min);
  return undefined;
}

function integerExpectation(def: KafkaKeyDef): string {
  const v = def.validator;
  if (v?.kind === 'atLeast') return `an integer >= ${v.min}`;
  if (v?.kind === 'between') return `an integer from ${v.min} to ${v.max}`;
  return 'an integer';
}

function checkValidator(r: PropertyReader, def: KafkaKeyDef, value: KafkaValue): void {
  const v = def.validator;
  if (v === undefined || value === null) return;
  switch (v.kind) {
    case 'atLeast':
    case 'between': {
      // Only small bounds occur, so comparing as doubles is exact enough even for LONG values.
      const n = Number(value as number | bigint);
      if (n < v.min || (v.kind === 'between' && n > v.max)) {
        throw r.fail(def.name, def.type === 'DOUBLE' ? numberExpectation(v) : integerExpectation(def));
      }
      return;
    }
    case 'in':
      if (!v.values.includes(value as string)) throw r.fail(def.name, `one of ${v.values.join(', ')}`);
      return;
    case 'listIn':
      for (const item of value as readonly string[]) {
        if (!v.values.includes(item)) throw r.fail(def.name, `a comma-separated list of ${v.values.join(', ')}`);
      }
      return;
    case 'version':
      if (!isKafkaVersion(value as string)) throw r.fail(def.name, 'a Kafka version from 0.8.0 to 2.8 (such as 2.8 or 2.8-IV1)');
      return;
  }
}

function numberExpectation(v: KafkaValidator): string {
  if (v.kind === 'atLeast') return `a number >= ${v.min}`;
  if (v.kind === 'between') return `a number from ${v.min} to ${v.max}`;
  return 'a number';
}

/**
 * Kafka's text form of a value, as DescribeConfigs reports it: lists comma-joined, null as null, doubles as
 * Java's Double.toString writes them. The key's type is needed to tell a DOUBLE 1.0 from an INT 1.
 */
export function formatKafkaValue(value: KafkaValue, type?: KafkaConfigType): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  if (type === 'DOUBLE' && typeof value === 'number') return javaDoubleString(value);
  return String(value);
}

function javaDoubleString(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  const magnitude = Math.abs(x);
  if (x === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) {
    const text = String(x);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

export function sameKafkaValue(a: KafkaValue, b: KafkaValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => item === b[i]);
  return a === b;
}

/** Typed reads of the parsed values; a name/type mismatch is a programming error in the tables. */
export interface TypedValues {
  int(key: string): number;
  optInt(key: string): number | undefined;
  long(key: string): number;
  optLong(key: string): number | undefined;
  double(key: string): number;
  bool(key: string): boolean;
  string(key: string): string;
  optString(key: string): string | undefined;
  list(key: string): readonly string[];
}

export function typedGetter(values: ReadonlyMap<string, KafkaValue>): TypedValues {
  const read = (key: string, types: readonly string[]): KafkaValue => {
    const def = KAFKA_KEYS_BY_NAME.get(key);
    if (def === undefined || !types.includes(def.type)) throw new Error(`no ${types.join('/')} key ${key} in the Kafka key table`);
    return values.get(key)!;
  };
  const clamp = (v: bigint): number =>
    v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : v < BigInt(Number.MIN_SAFE_INTEGER) ? Number.MIN_SAFE_INTEGER : Number(v);
  const typed: TypedValues = {
    int: (key) => typed.optInt(key) ?? failNull(key),
    optInt: (key) => (read(key, ['INT', 'SHORT']) as number | null) ?? undefined,
    long: (key) => typed.optLong(key) ?? failNull(key),
    optLong: (key) => {
      const v = read(key, ['LONG']) as bigint | null;
      return v === null ? undefined : clamp(v);
    },
    double: (key) => read(key, ['DOUBLE']) as number,
    bool: (key) => read(key, ['BOOLEAN']) as boolean,
    string: (key) => typed.optString(key) ?? failNull(key),
    optString: (key) => (read(key, ['STRING', 'CLASS', 'PASSWORD']) as string | null) ?? undefined,
    list: (key) => read(key, ['LIST']) as readonly string[],
  };
  return typed;
}

function failNull(key: string): never {
  throw new Error(`Kafka key ${key} has no default and no value`);
}
