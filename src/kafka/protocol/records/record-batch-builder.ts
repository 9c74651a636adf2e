/**
 * Writes a v2 record batch from records: for the producer client, the group coordinator's
 * __consumer_offsets writes, the transaction markers and tests. Follows Kafka's MemoryRecordsBuilder:
 * baseTimestamp is the first record's timestamp, maxTimestamp the largest (or the log append time), the
 * records area is one compressed stream when a codec is set, and the CRC-32C covers attributes..end.
 */
import { compress } from './compression/index.js';
import { writeInt64 } from './int64.js';
import {
  ATTRIBUTES_POS,
  BATCH_HEADER_BYTES,
  Compression,
  CONTROL_MASK,
  CRC_POS,
  LOG_OVERHEAD,
  MAGIC_V2,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  NO_TIMESTAMP,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  type TimestampTypeValue,
  TRANSACTIONAL_MASK,
} from './record-batch.js';
import { crc32c } from './crc32c.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './record-varint.js';

export type Bytes = Buffer | string;

export interface RecordHeaderInput {
  key: Bytes;
  value: Bytes | null;
}

export interface RecordInput {
  key?: Bytes | null;
  value?: Bytes | null;
  headers?: readonly RecordHeaderInput[];
  /** Milliseconds since the epoch; defaults to the batch's `now`. */
  timestamp?: number;
  /** Offset relative to the batch's base offset; defaults to the record's index. Must increase. */
  offsetDelta?: number;
}

export interface RecordBatchOptions {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  compression?: number;
  timestampType?: TimestampTypeValue;
  /** maxTimestamp of a LogAppendTime batch; defaults to `now`. */
  logAppendTime?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  isTransactional?: boolean;
  isControl?: boolean;
  /**
   * The batch's last offset delta when it is past its last record's (a batch rebuilt without its last records keeps
   * its last offset, as Kafka's overrideLastOffset).
   */
  lastOffsetDelta?: number;
  /** Timestamp for records that carry none; defaults to Date.now(). */
  now?: number;
}

interface EncodedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: Buffer; value: Buffer | null }[];
  timestampDelta: number;
  offsetDelta: number;
  bodyBytes: number;
}

const NO_HEADERS: EncodedRecord['headers'] = [];

function toBuffer(value: Bytes | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function sizeOfBytes(value: Buffer | null): number {
  return value === null ? 1 : sizeOfVarint(value.length) + value.length;
}

function writeBytes(buf: Buffer, pos: number, value: Buffer | null): number {
  if (value === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, value.length);
  buf.set(value, pos);
  return pos + value.length;
}

function checkProducerState(options: RecordBatchOptions, producerId: number, producerEpoch: number, baseSequence: number): void {
  if (options.isTransactional && producerId === NO_PRODUCER_ID) throw new RangeError('a transactional batch needs a producer id');
  if (producerId !== NO_PRODUCER_ID) {
    if (producerEpoch === NO_PRODUCER_EPOCH) throw new RangeError('a producer id needs a producer epoch');
    // Control batches and a coordinator's transactional batches (TxnOffsetCommit) carry no sequence.
    if (baseSequence < 0 && !options.isControl && !options.isTransactional) throw new RangeError('a producer id needs a non-negative base sequence');
  }
}

interface Prepared {
  records: EncodedRecord[];
  recordsBytes: number;
  header: Buffer;
}

function prepare(inputs: readonly RecordInput[], options: RecordBatchOptions): Prepared {
  if (inputs.length === 0) throw new RangeError('a record batch needs at least one record');
  const now = options.now ?? Date.now();
  const producerId = options.producerId ?? NO_PRODUCER_ID;
  const producerEpoch = options.producerEpoch ?? NO_PRODUCER_EPOCH;
  const baseSequence = options.baseSequence ?? NO_SEQUENCE;
  checkProducerState(options, producerId, producerEpoch, baseSequence);
  const timestampType = options.timestampType ?? TimestampType.CREATE_TIME;
  const firstTimestamp = inputs[0].timestamp ?? now;
  let maxTimestamp = NO_TIMESTAMP;
  let lastOffsetDelta = -1;
  let recordsBytes = 0;
  const records: EncodedRecord[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i];
    const timestamp = input.timestamp ?? now;
    if (timestamp < 0 && timestamp !== NO_TIMESTAMP) throw new RangeError(`invalid negative timestamp ${timestamp}`);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const offsetDelta = input.offsetDelta ?? i;
    if (offsetDelta <= lastOffsetDelta) throw new RangeError(`offset delta ${offsetDelta} does not follow ${lastOffsetDelta}`);
    lastOffsetDelta = offsetDelta;
    const key = toBuffer(input.key);
    const value = toBuffer(input.value);
    const headers = input.headers === undefined || input.headers.length === 0 ? NO_HEADERS : input.headers.map((h) => ({ key: toBuffer(h.key)!, value: toBuffer(h.value) }));
    const timestampDelta = timestamp - firstTimestamp;
    let bodyBytes = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfBytes(key) + sizeOfBytes(value) + sizeOfVarint(headers.length);
    for (const h of headers) bodyBytes += sizeOfBytes(h.key) + sizeOfBytes(h.value);
    records[i] = { key, value, headers, timestampDelta, offsetDelta, bodyBytes };
    recordsBytes += sizeOfVarint(bodyBytes) + bodyBytes;
  }
  const compression = options.compression ?? Compression.NONE;
  let attributes = compression & 0x07;
  if (timestampType === TimestampType.LOG_APPEND_TIME) attributes |= TIMESTAMP_TYPE_MASK;
  if (options.isTransactional) attributes |= TRANSACTIONAL_MASK;
  if (options.isControl) attributes |= CONTROL_MASK;
  const header = Buffer.alloc(BATCH_HEADER_BYTES);
  writeInt64(header, 0, options.baseOffset ?? 0);
  header.writeInt32BE(options.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH, 12);
  header.writeInt8(MAGIC_V2, 16);
  header.writeUInt16BE(attributes, ATTRIBUTES_POS);
  if (options.lastOffsetDelta !== undefined && options.lastOffsetDelta < lastOffsetDelta) {
    throw new RangeError(`last offset delta ${options.lastOffsetDelta} is before the last record's ${lastOffsetDelta}`);
  }
  header.writeInt32BE(options.lastOffsetDelta ?? lastOffsetDelta, 23);
  writeInt64(header, 27, firstTimestamp);
  writeInt64(header, 35, timestampType === TimestampType.LOG_APPEND_TIME ? options.logAppendTime ?? now : maxTimestamp);
  writeInt64(header, 43, producerId);
  header.writeInt16BE(producerEpoch, 51);
  header.writeInt32BE(baseSequence, 53);
  header.writeInt32BE(inputs.length, 57);
  return { records, recordsBytes, header };
}

function writeRecords(target: Buffer, pos: number, records: EncodedRecord[]): number {
  for (const r of records) {
    pos = writeVarint(target, pos, r.bodyBytes);
    target[pos++] = 0;
    pos = writeVarlong(target, pos, r.timestampDelta);
    pos = writeVarint(target, pos, r.offsetDelta);
    pos = writeBytes(target, pos, r.key);
    pos = writeBytes(target, pos, r.value);
    pos = writeVarint(target, pos, r.headers.length);
    for (const h of r.headers) {
      pos = writeBytes(target, pos, h.key);
      pos = writeBytes(target, pos, h.value);
    }
  }
  return pos;
}

function finish(batch: Buffer): Buffer {
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_POS)), CRC_POS);
  return batch;
}

/** An uncompressed batch, synchronously (the compression option must be none). */
export function buildRecordBatchSync(inputs: readonly RecordInput[], options: RecordBatchOptions = {}): Buffer {
  if ((options.compression ?? Compression.NONE) !== Compression.NONE) throw new RangeError('buildRecordBatchSync writes uncompressed batches only');
  const { records, recordsBytes, header } = prepare(inputs, options);
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + recordsBytes);
  header.copy(batch, 0);
  writeRecords(batch, BATCH_HEADER_BYTES, records);
  return finish(batch);
}

export async function buildRecordBatch(inputs: readonly RecordInput[], options: RecordBatchOptions = {}): Promise<Buffer> {
  const compression = options.compression ?? Compression.NONE;
  if (compression === Compression.NONE) return buildRecordBatchSync(inputs, options);
  const { records, recordsBytes, header } = prepare(inputs, options);
  const plain = Buffer.allocUnsafe(recordsBytes);
  writeRecords(plain, 0, records);
  const compressed = await compress(compression, plain, { magic: MAGIC_V2 });
  const batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + compressed.length);
  header.copy(batch, 0);
  compressed.copy(batch, BATCH_HEADER_BYTES);
  return finish(batch);
}
