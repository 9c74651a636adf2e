// The record batches the group coordinator keeps in __consumer_offsets: one magic-2 batch per append (compressed
// as offsets.topic.compression.codec; a TxnOffsetCommit's is its producer's transactional batch), and the decoding of
// a partition's stored batches back into offsets-log records and transaction markers when the partition is loaded.
import { decodeOffsetsLogRecord, type OffsetsLogEntry } from '../../coordinator/offsets-records.js';
import type { AppendRecord, TxnProducer } from '../../coordinator/types.js';
import { ControlRecordType, controlRecordType, readRecords } from '../../protocol/records/index.js';
import { encodeCoordinatorBatch } from '../internal-topics/internal-topic-appender.js';
import { wholeBatches } from '../internal-topics/internal-topic-reader.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/** The coordinator's records as one create-time batch stamped `timestampMs` (a producer's transactional batch with one). */
export function encodeOffsetsBatch(records: readonly AppendRecord[], timestampMs: number, compression: number, producer?: TxnProducer): Promise<Buffer> {
  return encodeCoordinatorBatch(records, timestampMs, compression, producer);
}

export interface DecodedOffsetsRead {
  records: OffsetsLogEntry[];
  /** The offset after the last whole batch read; `fromOffset` when no whole batch was there. */
  nextOffset: bigint;
}

/**
 * The records at or after `fromOffset` in the whole batches of `blob` (a partial batch at the end is left for the
 * next read): those of transactional batches carry their producer id, and a control batch becomes its producer's
 * marker (COMMIT, else an abort: any control record ends the producer's pending offsets, as Kafka's loader does).
 */
export async function decodeOffsetsBatches(blob: Buffer, fromOffset: bigint): Promise<DecodedOffsetsRead> {
  const records: OffsetsLogEntry[] = [];
  let nextOffset = fromOffset;
  for (const batch of wholeBatches(blob)) {
    const next = BigInt(batch.nextOffset);
    if (next <= nextOffset) continue;
    const producerId = batch.isTransactional ? batch.producerId : undefined;
    if (batch.isControl) {
      const [marker] = await readRecords(batch);
      if (marker !== undefined) records.push({ type: 'txn-marker', producerId: batch.producerId, commit: controlRecordType(marker.key) === ControlRecordType.COMMIT });
    } else {
      for (const record of await readRecords(batch)) {
        if (BigInt(record.offset) < nextOffset) continue;
        if (record.key === null) throw new Error(`record at offset ${record.offset} of ${OFFSETS_TOPIC} has no key`);
        const decoded = decodeOffsetsLogRecord(record.key, record.value);
        records.push(producerId === undefined ? decoded : { ...decoded, producerId });
      }
    }
    nextOffset = next;
  }
  return { records, nextOffset };
}
