// Every version of every generated schema round-trips: a value that sets every field present at that
// version (once with nulls/defaults/no tagged fields, once with non-null, non-default values, tagged
// fields and an unknown tag) encodes, decodes to the same value, and re-encodes to the same bytes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compiledCodec, decodeMessage, encodeMessage, interpretedCodec, isFlexible, parseVersions } from '../../../../src/kafka/protocol/codec.js';
import { KafkaReader } from '../../../../src/kafka/protocol/reader.js';
import { KafkaWriter } from '../../../../src/kafka/protocol/writer.js';
import { defaultValue, inVersions } from '../../../../src/kafka/protocol/compile.js';
import type { FieldSchema, MessageSchema } from '../../../../src/kafka/protocol/schema.js';
import {
  DATA_SCHEMAS,
  REQUEST_SCHEMAS,
  RESPONSE_SCHEMAS,
  RequestHeaderSchema,
  ResponseHeaderSchema,
} from '../../../../src/kafka/protocol/schemas/index.js';

type Variant = 'empty' | 'full';

function primitive(type: string, variant: Variant, nullable: boolean, seed: number): unknown {
  const full = variant === 'full';
  switch (type) {
    case 'bool':
      return full;
    case 'int8':
      return full ? -100 + (seed % 50) : 0;
    case 'int16':
      return full ? -30000 + seed : 0;
    case 'uint16':
      return full ? 65000 + (seed % 500) : 0;
    case 'int32':
      return full ? -2_000_000_000 + seed : 0;
    case 'uint32':
      return full ? 4_000_000_000 + seed : 0;
    case 'int64':
      return full ? -9_000_000_000_000_000_000n + BigInt(seed) : 0n;
    case 'float64':
      return full ? 1.25 + seed : 0;
    case 'uuid':
      return full ? Buffer.alloc(16, seed % 256).toString('base64url') : 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'string':
      return full ? `zkafka-é-${seed}` : nullable ? null : '';
    case 'bytes':
    case 'records':
      return full ? Buffer.from([seed % 256, 1, 2, 3]) : nullable ? null : Buffer.alloc(0);
    default:
      throw new Error(`unexpected type ${type}`);
  }
}

let seed = 1;

/** A value for `fields` at `version`: present fields per the variant, absent ones at their default. */
function sample(fields: FieldSchema[], version: number, flexible: boolean, variant: Variant, top: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) {
    const present = inVersions(f.versions, version);
    const tagged = f.tag !== undefined && flexible && inVersions(f.taggedVersions, version);
    if (!present || (tagged && variant === 'empty')) {
      o[f.name] = defaultValue(f);
      continue;
    }
    const nullable = inVersions(f.nullableVersions, version);
    const elem = f.type.replace(/^\[\]/, '');
    const makeOne = (): unknown =>
      f.fields !== undefined ? sample(f.fields, version, flexible, variant, false) : primitive(elem, variant, false, seed++);
    if (f.type.startsWith('[]')) {
      o[f.name] = variant === 'full' ? [makeOne(), makeOne()] : nullable ? null : [];
    } else if (f.fields !== undefined) {
      o[f.name] = variant === 'empty' && nullable ? null : makeOne();
    } else {
      o[f.name] = primitive(elem, variant, nullable, seed++);
    }
  }
  if (top && flexible && variant === 'full') o.unknownTaggedFields = [{ tag: 9999, data: Buffer.from('kept') }];
  return o;
}

function allSchemas(): MessageSchema[] {
  return [
    RequestHeaderSchema,
    ResponseHeaderSchema,
    ...Object.values(REQUEST_SCHEMAS),
    ...Object.values(RESPONSE_SCHEMAS),
    ...Object.values(DATA_SCHEMAS),
  ];
}

/** Every valid version of every schema, with whether it is flexible. */
function* everyVersion(): Generator<{ schema: MessageSchema; v: number; flexible: boolean }> {
  for (const schema of allSchemas()) {
    const [min, max] = parseVersions(schema.validVersions)!;
    for (let v = min; v <= max; v++) yield { schema, v, flexible: isFlexible(schema, v) };
  }
}

test('every version of every schema round-trips with nulls/defaults and with full values', () => {
  let versions = 0;
  for (const { schema, v, flexible } of everyVersion()) {
    for (const variant of ['empty', 'full'] as const) {
      const value = sample(schema.fields, v, flexible, variant, true);
      const where = `${schema.name} v${v} (${variant})`;
      let bytes: Buffer;
      try {
        bytes = Buffer.from(encodeMessage(schema, v, value));
      } catch (err) {
        assert.fail(`${where} does not encode: ${(err as Error).message}`);
      }
      const decoded = decodeMessage(schema, v, bytes);
      assert.deepStrictEqual(decoded, value, where);
      assert.ok(encodeMessage(schema, v, decoded).equals(bytes), `${where} re-encodes differently`);
    }
    versions++;
  }
  assert.ok(versions >= 650, `only ${versions} message versions exercised`);
});

/** What a reader does with bytes: the value and where it stopped, or the error it threw and at which offset. */
function readOutcome(read: (r: KafkaReader) => unknown, bytes: Buffer): unknown {
  const r = new KafkaReader(bytes, 0, bytes.length);
  try {
    return { value: read(r), pos: r.pos };
  } catch (err) {
    return { error: (err as Error).name, message: (err as Error).message, offset: (err as { offset?: number }).offset };
  }
}

function writeOutcome(write: (w: KafkaWriter, v: unknown) => void, value: unknown): unknown {
  const w = new KafkaWriter();
  try {
    write(w, value);
    return w.toBuffer();
  } catch (err) {
    return { error: (err as Error).name, message: (err as Error).message };
  }
}

test('the interpreted codec writes and reads every version of every schema exactly as the compiled one', () => {
  let compared = 0;
  for (const { schema, v, flexible } of everyVersion()) {
    const compiled = compiledCodec(schema, v);
    const interpreted = interpretedCodec(schema, v);
    for (const variant of ['empty', 'full'] as const) {
      const value = sample(schema.fields, v, flexible, variant, true);
      const where = `${schema.name} v${v} (${variant})`;
      const bytes = writeOutcome(compiled.write, value) as Buffer;
      assert.deepStrictEqual(writeOutcome(interpreted.write, value), bytes, `${where}: written`);
      // Every prefix too: both fail at the same offset with the same message, or read the same value.
      for (let end = 0; end <= bytes.length; end += Math.max(1, bytes.length >> 4)) {
        assert.deepStrictEqual(readOutcome(interpreted.read, bytes.subarray(0, end)), readOutcome(compiled.read, bytes.subarray(0, end)), `${where}: read of ${end} bytes`);
      }
      assert.deepStrictEqual(readOutcome(interpreted.read, bytes), readOutcome(compiled.read, bytes), `${where}: read`);
      // A field that may not be null set to null, and a field absent at this version set to a non-default.
      const broken = { ...value };
      for (const f of schema.fields) {
        if (!inVersions(f.nullableVersions, v) && f.type !== 'bool' && !/int|float|uuid/.test(f.type)) broken[f.name] = null;
        else if (!inVersions(f.versions, v) && f.ignorable !== true && f.type === 'int32') broken[f.name] = 7;
      }
      assert.deepStrictEqual(writeOutcome(interpreted.write, broken), writeOutcome(compiled.write, broken), `${where}: broken value`);
      compared++;
    }
  }
  assert.ok(compared >= 1300, `only ${compared} values compared`);
});

test('fields left undefined are written as their defaults and decode as defaults', () => {
  const schema = REQUEST_SCHEMAS[3]; // Metadata
  const bytes = encodeMessage(schema, 4, { topics: null });
  // v4: topics null (int32 -1), allowAutoTopicCreation defaults to true.
  assert.deepEqual([...bytes], [0xff, 0xff, 0xff, 0xff, 1]);
  const decoded = decodeMessage(schema, 4, bytes);
  assert.deepEqual(decoded, { topics: null, allowAutoTopicCreation: true, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false });
});
