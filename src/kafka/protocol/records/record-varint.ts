/**
 * Zigzag varints of the v2 record format (protobuf sint32/sint64): varint for lengths, deltas and
 * counts (at most 5 bytes), varlong for timestamp deltas (at most 10 bytes). Readers take a cursor they
 * advance and the exclusive end of the readable region, so one cursor walks a whole batch without
 * allocating. Varlongs are JS numbers: exact within ±2^53, approximate (never throwing) beyond.
 */
import { invalid } from './errors.js';

export interface Cursor {
  pos: number;
}

export const MAX_VARINT_BYTES = 5;
export const MAX_VARLONG_BYTES = 10;

export function readVarint(buf: Uint8Array, cursor: Cursor, end: number): number {
  let pos = cursor.pos;
  if (pos < end) {
    const b = buf[pos];
    if (b < 0x80) {
      cursor.pos = pos + 1;
      return (b >>> 1) ^ -(b & 1);
    }
  }
  let raw = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw invalid(`varint runs past the end of the record data at byte ${cursor.pos}`);
    const b = buf[pos++];
    raw |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cursor.pos = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  throw invalid(`varint longer than ${MAX_VARINT_BYTES} bytes at byte ${cursor.pos}`);
}

export function readVarlong(buf: Uint8Array, cursor: Cursor, end: number): number {
  let pos = cursor.pos;
  if (pos < end && buf[pos] < 0x80) return readVarint(buf, cursor, end);
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
    if (pos >= end) throw invalid(`varlong runs past the end of the record data at byte ${cursor.pos}`);
    const b = buf[pos++];
    raw += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) {
      const negative = (buf[cursor.pos] & 1) === 1;
      cursor.pos = pos;
      return negative ? -(raw + 1) / 2 : raw / 2;
    }
  }
  throw invalid(`varlong longer than ${MAX_VARLONG_BYTES} bytes at byte ${cursor.pos}`);
}

export function sizeOfVarint(value: number): number {
  let raw = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (raw >= 0x80) {
    raw >>>= 7;
    bytes++;
  }
  return bytes;
}

/** Writes at `pos` (the caller sized the buffer) and returns the position after the varint. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let raw = ((value << 1) ^ (value >> 31)) >>> 0;
  while (raw >= 0x80) {
    buf[pos++] = (raw & 0x7f) | 0x80;
    raw >>>= 7;
  }
  buf[pos++] = raw;
  return pos;
}

function zigzag64(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`varlong needs a safe integer, got ${value}`);
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

export function sizeOfVarlong(value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return sizeOfVarint(value);
  let raw = zigzag64(value);
  let bytes = 1;
  while (raw >= 0x80) {
    raw = Math.floor(raw / 128);
    bytes++;
  }
  return bytes;
}

export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  if (value >= -0x40000000 && value < 0x40000000) return writeVarint(buf, pos, value);
  let raw = zigzag64(value);
  while (raw >= 0x80) {
    buf[pos++] = (raw % 128) | 0x80;
    raw = Math.floor(raw / 128);
  }
  buf[pos++] = raw;
  return pos;
}
