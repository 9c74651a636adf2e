/**
 * Record batch v2 (magic 2): a view over the bytes of one batch that reads and rewrites header fields in
 * place without decoding records, as the leader does on append (base offset, leader epoch, and the
 * LogAppendTime stamp with its CRC).
 *
 *   0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8 |
 *   17 crc uint32 (CRC-32C of bytes 21..end) | 21 attributes int16 | 23 lastOffsetDelta int32 |
 *   27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64 | 51 producerEpoch int16 |
 *   53 baseSequence int32 | 57 recordCount int32 | 61 records (one compressed stream if compressed)
 */
import { crc32c } from './crc32c.js';
import { corrupt } from './errors.js';
import { readInt64, writeInt64 } from './int64.js';

export const MAGIC_V0 = 0;
export const MAGIC_V1 = 1;
export const MAGIC_V2 = 2;

/** offset + size: the 12 bytes every format (v0, v1, v2) starts with; how batch boundaries are found. */
export const LOG_OVERHEAD = 12;
export const BATCH_HEADER_BYTES = 61;

export const BASE_OFFSET_POS = 0;
export const LENGTH_POS = 8;
export const PARTITION_LEADER_EPOCH_POS = 12;
export const MAGIC_POS = 16;
export const CRC_POS = 17;
export const ATTRIBUTES_POS = 21;
export const LAST_OFFSET_DELTA_POS = 23;
export const BASE_TIMESTAMP_POS = 27;
export const MAX_TIMESTAMP_POS = 35;
export const PRODUCER_ID_POS = 43;
export const PRODUCER_EPOCH_POS = 51;
export const BASE_SEQUENCE_POS = 53;
export const RECORD_COUNT_POS = 57;
export const RECORDS_POS = 61;

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
export type CompressionType = (typeof Compression)[keyof typeof Compression];

export const TimestampType = { CREATE_TIME: 0, LOG_APPEND_TIME: 1 } as const;
export type TimestampTypeValue = (typeof TimestampType)[keyof typeof TimestampType];

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_MASK = 0x10;
export const CONTROL_MASK = 0x20;

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
export const NO_TIMESTAMP = -1;

/**
 * A window onto one v2 batch at `start` in `buffer`. The constructor checks only that the header fits;
 * the scanner (batch-scanner.ts) checks sizes against the blob. Re-point it with `reset` to walk many
 * batches with one object.
 */
export class RecordBatchView {
  constructor(
    public buffer: Buffer,
    public start = 0,
  ) {
    this.reset(buffer, start);
  }

  reset(buffer: Buffer, start: number): this {
    if (start < 0 || buffer.length - start < BATCH_HEADER_BYTES) {
      throw corrupt(`record batch at byte ${start} is shorter than the ${BATCH_HEADER_BYTES}-byte header`);
    }
    this.buffer = buffer;
    this.start = start;
    return this;
  }

  /** Bytes of the whole batch, header included (batchLength + 12). */
  get sizeInBytes(): number {
    return this.batchLength + LOG_OVERHEAD;
  }

  get end(): number {
    return this.start + this.sizeInBytes;
  }

  /** The batch's bytes, without copying. */
  bytes(): Buffer {
    return this.buffer.subarray(this.start, this.end);
  }

  get baseOffset(): number {
    return readInt64(this.buffer, this.start + BASE_OFFSET_POS);
  }
  get batchLength(): number {
    return this.buffer.readInt32BE(this.start + LENGTH_POS);
  }
  get partitionLeaderEpoch(): number {
    return this.buffer.readInt32BE(this.start + PARTITION_LEADER_EPOCH_POS);
  }
  get magic(): number {
    return this.buffer.readInt8(this.start + MAGIC_POS);
  }
  get crc(): number {
    return this.buffer.readUInt32BE(this.start + CRC_POS);
  }
  get attributes(): number {
    return this.buffer.readUInt16BE(this.start + ATTRIBUTES_POS);
  }
  get compression(): number {
    return this.buffer[this.start + ATTRIBUTES_POS + 1] & COMPRESSION_MASK;
  }
  get timestampType(): TimestampTypeValue {
    return this.buffer[this.start + ATTRIBUTES_POS + 1] & TIMESTAMP_TYPE_MASK ? 1 : 0;
  }
  get isTransactional(): boolean {
    return (this.buffer[this.start + ATTRIBUTES_POS + 1] & TRANSACTIONAL_MASK) !== 0;
  }
  get isControl(): boolean {
    return (this.buffer[this.start + ATTRIBUTES_POS + 1] & CONTROL_MASK) !== 0;
  }
  get lastOffsetDelta(): number {
    return this.buffer.readInt32BE(this.start + LAST_OFFSET_DELTA_POS);
  }
  get lastOffset(): number {
    return this.baseOffset + this.lastOffsetDelta;
  }
  get nextOffset(): number {
    return this.lastOffset + 1;
  }
  get baseTimestamp(): number {
    return readInt64(this.buffer, this.start + BASE_TIMESTAMP_POS);
  }
  get maxTimestamp(): number {
    return readInt64(this.buffer, this.start + MAX_TIMESTAMP_POS);
  }
  get producerId(): number {
    return readInt64(this.buffer, this.start + PRODUCER_ID_POS);
  }
  get producerEpoch(): number {
    return this.buffer.readInt16BE(this.start + PRODUCER_EPOCH_POS);
  }
  get baseSequence(): number {
    return this.buffer.readInt32BE(this.start + BASE_SEQUENCE_POS);
  }
  /** Sequence of the last record: baseSequence + lastOffsetDelta, wrapping past 2^31-1 to 0 as Kafka does. */
  get lastSequence(): number {
    const base = this.baseSequence;
    if (base === NO_SEQUENCE) return NO_SEQUENCE;
    const last = base + this.lastOffsetDelta;
    return last > 0x7fffffff ? last - 0x80000000 : last;
  }
  get recordCount(): number {
    return this.buffer.readInt32BE(this.start + RECORD_COUNT_POS);
  }
  get hasProducerId(): boolean {
    return this.producerId > NO_PRODUCER_ID;
  }

  /** The records area: compressed stream or plain records, as stored. */
  recordsBytes(): Buffer {
    return this.buffer.subarray(this.start + RECORDS_POS, this.end);
  }

  computeCrc(): number {
    return crc32c(this.buffer.subarray(this.start + ATTRIBUTES_POS, this.end));
  }

  isValid(): boolean {
    return this.sizeInBytes >= BATCH_HEADER_BYTES && this.end <= this.buffer.length && this.computeCrc() === this.crc;
  }

  /** Throws CORRUPT_MESSAGE unless magic is 2, the size is sane and the CRC matches. */
  ensureValid(): void {
    const size = this.sizeInBytes;
    if (this.magic !== MAGIC_V2) throw corrupt(`record batch at byte ${this.start} has magic ${this.magic}, not 2`);
    if (size < BATCH_HEADER_BYTES) throw corrupt(`record batch is ${size} bytes, less than the ${BATCH_HEADER_BYTES}-byte header`);
    if (this.end > this.buffer.length) throw corrupt(`record batch of ${size} bytes runs past the end of its buffer`);
    const stored = this.crc;
    const computed = this.computeCrc();
    if (stored !== computed) {
      throw corrupt(`record batch is corrupt (stored crc = ${stored}, computed crc = ${computed})`);
    }
  }

  /** Moves the batch so its first record gets `offset` (the leader's log end offset). Not covered by the CRC. */
  setBaseOffset(offset: number): void {
    writeInt64(this.buffer, this.start + BASE_OFFSET_POS, offset);
  }

  /** As Kafka's setLastOffset: base offset = `offset` - lastOffsetDelta. */
  setLastOffset(offset: number): void {
    this.setBaseOffset(offset - this.lastOffsetDelta);
  }

  /** Not covered by the CRC: no recompute. */
  setPartitionLeaderEpoch(epoch: number): void {
    this.buffer.writeInt32BE(epoch, this.start + PARTITION_LEADER_EPOCH_POS);
  }

  /**
   * Sets the timestamp type bit and maxTimestamp, recomputing the CRC only when either changed (Kafka's
   * DefaultRecordBatch.setMaxTimestamp). With LogAppendTime every record's timestamp reads as maxTimestamp.
   */
  setMaxTimestamp(timestampType: TimestampTypeValue, maxTimestamp: number): void {
    if (this.timestampType === timestampType && this.maxTimestamp === maxTimestamp) return;
    const attributesPos = this.start + ATTRIBUTES_POS + 1;
    const low = this.buffer[attributesPos];
    this.buffer[attributesPos] = timestampType === TimestampType.LOG_APPEND_TIME ? low | TIMESTAMP_TYPE_MASK : low & ~TIMESTAMP_TYPE_MASK;
    writeInt64(this.buffer, this.start + MAX_TIMESTAMP_POS, maxTimestamp);
    this.buffer.writeUInt32BE(this.computeCrc(), this.start + CRC_POS);
  }
}
