import assert from 'node:assert/strict';
import { test } from 'node:test';

import { KafkaDecodeError } from '../../../../src/kafka/protocol/decode-error.js';
import {
  readUnsignedVarint,
  readVarint,
  readVarlong,
  readVarlongNumber,
  sizeOfUnsignedVarint,
  sizeOfVarint,
  sizeOfVarlong,
  writeUnsignedVarint,
  writeVarint,
  writeVarlong,
} from '../../../../src/kafka/protocol/varint.js';

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

// Vectors from the protobuf encoding that Kafka's ByteUtils implements.
const unsignedCases: [number, string][] = [
  [0, '00'],
  [1, '01'],
  [127, '7f'],
  [128, '80 01'],
  [300, 'ac 02'],
  [16383, 'ff 7f'],
  [16384, '80 80 01'],
  [0x7fffffff, 'ff ff ff ff 07'],
  [0xffffffff, 'ff ff ff ff 0f'],
];
const signedCases: [number, string][] = [
  [0, '00'],
  [-1, '01'],
  [1, '02'],
  [-64, '7f'],
  [64, '80 01'],
  [2147483647, 'fe ff ff ff 0f'],
  [-2147483648, 'ff ff ff ff 0f'],
];
const longCases: [bigint, string][] = [
  [0n, '00'],
  [-1n, '01'],
  [1n, '02'],
  [1_700_000_000_000n, '80 a0 ab fe f9 62'],
  [9223372036854775807n, 'fe ff ff ff ff ff ff ff ff 01'],
  [-9223372036854775808n, 'ff ff ff ff ff ff ff ff ff 01'],
];

test('unsigned varint encodes, decodes and sizes the protobuf vectors', () => {
  for (const [value, bytes] of unsignedCases) {
    const want = hex(bytes);
    const buf = Buffer.alloc(5);
    assert.equal(writeUnsignedVarint(buf, 0, value), want.length, `write ${value}`);
    assert.deepEqual(buf.subarray(0, want.length), want);
    assert.equal(sizeOfUnsignedVarint(value), want.length);
    const cursor = { pos: 0 };
    assert.equal(readUnsignedVarint(want, cursor), value);
    assert.equal(cursor.pos, want.length);
  }
});

test('zigzag varint encodes, decodes and sizes int32 vectors', () => {
  for (const [value, bytes] of signedCases) {
    const want = hex(bytes);
    const buf = Buffer.alloc(5);
    assert.equal(writeVarint(buf, 0, value), want.length);
    assert.deepEqual(buf.subarray(0, want.length), want);
    assert.equal(sizeOfVarint(value), want.length);
    assert.equal(readVarint(want, { pos: 0 }), value);
  }
});

test('zigzag varlong encodes, decodes and sizes int64 vectors', () => {
  for (const [value, bytes] of longCases) {
    const want = hex(bytes);
    const buf = Buffer.alloc(10);
    assert.equal(writeVarlong(buf, 0, value), want.length);
    assert.deepEqual(buf.subarray(0, want.length), want);
    assert.equal(sizeOfVarlong(value), want.length);
    assert.equal(readVarlong(want, { pos: 0 }), value);
    if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) {
      assert.equal(readVarlongNumber(want, { pos: 0 }), Number(value));
      assert.equal(writeVarlong(Buffer.alloc(10), 0, Number(value)), want.length);
    } else {
      assert.throws(() => readVarlongNumber(want, { pos: 0 }), KafkaDecodeError);
    }
  }
});

test('readVarlongNumber agrees with readVarlong around 2^53', () => {
  for (const v of [2n ** 53n - 1n, -(2n ** 53n - 1n), 2n ** 48n, -(2n ** 48n) - 1n, 123456789012345n]) {
    const buf = Buffer.alloc(10);
    const end = writeVarlong(buf, 0, v);
    const cursor = { pos: 0 };
    assert.equal(readVarlongNumber(buf, cursor, end), Number(v));
    assert.equal(cursor.pos, end);
  }
});

test('truncated and over-long varints throw KafkaDecodeError and leave the cursor', () => {
  const cursor = { pos: 0 };
  assert.throws(() => readUnsignedVarint(hex('80 80'), cursor), KafkaDecodeError);
  assert.throws(() => readUnsignedVarint(hex('ff ff ff ff ff 01'), cursor), KafkaDecodeError);
  assert.throws(() => readUnsignedVarint(hex('ff ff ff ff 1f'), cursor), KafkaDecodeError); // > 32 bits
  assert.throws(() => readVarlong(hex('ff ff ff ff ff ff ff ff ff ff 01'), cursor), KafkaDecodeError);
  assert.throws(() => readVarint(hex('80 01'), cursor, 1), KafkaDecodeError); // end bound respected
  assert.equal(cursor.pos, 0);
});
