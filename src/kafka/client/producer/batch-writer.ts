// A producer batch's records written as they are appended (as the Java client's MemoryRecordsBuilder does): each
// record goes straight into the batch's buffer in the v2 record format, behind room for the batch header, so a
// batch holds bytes rather than one object per record, and sealing it only fills in the header (compressing the
// records area first when a codec is set).
import { compress } from '../../protocol/records/compression/index.js';
import { copyBytes } from '../../protocol/records/byte-copy.js';
import { crc32c } from '../../protocol/records/crc32c.js';
import { writeInt64 } from '../../protocol/records/int64.js';
import {
  ATTRIBUTES_POS,
  BATCH_HEADER_BYTES,
  CRC_POS,
  LOG_OVERHEAD,
  MAGIC_V2,
  NO_PARTITION_LEADER_EPOCH,
} from '../../protocol/records/record-batch.js';
import { readVarint, readVarlong, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../protocol/records/record-varint.js';

export interface WrittenHeader {
  key: Buffer;
  value: Buffer | null;
}

export interface BatchIdentity {
  compression: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
}

/** A record read back from a batch's records area (for a failed record's report, or to split a batch). */
export interface WrittenRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: WrittenHeader[];
  timestamp: number;
}

const NO_HEADERS: readonly WrittenHeader[] = [];

// Buffers of acknowledged batches, by size, for the next batches (as the Java client's BufferPool): a busy
// producer otherwise allocates a batch-sized buffer per batch, and large allocations at that rate make V8 collect.
const POOLED_PER_SIZE = 8;
const pool = new Map<number, Buffer[]>();

function allocate(bytes: number): Buffer {
  return pool.get(bytes)?.pop() ?? Buffer.allocUnsafe(bytes);
}

const sizeOfBytes = (b: Buffer | null) => (b === null ? 1 : sizeOfVarint(b.length) + b.length);

const EMPTY = Buffer.alloc(0);

export class BatchWriter {
  private buf: Buffer;
  private view: DataView;
  /** End of the records written so far (they start at BATCH_HEADER_BYTES). */
  private pos = BATCH_HEADER_BYTES;
  count = 0;
  baseTimestamp = -1;
  maxTimestamp = -1;

  constructor(initialBytes: number) {
    this.buf = allocate(BATCH_HEADER_BYTES + Math.max(64, initialBytes));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** The batch is acknowledged and its bytes (sealed ones included) are no longer read: the buffer may be reused. */
  recycle(): void {
    let free = pool.get(this.buf.length);
    if (free === undefined) pool.set(this.buf.length, (free = []));
    if (free.length < POOLED_PER_SIZE) free.push(this.buf);
    this.buf = EMPTY;
    this.view = new DataView(EMPTY.buffer, EMPTY.byteOffset, 0);
    this.pos = BATCH_HEADER_BYTES;
  }

  /** Bytes of the records area. */
  get recordsBytes(): number {
    return this.pos - BATCH_HEADER_BYTES;
  }

  append(key: Buffer | null, value: Buffer | null, headers: readonly WrittenHeader[] = NO_HEADERS, timestamp: number): void {
    if (this.count === 0) this.baseTimestamp = timestamp;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    const timestampDelta = timestamp - this.baseTimestamp;
    const offsetDelta = this.count;
    let body = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfBytes(key) + sizeOfBytes(value) + sizeOfVarint(headers.length);
    for (let i = 0; i < headers.length; i++) body += sizeOfBytes(headers[i]!.key) + sizeOfBytes(headers[i]!.value);
    const need = sizeOfVarint(body) + body;
    if (this.pos + need > this.buf.length) this.grow(this.pos + need);
    const buf = this.buf;
    let pos = writeVarint(buf, this.pos, body);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, offsetDelta);
    pos = writeBytes(buf, pos, key);
    pos = writeBytes(buf, pos, value);
    pos = writeVarint(buf, pos, headers.length);
    for (let i = 0; i < headers.length; i++) {
      pos = writeBytes(buf, pos, headers[i]!.key);
      pos = writeBytes(buf, pos, headers[i]!.value);
    }
    this.pos = pos;
    this.count++;
  }

  /**
   * append() for a record of only a value (no key, no headers), copied from bytes [start, end) of `source`: the
   * console producer's lines, written without a Buffer object per line.
   */
  appendValue(source: Buffer, start: number, end: number, timestamp: number): void {
    if (this.count === 0) this.baseTimestamp = timestamp;
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    const timestampDelta = timestamp - this.baseTimestamp;
    const offsetDelta = this.count;
    const n = end - start;
    // attributes, key length -1 and header count 0 take a byte each.
    const body = 3 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfVarint(n) + n;
    const need = sizeOfVarint(body) + body;
    if (this.pos + need > this.buf.length) this.grow(this.pos + need);
    const buf = this.buf;
    let pos = writeVarint(buf, this.pos, body);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, offsetDelta);
    buf[pos++] = 1; // zigzag(-1): no key
    pos = writeVarint(buf, pos, n);
    // `source` is the caller's read block, the same for many records: its DataView is made once.
    copyBytes(source, start, end, buf, this.view, pos);
    pos += n;
    buf[pos++] = 0;
    this.pos = pos;
    this.count++;
  }

  private grow(atLeast: number): void {
    const next = Buffer.allocUnsafe(Math.max(atLeast, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  /** The finished v2 batch (offsets from 0, no partition leader epoch). */
  async seal(id: BatchIdentity): Promise<Buffer> {
    let batch: Buffer;
    if (id.compression === 0) {
      batch = this.buf.subarray(0, this.pos);
    } else {
      const compressed = await compress(id.compression, this.buf.subarray(BATCH_HEADER_BYTES, this.pos), { magic: MAGIC_V2 });
      batch = Buffer.allocUnsafe(BATCH_HEADER_BYTES + compressed.length);
      compressed.copy(batch, BATCH_HEADER_BYTES);
    }
    writeInt64(batch, 0, 0);
    batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8);
    batch.writeInt32BE(NO_PARTITION_LEADER_EPOCH, 12);
    batch.writeInt8(MAGIC_V2, 16);
    batch.writeUInt16BE(id.compression & 0x07, ATTRIBUTES_POS);
    batch.writeInt32BE(this.count - 1, 23);
    writeInt64(batch, 27, this.baseTimestamp);
    writeInt64(batch, 35, this.maxTimestamp);
    writeInt64(batch, 43, Number(id.producerId));
    batch.writeInt16BE(id.producerEpoch, 51);
    batch.writeInt32BE(id.baseSequence, 53);
    batch.writeInt32BE(this.count, 57);
    batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_POS)), CRC_POS);
    return batch;
  }

  /** The records written, decoded (views of this batch's buffer). */
  *records(): Generator<WrittenRecord> {
    const buf = this.buf;
    const cursor = { pos: BATCH_HEADER_BYTES };
    const end = this.pos;
    const bytes = (): Buffer | null => {
      const n = readVarint(buf, cursor, end);
      if (n < 0) return null;
      const b = buf.subarray(cursor.pos, cursor.pos + n);
      cursor.pos += n;
      return b;
    };
    while (cursor.pos < end) {
      readVarint(buf, cursor, end);
      cursor.pos++;
      const timestamp = this.baseTimestamp + readVarlong(buf, cursor, end);
      readVarint(buf, cursor, end);
      const key = bytes();
      const value = bytes();
      const headers: WrittenHeader[] = [];
      for (let n = readVarint(buf, cursor, end); n > 0; n--) headers.push({ key: bytes()!, value: bytes() });
      yield { key, value, headers, timestamp };
    }
  }
}

function writeBytes(buf: Buffer, pos: number, value: Buffer | null): number {
  if (value === null) return writeVarint(buf, pos, -1);
  const n = value.length;
  pos = writeVarint(buf, pos, n);
  // Short values are copied by hand: set() and copy() cost more to call than a loop over 100 bytes, and a record's
  // own Buffer is seen once, so copyBytes() would make a DataView of it per record.
  if (n <= 256) for (let i = 0; i < n; i++) buf[pos + i] = value[i]!;
  else buf.set(value, pos);
  return pos + n;
}
