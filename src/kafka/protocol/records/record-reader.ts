/**
 * Decoding the records of a v2 batch. RecordReader walks the (decompressed) records area and fills one
 * caller-owned RecordCursor per step with positions only, allocating nothing: the broker's validation and
 * the log cleaner use it. readRecords/decodeRecords build KafkaRecord objects (key and value are views
 * into the batch or its decompressed bytes) for consumers and tools.
 *
 * Record: length varint | attributes int8 | timestampDelta varlong | offsetDelta varint |
 *         key (varint length, -1 = null) | value (likewise) | headerCount varint |
 *         headers (key: varint length >= 0 + UTF-8, value: varint length, -1 = null)
 */
import { decompress, type DecompressOptions } from './compression/index.js';
import { invalid } from './errors.js';
import { NO_SEQUENCE, type RecordBatchView, TimestampType } from './record-batch.js';
import { type Cursor, readVarint, readVarlong } from './record-varint.js';

export class RecordCursor {
  /** Start of the record (its length varint) and the byte after it, in the reader's buffer. */
  start = 0;
  end = 0;
  attributes = 0;
  timestampDelta = 0;
  offsetDelta = 0;
  keyStart = 0;
  /** -1 for a null key. */
  keyLength = -1;
  valueStart = 0;
  /** -1 for a null value (a tombstone). */
  valueLength = -1;
  headerCount = 0;
  headersStart = 0;
}

export class RecordReader {
  private readonly cursor: Cursor;
  private remaining: number;

  /** `data` holds `count` records from `start` to `end` (the records area, decompressed). */
  constructor(
    readonly data: Buffer,
    count: number,
    start = 0,
    readonly end = data.length,
  ) {
    if (count < 0) throw invalid(`record batch declares a negative record count (${count})`);
    this.cursor = { pos: start };
    this.remaining = count;
  }

  /** Fills `record` with the next record; false after the last one. Throws INVALID_RECORD on malformed data. */
  next(record: RecordCursor): boolean {
    const data = this.data;
    const cursor = this.cursor;
    if (this.remaining === 0) {
      if (cursor.pos !== this.end) throw invalid(`incorrect declared batch size: ${this.end - cursor.pos} bytes remain after the last record`);
      return false;
    }
    if (cursor.pos >= this.end) throw invalid(`incorrect declared batch size: ${this.remaining} records missing`);
    record.start = cursor.pos;
    const length = readVarint(data, cursor, this.end);
    const end = cursor.pos + length;
    if (length < 1 || end > this.end) throw invalid(`invalid record size ${length} at byte ${record.start}`);
    record.attributes = data[cursor.pos++];
    record.timestampDelta = readVarlong(data, cursor, end);
    record.offsetDelta = readVarint(data, cursor, end);
    record.keyLength = this.readLength(end, -1, 'key');
    record.keyStart = cursor.pos;
    if (record.keyLength > 0) cursor.pos += record.keyLength;
    record.valueLength = this.readLength(end, -1, 'value');
    record.valueStart = cursor.pos;
    if (record.valueLength > 0) cursor.pos += record.valueLength;
    const headerCount = readVarint(data, cursor, end);
    if (headerCount < 0) throw invalid(`found invalid number of record headers (${headerCount})`);
    record.headerCount = headerCount;
    record.headersStart = cursor.pos;
    for (let i = 0; i < headerCount; i++) {
      const keyLength = this.readLength(end, 0, 'header key');
      cursor.pos += keyLength;
      const valueLength = this.readLength(end, -1, 'header value');
      if (valueLength > 0) cursor.pos += valueLength;
    }
    if (cursor.pos !== end) throw invalid(`record at byte ${record.start} should end at byte ${end}, its fields end at byte ${cursor.pos}`);
    record.end = end;
    this.remaining--;
    return true;
  }

  private readLength(end: number, min: number, what: string): number {
    const length = readVarint(this.data, this.cursor, end);
    if (length < min) throw invalid(`invalid ${what} size ${length}`);
    if (length > end - this.cursor.pos) throw invalid(`${what} of ${length} bytes runs past the end of its record`);
    return length;
  }
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface KafkaRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  /** baseSequence + offsetDelta (wrapping at 2^31), or -1 without a producer sequence. */
  sequence: number;
}

/** Headers of a record the reader already checked. */
export function readHeaders(data: Buffer, record: RecordCursor): RecordHeader[] {
  const headers: RecordHeader[] = new Array(record.headerCount);
  const cursor = { pos: record.headersStart };
  for (let i = 0; i < record.headerCount; i++) {
    const keyLength = readVarint(data, cursor, record.end);
    const key = data.toString('utf8', cursor.pos, cursor.pos + keyLength);
    cursor.pos += keyLength;
    const valueLength = readVarint(data, cursor, record.end);
    const value = valueLength < 0 ? null : data.subarray(cursor.pos, cursor.pos + valueLength);
    if (valueLength > 0) cursor.pos += valueLength;
    headers[i] = { key, value };
  }
  return headers;
}

/** The records area decompressed (or as stored when uncompressed). */
export function recordsData(batch: RecordBatchView, options?: DecompressOptions): Promise<Buffer> {
  return decompress(batch.compression, batch.recordsBytes(), { ...options, magic: 2 });
}

/** A zero-allocation reader over the batch's records (decompressing first if needed). */
export async function openRecords(batch: RecordBatchView, options?: DecompressOptions): Promise<RecordReader> {
  const data = await recordsData(batch, options);
  return new RecordReader(data, batch.recordCount);
}

/** Records as objects, one at a time, from `data` = recordsData(batch). */
export function* iterateRecords(batch: RecordBatchView, data: Buffer): Generator<KafkaRecord> {
  const reader = new RecordReader(data, batch.recordCount);
  const baseOffset = batch.baseOffset;
  const baseTimestamp = batch.baseTimestamp;
  const logAppendTime = batch.timestampType === TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp : undefined;
  const baseSequence = batch.baseSequence;
  const r = new RecordCursor();
  while (reader.next(r)) {
    let sequence = NO_SEQUENCE;
    if (baseSequence !== NO_SEQUENCE) {
      sequence = baseSequence + r.offsetDelta;
      if (sequence > 0x7fffffff) sequence -= 0x80000000;
    }
    yield {
      offset: baseOffset + r.offsetDelta,
      timestamp: logAppendTime ?? baseTimestamp + r.timestampDelta,
      key: r.keyLength < 0 ? null : data.subarray(r.keyStart, r.keyStart + r.keyLength),
      value: r.valueLength < 0 ? null : data.subarray(r.valueStart, r.valueStart + r.valueLength),
      headers: r.headerCount === 0 ? [] : readHeaders(data, r),
      sequence,
    };
  }
}

export function decodeRecords(batch: RecordBatchView, data: Buffer): KafkaRecord[] {
  return [...iterateRecords(batch, data)];
}

export async function readRecords(batch: RecordBatchView, options?: DecompressOptions): Promise<KafkaRecord[]> {
  return decodeRecords(batch, await recordsData(batch, options));
}
