// The record batches the group coordinator keeps in __consumer_offsets: one magic-2 batch per append (compressed
// as offsets.topic.compression.codec), and the decoding of a partition's stored batches back into offsets-log
// records when the partition is loaded.
import { decodeOffsetsLogRecord, type OffsetsLogRecord } from '../../coordinator/offsets-records.js';
import type { AppendRecord } from '../../coordinator/types.js';
import { readRecords } from '../../protocol/records/index.js';
import { encodeCoordinatorBatch } from '../internal-topics/internal-topic-appender.js';
import { wholeBatches } from '../internal-topics/internal-topic-reader.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** The coordinator's records as one create-time batch stamped `timestampMs`. */
export function encodeOffsetsBatch(records: readonly AppendRecord[], timestampMs: number, compression: number): Promise<Buffer> {
  return encodeCoordinatorBatch(records, timestampMs, compression);
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
