/**
 * Legacy message sets (magic 0 and 1), read from old log segments and Produce v0-2, written for Fetch
 * v0-3 by down-conversion.
 *
 *   entry:   offset int64 | size int32 | message
 *   message: crc uint32 (CRC-32 IEEE of magic..end) | magic int8 | attributes int8 (bits 0-2 codec,
 *            bit 3 LogAppendTime, v1 only) | timestamp int64 (v1 only) | key int32 len (-1 null) + bytes |
 *            value int32 len (-1 null) + bytes
 *
 * A compressed set is one wrapper message whose value is the compressed concatenation of inner entries.
 * With v1 inner offsets are relative (0..n-1) and the wrapper carries the absolute offset of the last
 * inner message; with v0 inner offsets are absolute. A v1 wrapper with LogAppendTime stamps its inner
 * messages with its own timestamp.
 */
import { BatchScanner } from './batch-scanner.js';
import { compress, decompress, type DecompressOptions } from './compression/index.js';
import { crc32 } from './crc32c.js';
import { corrupt, invalid } from './errors.js';
import { readInt64, writeInt64 } from './int64.js';
import { COMPRESSION_MASK, Compression, LOG_OVERHEAD, MAGIC_V0, MAGIC_V1, NO_TIMESTAMP, TIMESTAMP_TYPE_MASK, TimestampType, type TimestampTypeValue } from './record-batch.js';

const CRC_POS = LOG_OVERHEAD;
const MAGIC_POS = LOG_OVERHEAD + 4;
const ATTRIBUTES_POS = LOG_OVERHEAD + 5;
const TIMESTAMP_POS = LOG_OVERHEAD + 6;

export function messageOverhead(magic: number): number {
  return magic === MAGIC_V0 ? 14 : 22;
}

/** A view of one legacy entry (offset, size, message) at `start` in `buffer`. */
export class LegacyEntryView {
  constructor(
    readonly buffer: Buffer,
    readonly start = 0,
  ) {
    if (buffer.length - start < LOG_OVERHEAD + 14) throw corrupt(`legacy message at byte ${start} is too small`);
  }

  get offset(): number {
    return readInt64(this.buffer, this.start);
  }
  /** Bytes of the message (after offset and size). */
  get messageSize(): number {
    return this.buffer.readInt32BE(this.start + 8);
  }
  get sizeInBytes(): number {
    return this.messageSize + LOG_OVERHEAD;
  }
  get end(): number {
    return this.start + this.sizeInBytes;
  }
  get crc(): number {
    return this.buffer.readUInt32BE(this.start + CRC_POS);
  }
  get magic(): number {
    return this.buffer.readInt8(this.start + MAGIC_POS);
  }
  get attributes(): number {
    return this.buffer[this.start + ATTRIBUTES_POS];
  }
  get compression(): number {
    return this.attributes & COMPRESSION_MASK;
  }
  get timestampType(): TimestampTypeValue {
    return this.magic > MAGIC_V0 && this.attributes & TIMESTAMP_TYPE_MASK ? 1 : 0;
  }
  get timestamp(): number {
    return this.magic === MAGIC_V0 ? NO_TIMESTAMP : readInt64(this.buffer, this.start + TIMESTAMP_POS);
  }
  bytes(): Buffer {
    return this.buffer.subarray(this.start, this.end);
  }

  private field(pos: number, what: string): { value: Buffer | null; next: number } {
    if (pos + 4 > this.end) throw corrupt(`legacy message ${what} length runs past the message`);
    const length = this.buffer.readInt32BE(pos);
    if (length < -1 || pos + 4 + Math.max(0, length) > this.end) throw corrupt(`legacy message ${what} of ${length} bytes does not fit`);
    return { value: length < 0 ? null : this.buffer.subarray(pos + 4, pos + 4 + length), next: pos + 4 + Math.max(0, length) };
  }
  get key(): Buffer | null {
    return this.field(this.start + LOG_OVERHEAD + messageOverhead(this.magic) - 8, 'key').value;
  }
  get value(): Buffer | null {
    const key = this.field(this.start + LOG_OVERHEAD + messageOverhead(this.magic) - 8, 'key');
    return this.field(key.next, 'value').value;
  }

  computeCrc(): number {
    return crc32(this.buffer.subarray(this.start + MAGIC_POS, this.end));
  }

  /** Throws CORRUPT_MESSAGE on a bad magic, size or CRC, or a key/value that does not fit. */
  ensureValid(): void {
    const magic = this.magic;
    if (magic !== MAGIC_V0 && magic !== MAGIC_V1) throw corrupt(`legacy message has magic ${magic}`);
    if (this.messageSize < messageOverhead(magic)) throw corrupt(`legacy message of ${this.messageSize} bytes is smaller than its ${messageOverhead(magic)}-byte overhead`);
    if (this.end > this.buffer.length) throw corrupt('legacy message runs past the end of its buffer');
    const computed = this.computeCrc();
    if (computed !== this.crc) throw corrupt(`legacy message is corrupt (stored crc = ${this.crc}, computed crc = ${computed})`);
    void this.value;
  }
}

export interface LegacyRecord {
  offset: number;
  timestamp: number;
  timestampType: TimestampTypeValue;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * The records of one shallow entry: itself when uncompressed, else the inner messages with absolute
 * offsets. Checks the inner CRCs and that no inner message is itself compressed or of another magic.
 */
export async function readLegacyRecords(entry: LegacyEntryView, options?: DecompressOptions): Promise<LegacyRecord[]> {
  entry.ensureValid();
  const magic = entry.magic;
  if (entry.compression === Compression.NONE) {
    return [{ offset: entry.offset, timestamp: entry.timestamp, timestampType: entry.timestampType, key: entry.key, value: entry.value }];
  }
  const wrapped = entry.value;
  if (wrapped === null) throw invalid('compressed legacy message has a null value');
  const inner = await decompress(entry.compression, wrapped, { ...options, magic });
  const scanner = new BatchScanner(inner);
  const records: LegacyRecord[] = [];
  while (scanner.next()) {
    const message = new LegacyEntryView(inner, scanner.batchStart);
    message.ensureValid();
    if (message.magic !== magic) throw invalid(`inner message magic ${message.magic} differs from its wrapper's magic ${magic}`);
    if (message.compression !== Compression.NONE) throw invalid('compressed outer message has an inner message with a compression attribute set');
    records.push({ offset: message.offset, timestamp: message.timestamp, timestampType: message.timestampType, key: message.key, value: message.value });
  }
  if (scanner.partialTailBytes > 0) throw corrupt('compressed legacy message set ends in a partial message');
  if (records.length === 0) throw invalid('compressed legacy message set has no inner messages');
  if (magic > MAGIC_V0) {
    const absoluteBase = entry.offset - records[records.length - 1].offset;
    const logAppendTime = entry.timestampType === TimestampType.LOG_APPEND_TIME;
    for (const r of records) {
      r.offset += absoluteBase;
      if (logAppendTime) {
        r.timestamp = entry.timestamp;
        r.timestampType = TimestampType.LOG_APPEND_TIME;
      }
    }
  }
  return records;
}

function messageAttributes(magic: number, compression: number, timestampType: TimestampTypeValue): number {
  let attributes = compression & COMPRESSION_MASK;
  if (magic > MAGIC_V0 && timestampType === TimestampType.LOG_APPEND_TIME) attributes |= TIMESTAMP_TYPE_MASK;
  return attributes;
}

/** Writes one entry at `pos` and returns the position after it. */
function writeEntry(
  buf: Buffer,
  pos: number,
  offset: number,
  magic: number,
  attributes: number,
  timestamp: number,
  key: Buffer | null,
  value: Buffer | null,
): number {
  const size = messageOverhead(magic) + (key?.length ?? 0) + (value?.length ?? 0);
  writeInt64(buf, pos, offset);
  buf.writeInt32BE(size, pos + 8);
  const messageStart = pos + LOG_OVERHEAD;
  let p = messageStart + 4;
  buf.writeInt8(magic, p++);
  buf[p++] = attributes;
  if (magic > MAGIC_V0) p = writeInt64(buf, p, timestamp);
  for (const field of [key, value]) {
    buf.writeInt32BE(field === null ? -1 : field.length, p);
    p += 4;
    if (field !== null) p += field.copy(buf, p);
  }
  buf.writeUInt32BE(crc32(buf.subarray(messageStart + 4, p)), messageStart);
  return p;
}

function entryBytes(magic: number, key: Buffer | null, value: Buffer | null): number {
  return LOG_OVERHEAD + messageOverhead(magic) + (key?.length ?? 0) + (value?.length ?? 0);
}

export interface LegacyRecordInput {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

export interface LegacyMessageSetOptions {
  magic: 0 | 1;
  compression?: number;
  timestampType?: TimestampTypeValue;
  /** The timestamp every message gets when timestampType is LogAppendTime. */
  logAppendTime?: number;
}

/**
 * A message set as Kafka's MemoryRecordsBuilder writes one for magic 0/1: uncompressed, one entry per
 * record at its absolute offset; compressed, one wrapper at the last offset holding the inner entries
 * (offsets relative to the first record for v1, absolute for v0; timestamp = max or log append time).
 */
export async function buildLegacyMessageSet(records: readonly LegacyRecordInput[], options: LegacyMessageSetOptions): Promise<Buffer> {
  if (records.length === 0) return Buffer.alloc(0);
  const { magic } = options;
  const compression = options.compression ?? Compression.NONE;
  if (compression === Compression.ZSTD) throw new RangeError('zstd cannot be used with magic 0 or 1');
  const timestampType = options.timestampType ?? TimestampType.CREATE_TIME;
  const logAppendTime = timestampType === TimestampType.LOG_APPEND_TIME ? options.logAppendTime ?? NO_TIMESTAMP : undefined;
  const innerAttributes = messageAttributes(magic, Compression.NONE, timestampType);
  const baseOffset = records[0].offset;
  const innerOffset = (offset: number) => (magic > MAGIC_V0 && compression !== Compression.NONE ? offset - baseOffset : offset);
  let size = 0;
  for (const r of records) size += entryBytes(magic, r.key, r.value);
  const plain = Buffer.allocUnsafe(size);
  let pos = 0;
  let maxTimestamp = NO_TIMESTAMP;
  for (const r of records) {
    const timestamp = logAppendTime ?? r.timestamp;
    if (magic > MAGIC_V0 && timestamp > maxTimestamp) maxTimestamp = timestamp;
    pos = writeEntry(plain, pos, innerOffset(r.offset), magic, innerAttributes, timestamp, r.key, r.value);
  }
  if (compression === Compression.NONE) return plain;
  const wrapped = await compress(compression, plain, { magic });
  const wrapper = Buffer.allocUnsafe(entryBytes(magic, null, wrapped));
  const lastOffset = records[records.length - 1].offset;
  writeEntry(wrapper, 0, lastOffset, magic, messageAttributes(magic, compression, timestampType), logAppendTime ?? maxTimestamp, null, wrapped);
  return wrapper;
}
