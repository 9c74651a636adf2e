// Reads a coordinator's internal-topic partition (__consumer_offsets, __transaction_state) from its log start to
// its log end in reads of at most the load buffer size (grown when a single batch is larger, as Kafka grows its load
// buffer). Kafka's loaders read to the log end too: a broker that just became leader may still have a high watermark
// below records that every in-sync replica acknowledged, and loading only to it would lose them.
import { ErrorCode, errorInfo } from '../../protocol/index.js';
import { readRecords, recordBatches } from '../../protocol/records/index.js';
import type { LocalPartitions } from '../broker-contracts.js';

/** No batch of an internal topic may exceed this (message.max.bytes cannot be set above it either). */
const MAX_LOAD_READ_BYTES = 0x7fffffff;

export class InternalTopicLoadError extends Error {
  override readonly name: string = 'InternalTopicLoadError';
}

export interface DecodedRead<T> {
  records: T[];
  /** The offset after the last whole batch read; `fromOffset` when no whole batch was there. */
  nextOffset: bigint;
}

/** Decodes the records at or after `fromOffset` in the whole batches of a read. */
export type BatchDecoder<T> = (blob: Buffer, fromOffset: bigint) => Promise<DecodedRead<T>>;

/** The batches of `blob` that are complete (a read may end inside the last one). */
export function* wholeBatches(blob: Buffer) {
  // Each batch is baseOffset (8) + length (4) + `length` bytes; cut the blob after the last complete one.
  let end = 0;
  while (end + 12 <= blob.length) {
    const size = 12 + blob.readInt32BE(end + 8);
    if (end + size > blob.length) break;
    end += size;
  }
  yield* recordBatches(blob.subarray(0, end));
}

export async function readInternalPartition<T>(
  partitions: LocalPartitions,
  topic: string,
  partition: number,
  loadBufferBytes: number,
  decode: BatchDecoder<T>,
  /** Checked between reads: false stops the load (leadership moved on). */
  stillWanted: () => boolean = () => true,
  LoadError: new (message: string) => Error = InternalTopicLoadError,
): Promise<T[]> {
  const records: T[] = [];
  let offset = 0n;
  let maxBytes = Math.max(1, loadBufferBytes);
  let started = false;
  while (stillWanted()) {
    const read = await partitions.readAsLeader(topic, partition, offset, maxBytes);
    if (read.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && !started && read.logStartOffset > offset) {
      offset = read.logStartOffset;
      started = true;
      continue;
    }
    if (read.errorCode !== ErrorCode.NONE) {
      throw new LoadError(`reading ${topic}-${partition} at offset ${offset} failed with ${errorInfo(read.errorCode).name}`);
    }
    started = true;
    if (offset >= read.logEndOffset) break;
    const decoded = await decode(read.records, offset);
    records.push(...decoded.records);
    if (decoded.nextOffset === offset) {
      if (maxBytes >= MAX_LOAD_READ_BYTES) throw new LoadError(`${topic}-${partition} has no whole batch at offset ${offset}`);
      maxBytes = Math.min(MAX_LOAD_READ_BYTES, maxBytes * 2);
      continue;
    }
    offset = decoded.nextOffset;
  }
  return records;
}

/**
 * A BatchDecoder for a coordinator's plain key/value records: control and transactional batches are skipped, a record
 * without a key is an error.
 */
export function keyedRecordDecoder<T>(topic: string, decodeRecord: (key: Uint8Array, value: Uint8Array | null) => T): BatchDecoder<T> {
  return async (blob, fromOffset) => {
    const records: T[] = [];
    let nextOffset = fromOffset;
    for (const batch of wholeBatches(blob)) {
      const next = BigInt(batch.nextOffset);
      if (next <= nextOffset) continue;
      if (!batch.isControl && !batch.isTransactional) {
        for (const record of await readRecords(batch)) {
          if (BigInt(record.offset) < nextOffset) continue;
          if (record.key === null) throw new InternalTopicLoadError(`record at offset ${record.offset} of ${topic} has no key`);
          records.push(decodeRecord(record.key, record.value));
        }
      }
      nextOffset = next;
    }
    return { records, nextOffset };
  };
}
