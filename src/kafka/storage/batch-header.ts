// The fixed-position fields of a stored batch, read straight from its bytes. Magic 2 is the v2 record batch;
// magic 0 and 1 are legacy message-set entries (offset, size, message), which share the first 12 bytes
// (offset int64, length int32) and therefore the framing of a .log file. Records are never decoded here.
//
// Offsets, timestamps and producer ids are JavaScript numbers: exact up to 2^53 - 1, which no real offset or
// millisecond timestamp reaches. An offset field beyond that reads as -1, which every check rejects.
import { crc32 } from 'node:zlib';
import {
  ATTRIBUTES_POS,
  BASE_OFFSET_POS,
  BASE_SEQUENCE_POS,
  BASE_TIMESTAMP_POS,
  BATCH_HEADER_BYTES,
  CRC_POS,
  LAST_OFFSET_DELTA_POS,
  LENGTH_POS,
  LOG_OVERHEAD,
  MAGIC_POS,
  MAX_TIMESTAMP_POS,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH_POS,
  PRODUCER_EPOCH_POS,
  PRODUCER_ID_POS,
  RECORD_COUNT_POS,
} from '../protocol/records/record-batch.js';

export { LOG_OVERHEAD, NO_TIMESTAMP };

/** CRC-32C (Castagnoli) of buf[start, end), as an unsigned 32-bit number. */
export type Crc32cFn = (buf: Buffer, start: number, end: number) => number;

/** Bytes needed to see the magic byte (the v2 field after partitionLeaderEpoch, the legacy field after crc). */
export const HEADER_SIZE_UP_TO_MAGIC = 17;
/** Smallest legacy message (crc, magic, attributes, key length, value length), as a value of the length field. */
export const LEGACY_MIN_MESSAGE_BYTES_V0 = 14;
export const LEGACY_MIN_MESSAGE_BYTES_V1 = 22;

const LEGACY_CRC_OFFSET = 12;
const LEGACY_ATTRIBUTES_OFFSET = 17;
const LEGACY_TIMESTAMP_OFFSET = 18;

const TWO_POW_32 = 4294967296;

export interface BatchHeader {
  /** For a legacy entry: its offset, which for a compressed wrapper is the offset of its last inner message. */
  baseOffset: number;
  lastOffset: number;
  /** Whole batch including the 12 framing bytes. */
  sizeBytes: number;
  magic: number;
  partitionLeaderEpoch: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function emptyHeader(): BatchHeader {
  return {
    baseOffset: -1, lastOffset: -1, sizeBytes: 0, magic: -1, partitionLeaderEpoch: -1, crc: 0, attributes: 0,
    lastOffsetDelta: 0, baseTimestamp: NO_TIMESTAMP, maxTimestamp: NO_TIMESTAMP, producerId: -1, producerEpoch: -1,
    baseSequence: -1, recordCount: 0,
  };
}

/** int64 as a number; -1 when it is negative or not exactly representable (offsets are never negative). */
export function readOffset(buf: Buffer, pos: number): number {
  const hi = buf.readInt32BE(pos);
  if (hi < 0 || hi > 0x1fffff) return -1;
  return hi * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

/** int64 as a number, rounded when beyond 2^53 (used for timestamps and producer ids, which are only compared). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_POW_32 + buf.readUInt32BE(pos + 4);
}

export function writeOffset(buf: Buffer, pos: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`offset ${value} is not a non-negative safe integer`);
  buf.writeUInt32BE(Math.floor(value / TWO_POW_32), pos);
  buf.writeUInt32BE(value % TWO_POW_32, pos + 4);
}

/** Size of the whole batch at `pos` from its length field (needs 12 bytes). */
export function batchSizeAt(buf: Buffer, pos: number): number {
  return LOG_OVERHEAD + buf.readInt32BE(pos + LENGTH_POS);
}

/** Bytes `readBatchHeader` needs for this magic. */
export function headerBytesFor(magic: number): number {
  return magic === 2 ? BATCH_HEADER_BYTES : magic === 1 ? LEGACY_TIMESTAMP_OFFSET + 8 : LEGACY_TIMESTAMP_OFFSET;
}

/** Smallest valid whole-batch size for this magic, or -1 for a magic no broker writes. */
export function minBatchBytes(magic: number): number {
  if (magic === 2) return BATCH_HEADER_BYTES;
  if (magic === 1) return LOG_OVERHEAD + LEGACY_MIN_MESSAGE_BYTES_V1;
  if (magic === 0) return LOG_OVERHEAD + LEGACY_MIN_MESSAGE_BYTES_V0;
  return -1;
}

/**
 * Reads the header of the batch at `pos` into `out` (reused to keep scans allocation-free). The caller has
 * checked the framing (`checkFraming`) and that `headerBytesFor(magic)` bytes are in `buf`.
 */
export function readBatchHeader(buf: Buffer, pos: number, out: BatchHeader): BatchHeader {
  const magic = buf[pos + MAGIC_POS]!;
  out.magic = magic;
  out.baseOffset = readOffset(buf, pos + BASE_OFFSET_POS);
  out.sizeBytes = batchSizeAt(buf, pos);
  if (magic === 2) {
    out.partitionLeaderEpoch = buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_POS);
    out.crc = buf.readUInt32BE(pos + CRC_POS);
    out.attributes = buf.readInt16BE(pos + ATTRIBUTES_POS);
    out.lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA_POS);
    out.lastOffset = out.baseOffset < 0 || out.lastOffsetDelta < 0 ? -1 : out.baseOffset + out.lastOffsetDelta;
    out.baseTimestamp = readInt64(buf, pos + BASE_TIMESTAMP_POS);
    out.maxTimestamp = readInt64(buf, pos + MAX_TIMESTAMP_POS);
    out.producerId = readInt64(buf, pos + PRODUCER_ID_POS);
    out.producerEpoch = buf.readInt16BE(pos + PRODUCER_EPOCH_POS);
    out.baseSequence = buf.readInt32BE(pos + BASE_SEQUENCE_POS);
    out.recordCount = buf.readInt32BE(pos + RECORD_COUNT_POS);
  } else {
    out.partitionLeaderEpoch = -1;
    out.crc = buf.readUInt32BE(pos + LEGACY_CRC_OFFSET);
    out.attributes = buf[pos + LEGACY_ATTRIBUTES_OFFSET]!;
    out.lastOffsetDelta = 0;
    out.lastOffset = out.baseOffset;
    out.maxTimestamp = magic === 1 ? readInt64(buf, pos + LEGACY_TIMESTAMP_OFFSET) : NO_TIMESTAMP;
    out.baseTimestamp = out.maxTimestamp;
    out.producerId = -1;
    out.producerEpoch = -1;
    out.baseSequence = -1;
    out.recordCount = 1;
  }
  return out;
}

export type Framing =
  /** A whole batch of `size` bytes starts at `pos`. */
  | { kind: 'batch'; size: number; magic: number }
  /** The bytes end before the batch does (a torn tail when this is the end of the file). */
  | { kind: 'incomplete' }
  | { kind: 'corrupt'; reason: string };

const INCOMPLETE: Framing = { kind: 'incomplete' };

/**
 * Framing of the batch at `pos` when `available` bytes follow it: the checks of Kafka's FileLogInputStream
 * (length at least a legacy v0 message, known magic, at least that magic's smallest message, at most
 * `maxBatchBytes`) before anything else is trusted.
 */
export function checkFraming(buf: Buffer, pos: number, available: number, maxBatchBytes: number): Framing {
  if (available < LOG_OVERHEAD) return INCOMPLETE;
  const length = buf.readInt32BE(pos + LENGTH_POS);
  if (length < LEGACY_MIN_MESSAGE_BYTES_V0) return { kind: 'corrupt', reason: `record size ${length} is less than the minimum ${LEGACY_MIN_MESSAGE_BYTES_V0}` };
  const size = LOG_OVERHEAD + length;
  if (size > maxBatchBytes) return { kind: 'corrupt', reason: `batch size ${size} is larger than the limit ${maxBatchBytes}` };
  if (available < HEADER_SIZE_UP_TO_MAGIC) return INCOMPLETE;
  const magic = buf[pos + MAGIC_POS]!;
  const min = minBatchBytes(magic);
  if (min < 0) return { kind: 'corrupt', reason: `unknown magic ${magic}` };
  if (size < min) return { kind: 'corrupt', reason: `batch size ${size} is less than the minimum ${min} for magic ${magic}` };
  if (available < size) return INCOMPLETE;
  return { kind: 'batch', size, magic };
}

/**
 * The checks Kafka's RecordBatch.ensureValid makes on a whole batch at `pos`: the stored CRC (CRC-32C of the
 * bytes after the crc field for v2, CRC-32 of magic..end for legacy) and sane v2 counts. Null when valid.
 */
export function batchProblem(buf: Buffer, pos: number, h: BatchHeader, crc32c: Crc32cFn): string | null {
  const end = pos + h.sizeBytes;
  if (h.baseOffset < 0) return 'base offset is negative or beyond 2^53';
  if (h.magic === 2) {
    if (h.lastOffsetDelta < 0) return `lastOffsetDelta ${h.lastOffsetDelta} is negative`;
    if (h.recordCount < 0) return `record count ${h.recordCount} is negative`;
    const actual = crc32c(buf, pos + ATTRIBUTES_POS, end) >>> 0;
    if (actual !== h.crc) return `CRC-32C ${actual.toString(16)} does not match the stored ${h.crc.toString(16)}`;
    return null;
  }
  const actual = crc32(buf.subarray(pos + MAGIC_POS, end)) >>> 0;
  if (actual !== h.crc) return `CRC-32 ${actual.toString(16)} does not match the stored ${h.crc.toString(16)}`;
  return null;
}

/** Rewrites the baseOffset of the batch at `pos` in place (outside the CRC: nothing else changes). */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: number): void {
  writeOffset(buf, pos + BASE_OFFSET_POS, baseOffset);
}

/** Rewrites partitionLeaderEpoch of the v2 batch at `pos` in place (also outside the CRC). */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH_POS);
}
