/**
 * Kafka's variable-length integers (protobuf style, little-endian groups of 7 bits, high bit = more).
 *
 * - unsigned varint: 32-bit unsigned (lengths, tag numbers in flexible versions); at most 5 bytes.
 * - varint: 32-bit signed, zigzag encoded (record fields: lengths, offset deltas, header counts); at most 5 bytes.
 * - varlong: 64-bit signed, zigzag encoded (record timestamp deltas); at most 10 bytes.
 *
 * Readers take a cursor ({ pos }) that they advance, plus the exclusive end of the readable region,
 * and throw KafkaDecodeError instead of reading past it. Writers write at `offset` into a buffer the
 * caller has sized (use the sizeOf* functions, or reserve 5 / 10 bytes) and return the offset after
 * the written bytes.
 */
import { KafkaDecodeError } from './decode-error.js';

/** Anything with a read position; KafkaReader is one, a plain `{ pos: 0 }` is another. */
export interface Cursor {
  pos: number;
}

export const MAX_VARINT_BYTES = 5;
export const MAX_VARLONG_BYTES = 10;

export function readUnsignedVarint(buf: Uint8Array, cursor: Cursor, end = buf.length): number {
  let pos = cursor.pos;
  if (pos < end) {
    const b = buf[pos];
    if (b < 0x80) {
      cursor.pos = pos + 1;
      return b;
    }
  }
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw new KafkaDecodeError(`varint truncated at ${pos}`, pos);
    const b = buf[pos++];
    // Multiplication instead of << keeps bit 31 from turning the result negative.
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      if (value > 0xffffffff) throw new KafkaDecodeError(`unsigned varint exceeds 32 bits at ${cursor.pos}`, cursor.pos);
      cursor.pos = pos;
      return value;
    }
  }
  throw new KafkaDecodeError(`varint longer than ${MAX_VARINT_BYTES} bytes at ${cursor.pos}`, cursor.pos);
}

/** Zigzag-decoded 32-bit signed varint. */
export function readVarint(buf: Uint8Array, cursor: Cursor, end = buf.length): number {
  const raw = readUnsignedVarint(buf, cursor, end);
  return (raw >>> 1) ^ -(raw & 1);
}

/** Zigzag-decoded 64-bit signed varlong as a bigint. */
export function readVarlong(buf: Uint8Array, cursor: Cursor, end = buf.length): bigint {
  let pos = cursor.pos;
  let lo = 0; // bits 0..27 as a number (4 groups)
  let hi = 0n;
  for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
    if (pos >= end) throw new KafkaDecodeError(`varlong truncated at ${pos}`, pos);
    const b = buf[pos++];
    if (i < 4) lo |= (b & 0x7f) << (7 * i);
    else hi |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) {
      cursor.pos = pos;
      const raw = BigInt.asUintN(64, hi | BigInt(lo >>> 0));
      return (raw >> 1n) ^ -(raw & 1n);
    }
  }
  throw new KafkaDecodeError(`varlong longer than ${MAX_VARLONG_BYTES} bytes at ${cursor.pos}`, cursor.pos);
}

/**
 * Zigzag-decoded varlong as a number, for values known to stay within ±2^53 (timestamp deltas).
 * Throws KafkaDecodeError when the value is not a safe integer rather than silently losing precision.
 */
export function readVarlongNumber(buf: Uint8Array, cursor: Cursor, end = buf.length): number {
  const start = cursor.pos;
  let pos = start;
  let raw = 0;
  for (let shift = 0; shift < 49; shift += 7) {
    if (pos >= end) throw new KafkaDecodeError(`varlong truncated at ${pos}`, pos);
    const b = buf[pos++];
    raw += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) {
      cursor.pos = pos;
      // zigzag without 32-bit operators (raw < 2^49 here): even → n/2, odd → -(n+1)/2
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
  }
  const big = readVarlong(buf, cursor, end);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
    cursor.pos = start;
    throw new KafkaDecodeError(`varlong ${big} is not a safe integer at ${start}`, start);
  }
  return Number(big);
}

export function sizeOfUnsignedVarint(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

export function sizeOfVarint(value: number): number {
  return sizeOfUnsignedVarint(((value << 1) ^ (value >> 31)) >>> 0);
}

export function sizeOfVarlong(value: bigint | number): number {
  let raw = zigzag64(value);
  let size = 1;
  while (raw >= 0x80n) {
    raw >>= 7n;
    size++;
  }
  return size;
}

/** `value` must be an integer in 0..2^32-1. */
export function writeUnsignedVarint(buf: Uint8Array, offset: number, value: number): number {
  while (value >= 0x80) {
    buf[offset++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  buf[offset++] = value;
  return offset;
}

/** `value` must be an int32. */
export function writeVarint(buf: Uint8Array, offset: number, value: number): number {
  return writeUnsignedVarint(buf, offset, ((value << 1) ^ (value >> 31)) >>> 0);
}

export function writeVarlong(buf: Uint8Array, offset: number, value: bigint | number): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= -0x40000000 && value < 0x40000000) {
    return writeVarint(buf, offset, value);
  }
  let raw = zigzag64(value);
  while (raw >= 0x80n) {
    buf[offset++] = Number(raw & 0x7fn) | 0x80;
    raw >>= 7n;
  }
  buf[offset++] = Number(raw);
  return offset;
}

function zigzag64(value: bigint | number): bigint {
  const v = BigInt.asIntN(64, BigInt(value));
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
}
