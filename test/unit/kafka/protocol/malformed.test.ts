// Malformed input: every failure is a KafkaDecodeError (never a RangeError from Buffer, never a huge
// allocation driven by a length prefix).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compiledCodec, decodeMessage, decodeRequest, encodeMessage, encodeRequest, interpretedCodec } from '../../../../src/kafka/protocol/codec.js';
import { KafkaDecodeError } from '../../../../src/kafka/protocol/decode-error.js';
import { KafkaReader } from '../../../../src/kafka/protocol/reader.js';
import type { MessageSchema } from '../../../../src/kafka/protocol/schema.js';
import { ApiKey, REQUEST_SCHEMAS, RESPONSE_SCHEMAS } from '../../../../src/kafka/protocol/schemas/index.js';

const hex = (s: string) => Buffer.from(s.replace(/#.*$/gm, '').replace(/[\s|]/g, ''), 'hex');
const isDecodeError = (err: unknown) => err instanceof KafkaDecodeError;

const records = Buffer.alloc(300, 7);
const samples: [string, MessageSchema, number, unknown][] = [
  [
    'Produce v8 request',
    REQUEST_SCHEMAS[ApiKey.Produce],
    8,
    { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: 'orders', partitionData: [{ index: 0, records }] }] },
  ],
  [
    'Metadata v9 response (flexible)',
    RESPONSE_SCHEMAS[ApiKey.Metadata],
    9,
    {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
      clusterId: 'c1',
      controllerId: 1,
      topics: [{ errorCode: 0, name: 't', isInternal: false, partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }], topicAuthorizedOperations: -2147483648 }],
      clusterAuthorizedOperations: -2147483648,
    },
  ],
  [
    'ApiVersions v3 response with a tagged field',
    RESPONSE_SCHEMAS[ApiKey.ApiVersions],
    3,
    { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 0, maxVersion: 9 }], throttleTimeMs: 0, zkMigrationReady: true },
  ],
];

test('a message truncated at every byte throws KafkaDecodeError', () => {
  for (const [name, schema, version, value] of samples) {
    const bytes = encodeMessage(schema, version, value);
    assert.deepEqual(decodeMessage(schema, version, bytes), decodeMessage(schema, version, Buffer.from(bytes)), name);
    for (let cut = 0; cut < bytes.length; cut++) {
      assert.throws(() => decodeMessage(schema, version, bytes, 0, cut), isDecodeError, `${name} cut at ${cut}`);
    }
  }
  const frame = Buffer.concat(encodeRequest({ apiKey: ApiKey.Produce, apiVersion: 8, correlationId: 1, clientId: 'c' }, samples[0][3] as never)).subarray(4);
  for (let cut = 0; cut < frame.length; cut++) assert.throws(() => decodeRequest(frame, 0, cut), isDecodeError, `request frame cut at ${cut}`);
});

test('length prefixes larger than the bytes left fail before allocating', () => {
  const metadataRequest = REQUEST_SCHEMAS[ApiKey.Metadata];
  // Metadata v1: topics array claiming 2^31-1 elements in a 4-byte body.
  assert.throws(() => decodeMessage(metadataRequest, 1, hex('7fffffff')), /2147483647 elements but only 0 bytes remain/);
  // Metadata v9 (compact): the largest unsigned varint length.
  assert.throws(() => decodeMessage(metadataRequest, 9, hex('ffffffff0f')), /elements but only/);
  // Produce v3: records of 2 GiB declared, 3 bytes present.
  const produce = REQUEST_SCHEMAS[ApiKey.Produce];
  assert.throws(() => decodeMessage(produce, 3, hex('ffff ffff 00007530 00000001 0001 74 00000001 00000000 7fffffff 010203')), (err: unknown) => isDecodeError(err) && /need 2147483647 bytes/.test((err as Error).message));
  // A string longer than int16 allows, in compact form.
  const apiVersionsRequest = REQUEST_SCHEMAS[ApiKey.ApiVersions];
  assert.throws(() => decodeMessage(apiVersionsRequest, 3, hex('ffff03')), /exceeds 32767/);
  // A tagged field whose size runs past the end.
  assert.throws(() => decodeMessage(apiVersionsRequest, 3, hex('01 01 01 07 ff 00')), isDecodeError);
  // A varint that never ends.
  assert.throws(() => decodeMessage(apiVersionsRequest, 3, hex('ffffffffffff')), /varint longer than 5 bytes/);
});

test('negative lengths are refused where the field is not nullable', () => {
  const metadataRequest = REQUEST_SCHEMAS[ApiKey.Metadata];
  assert.throws(() => decodeMessage(metadataRequest, 0, hex('ffffffff')), /non-nullable array is null/); // v0 topics: not nullable
  assert.deepEqual(decodeMessage(metadataRequest, 1, hex('ffffffff')).topics, null); // v1: nullable
  assert.throws(() => decodeMessage(metadataRequest, 1, hex('fffffffe')), /negative array length -2/);
  // Metadata v1 topic name (string, not nullable) = -1.
  assert.throws(() => decodeMessage(metadataRequest, 1, hex('00000001 ffff')), /non-nullable string is null/);
  assert.throws(() => decodeMessage(metadataRequest, 1, hex('00000001 fff0')), /negative string length/);
  // SaslAuthenticate v0 auth bytes (not nullable) = -1 and -5.
  const sasl = REQUEST_SCHEMAS[ApiKey.SaslAuthenticate];
  assert.throws(() => decodeMessage(sasl, 0, hex('ffffffff')), /non-nullable bytes are null/);
  assert.throws(() => decodeMessage(sasl, 0, hex('fffffffb')), /negative bytes length -5/);
  // Compact non-nullable string encoded as null (varint 0): Metadata v9 topic name is nullable only from v10.
  assert.throws(() => decodeMessage(metadataRequest, 9, hex('02 00')), /non-nullable compact string is null/);
});

test('bytes left over after a message, or a version the schema lacks, are decode errors', () => {
  const heartbeat = RESPONSE_SCHEMAS[ApiKey.Heartbeat];
  assert.throws(() => decodeMessage(heartbeat, 0, hex('0000 00')), /1 bytes left/);
  for (const version of [-1, 5, 1.5, 70000]) {
    assert.throws(() => decodeMessage(heartbeat, version, hex('0000')), (err: unknown) => isDecodeError(err) && /has no version/.test((err as Error).message));
  }
});

/** A seeded xorshift32 generator of numbers in [0, 1), so a failing round replays. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
}

test('seeded random corruption of valid messages only ever throws KafkaDecodeError', () => {
  const random = seededRandom(0x2545f491);
  let decoded = 0;
  for (const [name, schema, version, value] of samples) {
    const clean = encodeMessage(schema, version, value);
    for (let round = 0; round < 1500; round++) {
      const bytes = Buffer.from(clean);
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        decodeMessage(schema, version, bytes);
        decoded++;
      } catch (err) {
        assert.ok(isDecodeError(err), `${name} round ${round}: ${(err as Error).name}: ${(err as Error).message}`);
      }
    }
  }
  assert.ok(decoded > 0, 'some corruptions (inside values) still decode');
});

/** A reader's outcome on bytes: the value and where it stopped, or the error and its offset. */
function outcome(read: (r: KafkaReader) => unknown, bytes: Buffer): unknown {
  const r = new KafkaReader(bytes, 0, bytes.length);
  try {
    return { value: read(r), pos: r.pos };
  } catch (err) {
    return { error: (err as Error).name, message: (err as Error).message, offset: (err as KafkaDecodeError).offset };
  }
}

test('the interpreted and the compiled readers fail alike on corrupt input', () => {
  // ApiVersions v3 response: zkMigrationReady (tag 3, a bool) declared 2 bytes long.
  const apiVersions = RESPONSE_SCHEMAS[ApiKey.ApiVersions];
  const short = hex('0000 02 0000 0000 0009 00 | 00000000 | 01 03 02 01 00');
  for (const codec of [compiledCodec(apiVersions, 3), interpretedCodec(apiVersions, 3)]) {
    assert.throws(() => codec.read(new KafkaReader(short, 0, short.length)), /tagged field 3 of ApiVersionsResponse v3 used 1 of 2 bytes/);
  }
  const random = seededRandom(0x9e3779b9);
  for (const [name, schema, version, value] of samples) {
    const compiled = compiledCodec(schema, version);
    const interpreted = interpretedCodec(schema, version);
    const clean = encodeMessage(schema, version, value);
    for (let round = 0; round < 500; round++) {
      const bytes = Buffer.from(clean);
      const flips = 1 + Math.floor(random() * 4);
      for (let i = 0; i < flips; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      assert.deepStrictEqual(outcome(interpreted.read, bytes), outcome(compiled.read, bytes), `${name} round ${round}`);
    }
  }
});
