// The record batches the group coordinator keeps in __consumer_offsets: one magic-2 batch per append (compressed
// as offsets.topic.compression.codec), and the decoding of a partition's stored batches back into offsets-log
// records when the partition is loaded.
import { decodeOffsetsLogRecord, type OffsetsLogRecord } from '../../coordinator/offsets-records.js';
import type { AppendRecord } from '../../coordinator/types.js';
import { buildRecordBatch, readRecords, recordBatches } from '../../protocol/records/index.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** The coordinator's records as one create-time batch stamped `timestampMs`. */
export function encodeOffsetsBatch(records: readonly AppendRecord[], timestampMs: number, compression: number): Promise<Buffer> {
  return buildRecordBatch(
    records.map((r) => ({ key: r.key, value: r.value, timestamp: timestampMs })),
    { compression, now: timestampMs },
  );
}

export interface DecodedOffsetsRead {
  records: OffsetsLogRecord[];
  /** The offset after the last whole batch read; `fromOffset` when no whole batch was there. */
  nextOffset: bigint;
}

/**
 * The records at or after `fromOffset` in the whole batches of `blob` (a partial batch at the end is left for the
 * next read). Control and transactional batches are skipped: transactional offset commits are not supported.
 */
export async function decodeOffsetsBatches(blob: Buffer, fromOffset: bigint): Promise<DecodedOffsetsRead> {
  const records: OffsetsLogRecord[] = [];
  let nextOffset = fromOffset;
  for (const batch of wholeBatches(blob)) {
    const next = BigInt(batch.nextOffset);
    if (next <= nextOffset) continue;
    if (!batch.isControl && !batch.isTransactional) {
      for (const record of await readRecords(batch)) {
        if (BigInt(record.offset) < nextOffset) continue;
        if (record.key === null) throw new Error(`record at offset ${record.offset} of ${OFFSETS_TOPIC} has no key`);
        records.push(decodeOffsetsLogRecord(record.key, record.value));
      }
    }
    nextOffset = next;
  }
  return { records, nextOffset };
}

/** The batches of `blob` that are complete (a read may end inside the last one). */
function* wholeBatches(blob: Buffer) {
  // Each batch is baseOffset (8) + length (4) + `length` bytes; cut the blob after the last complete one.
  let end = 0;
  while (end + 12 <= blob.length) {
    const size = 12 + blob.readInt32BE(end + 8);
    if (end + size > blob.length) break;
    end += size;
  }
  yield* recordBatches(blob.subarray(0, end));
}
