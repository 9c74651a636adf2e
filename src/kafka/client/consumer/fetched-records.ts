// Turns one partition's Fetch answer into records: every record format (magic 0, 1 and 2), decompressed, from the
// fetch position on (a compressed batch may start before it), without control records, and under read_committed
// without the records of aborted transactions (the broker lists them; a batch's ABORT marker ends one).
import {
  BatchScanner,
  controlRecordType,
  ControlRecordType,
  iterateRecords,
  LegacyEntryView,
  readHeaders,
  RecordCursor,
  RecordReader,
  TimestampType,
  MAGIC_V2,
  readLegacyRecords,
  RecordBatchView,
  recordsData,
  DEFAULT_MAX_DECOMPRESSED_BYTES,
} from '../../protocol/records/index.js';
import type { FetchResponseAbortedTransaction } from '../../protocol/schemas/fetch.js';

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  /** 0 CreateTime, 1 LogAppendTime, -1 none (magic 0 records). */
  timestampType: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface DecodedFetch {
  records: ConsumerRecord[];
  /** Where the next fetch starts: past the last batch read (records, control and aborted batches alike). */
  nextOffset: bigint;
}

/**
 * One partition's Fetch answer as it arrived: poll() decodes it to records, pollFetched() hands it out whole for a
 * reader that works on the bytes (see forEachFetched).
 */
export interface FetchedChunk {
  topic: string;
  partition: number;
  /** The partition's record bytes as fetched (a last batch cut by the size limit included). */
  records: Buffer;
  /** The first offset to hand out (a batch may start before it). */
  from: bigint;
  /** Past the last whole batch read: where the next fetch starts. */
  nextOffset: bigint;
  readCommitted: boolean;
  aborted: readonly FetchResponseAbortedTransaction[] | null | undefined;
}

/**
 * A v2 batch's records, to read in place with a RecordReader over `data` (the records area, decompressed): `count`
 * records, of which those with an offset delta below `skip` lie before the position. One object is refilled for
 * every batch of a walk: it is valid during its callback.
 */
export class FetchedBatch {
  data: Buffer = EMPTY;
  count = 0;
  baseOffset = 0n;
  baseTimestamp = 0;
  timestampType = 0;
  /** The batch's timestamp for every record of a LogAppendTime batch, else -1. */
  logAppendTime = -1;
  skip = 0;
}

const EMPTY = Buffer.alloc(0);

/** Where the next fetch starts after this answer: past its last whole batch that ends after `position`. */
export function fetchedNextOffset(blob: Buffer | null, position: bigint): bigint {
  let next = position;
  if (blob === null || blob.length === 0) return next;
  const scanner = new BatchScanner(blob);
  while (scanner.next()) {
    // A legacy entry's offset is its last record's; a v2 batch's next offset is in its header.
    const batchNext = scanner.magic === MAGIC_V2 ? BigInt(new RecordBatchView(blob, scanner.batchStart).nextOffset) : blob.readBigInt64BE(scanner.batchStart) + 1n;
    if (batchNext > position) next = batchNext;
  }
  return next;
}

/**
 * Walks a fetched answer from its position: `onBatch` for each v2 data batch (decompressed when compressed),
 * `onRecords` with the records of legacy (magic 0 and 1) entries; control batches, and under read_committed the
 * batches of aborted transactions, are left out. A callback returning false ends the walk.
 */
export async function forEachFetched(
  chunk: Pick<FetchedChunk, 'records' | 'from' | 'readCommitted' | 'aborted' | 'topic' | 'partition'>,
  onBatch: (batch: FetchedBatch) => boolean | void,
  onRecords: (records: ConsumerRecord[]) => boolean | void,
  maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Promise<void> {
  const { records: blob, from: position, readCommitted, aborted } = chunk;
  if (blob === null || blob.length === 0) return;
  // Aborted transactions by first offset; one becomes active when the fetch reaches it.
  const pending = readCommitted && aborted ? [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1)) : [];
  const abortedProducers = new Set<bigint>();
  const scanner = new BatchScanner(blob);
  const fetched = new FetchedBatch();
  while (scanner.next()) {
    if (scanner.magic !== MAGIC_V2) {
      const entry = new LegacyEntryView(blob, scanner.batchStart);
      const out: ConsumerRecord[] = [];
      for (const r of await readLegacyRecords(entry, { maxBytes: maxDecompressedBytes })) {
        const offset = BigInt(r.offset);
        if (offset < position) continue;
        out.push({ topic: chunk.topic, partition: chunk.partition, offset, timestamp: r.timestamp, timestampType: scanner.magic === 0 ? -1 : r.timestampType, key: r.key, value: r.value, headers: [] });
      }
      if (out.length > 0 && onRecords(out) === false) return;
      continue;
    }
    const batch = new RecordBatchView(blob, scanner.batchStart);
    if (BigInt(batch.nextOffset) <= position) continue;
    if (pending.length > 0 || abortedProducers.size > 0) {
      const producerId = BigInt(batch.producerId);
      while (pending.length > 0 && pending[0].firstOffset <= BigInt(batch.lastOffset)) abortedProducers.add(pending.shift()!.producerId);
      if (batch.isControl) {
        if (readCommitted && batch.isTransactional) {
          const data = await recordsData(batch, { maxBytes: maxDecompressedBytes });
          for (const r of iterateRecords(batch, data)) if (controlRecordType(r.key) === ControlRecordType.ABORT) abortedProducers.delete(producerId);
        }
        continue;
      }
      if (readCommitted && batch.isTransactional && abortedProducers.has(producerId)) continue;
    } else if (batch.isControl) {
      continue;
    }
    const baseOffset = BigInt(batch.baseOffset);
    fetched.data = batch.compression === 0 ? batch.recordsBytes() : await recordsData(batch, { maxBytes: maxDecompressedBytes });
    fetched.count = batch.recordCount;
    fetched.baseOffset = baseOffset;
    fetched.baseTimestamp = batch.baseTimestamp;
    fetched.timestampType = batch.timestampType;
    fetched.logAppendTime = batch.timestampType === TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp : -1;
    fetched.skip = position > baseOffset ? Number(position - baseOffset) : 0;
    if (onBatch(fetched) === false) return;
  }
}

/** The batch's records from its position on (one object per record, keys and values as views). */
function pushRecords(out: ConsumerRecord[], topic: string, partition: number, b: FetchedBatch): void {
  const data = b.data;
  const reader = new RecordReader(data, b.count);
  const { baseOffset, baseTimestamp, timestampType, logAppendTime, skip } = b;
  const r = new RecordCursor();
  while (reader.next(r)) {
    if (r.offsetDelta < skip) continue;
    out.push({
      topic,
      partition,
      offset: baseOffset + BigInt(r.offsetDelta),
      timestamp: logAppendTime >= 0 ? logAppendTime : baseTimestamp + r.timestampDelta,
      timestampType,
      key: r.keyLength < 0 ? null : data.subarray(r.keyStart, r.keyStart + r.keyLength),
      value: r.valueLength < 0 ? null : data.subarray(r.valueStart, r.valueStart + r.valueLength),
      headers: r.headerCount === 0 ? [] : readHeaders(data, r),
    });
  }
}

export async function decodeFetchedRecords(
  topic: string,
  partition: number,
  blob: Buffer | null,
  position: bigint,
  readCommitted: boolean,
  aborted: readonly FetchResponseAbortedTransaction[] | null | undefined,
  maxDecompressedBytes = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Promise<DecodedFetch> {
  const out: ConsumerRecord[] = [];
  if (blob === null || blob.length === 0) return { records: out, nextOffset: position };
  await forEachFetched(
    { topic, partition, records: blob, from: position, readCommitted, aborted },
    (b) => pushRecords(out, topic, partition, b),
    (records) => {
      for (const r of records) out.push(r);
    },
    maxDecompressedBytes,
  );
  return { records: out, nextOffset: fetchedNextOffset(blob, position) };
}
