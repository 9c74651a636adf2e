// Reads a __consumer_offsets partition from its log start to its log end in reads of at most
// offsets.load.buffer.size bytes (grown when a single batch is larger, as Kafka grows its load buffer). Kafka's loader
// reads to the log end too: a broker that just became leader may still have a high watermark below commits that
// every in-sync replica acknowledged, and loading only to it would lose them.
import type { OffsetsLogEntry } from '../../coordinator/offsets-records.js';
import { ErrorCode, errorInfo } from '../../protocol/index.js';
import type { LocalPartitions } from '../broker-contracts.js';
import { decodeOffsetsBatches, OFFSETS_TOPIC } from './offsets-batches.js';

/** No batch of __consumer_offsets may exceed this (message.max.bytes cannot be set above it either). */
const MAX_LOAD_READ_BYTES = 0x7fffffff;

export class OffsetsLoadError extends Error {
  override readonly name = 'OffsetsLoadError';
}

export async function readOffsetsPartition(
  partitions: LocalPartitions,
  partition: number,
  loadBufferBytes: number,
  /** Checked between reads: false stops the load (leadership moved on). */
  stillWanted: () => boolean = () => true,
): Promise<OffsetsLogEntry[]> {
  const records: OffsetsLogEntry[] = [];
  let offset = 0n;
  let maxBytes = Math.max(1, loadBufferBytes);
  let started = false;
  while (stillWanted()) {
    const read = await partitions.readAsLeader(OFFSETS_TOPIC, partition, offset, maxBytes);
    if (read.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE && !started && read.logStartOffset > offset) {
      offset = read.logStartOffset;
      started = true;
      continue;
    }
    if (read.errorCode !== ErrorCode.NONE) {
      throw new OffsetsLoadError(`reading ${OFFSETS_TOPIC}-${partition} at offset ${offset} failed with ${errorInfo(read.errorCode).name}`);
    }
    started = true;
    if (offset >= read.logEndOffset) break;
    const decoded = await decodeOffsetsBatches(read.records, offset);
    records.push(...decoded.records);
    if (decoded.nextOffset === offset) {
      if (maxBytes >= MAX_LOAD_READ_BYTES) throw new OffsetsLoadError(`${OFFSETS_TOPIC}-${partition} has no whole batch at offset ${offset}`);
      maxBytes = Math.min(MAX_LOAD_READ_BYTES, maxBytes * 2);
      continue;
    }
    offset = decoded.nextOffset;
  }
  return records;
}
