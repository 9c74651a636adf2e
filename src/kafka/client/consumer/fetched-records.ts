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

/** The batch's records from `position` on, read straight off the bytes (one object per record, keys and values as views). */
function pushRecords(out: ConsumerRecord[], topic: string, partition: number, batch: RecordBatchView, data: Buffer, position: bigint): void {
  const reader = new RecordReader(data, batch.recordCount);
  const baseOffset = BigInt(batch.baseOffset);
  const baseTimestamp = batch.baseTimestamp;
  const timestampType = batch.timestampType;
  const logAppendTime = timestampType === TimestampType.LOG_APPEND_TIME ? batch.maxTimestamp : -1;
  const skip = position > baseOffset ? Number(position - baseOffset) : 0;
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
  let next = position;
  if (blob === null || blob.length === 0) return { records: out, nextOffset: next };
  // Aborted transactions by first offset; one becomes active when the fetch reaches it.
  const pending = readCommitted && aborted ? [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1)) : [];
  const abortedProducers = new Set<bigint>();
  const scanner = new BatchScanner(blob);
  while (scanner.next()) {
    if (scanner.magic !== MAGIC_V2) {
      const entry = new LegacyEntryView(blob, scanner.batchStart);
      for (const r of await readLegacyRecords(entry, { maxBytes: maxDecompressedBytes })) {
        const offset = BigInt(r.offset);
        if (offset < position) continue;
        out.push({ topic, partition, offset, timestamp: r.timestamp, timestampType: scanner.magic === 0 ? -1 : r.timestampType, key: r.key, value: r.value, headers: [] });
        next = offset + 1n;
      }
      continue;
    }
    const batch = new RecordBatchView(blob, scanner.batchStart);
    const batchNext = BigInt(batch.nextOffset);
    if (batchNext <= position) continue;
    const producerId = BigInt(batch.producerId);
    while (pending.length > 0 && pending[0].firstOffset <= BigInt(batch.lastOffset)) abortedProducers.add(pending.shift()!.producerId);
    if (batch.isControl) {
      if (readCommitted && batch.isTransactional) {
        const data = await recordsData(batch, { maxBytes: maxDecompressedBytes });
        for (const r of iterateRecords(batch, data)) if (controlRecordType(r.key) === ControlRecordType.ABORT) abortedProducers.delete(producerId);
      }
      next = batchNext;
      continue;
    }
    if (readCommitted && batch.isTransactional && abortedProducers.has(producerId)) {
      next = batchNext;
      continue;
    }
    const data = await recordsData(batch, { maxBytes: maxDecompressedBytes });
    pushRecords(out, topic, partition, batch, data, position);
    next = batchNext;
  }
  return { records: out, nextOffset: next };
}
