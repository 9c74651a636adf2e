// The record batches the group coordinator keeps in __consumer_offsets: one magic-2 batch per append (compressed
// as offsets.topic.compression.codec; a TxnOffsetCommit's is its producer's transactional batch), and the decoding of
// a partition's stored batches back into offsets-log records and transaction markers when the partition is loaded.
import { decodeOffsetsLogRecord, type OffsetsLogEntry } from '../../coordinator/offsets-records.js';
import type { AppendRecord, TxnProducer } from '../../coordinator/types.js';
import { buildRecordBatch, ControlRecordType, controlRecordType, readRecords, recordBatches } from '../../protocol/records/index.js';

export const OFFSETS_TOPIC = '__consumer_offsets';

/**
 * The coordinator's records as one create-time batch stamped `timestampMs`; with a producer, that producer's
 * transactional batch without a sequence (base sequence -1), as a coordinator writes it.
 */
export function encodeOffsetsBatch(records: readonly AppendRecord[], timestampMs: number, compression: number, producer?: TxnProducer): Promise<Buffer> {
  const txn = producer ? { producerId: producer.producerId, producerEpoch: producer.producerEpoch, baseSequence: -1, isTransactional: true } : {};
  return buildRecordBatch(
    records.map((r) => ({ key: r.key, value: r.value, timestamp: timestampMs })),
    { compression, now: timestampMs, ...txn },
  );
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
