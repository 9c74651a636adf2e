// Reads a __consumer_offsets partition from its log start to its log end (offsets.load.buffer.size per read), decoded
// into offsets-log records.
import type { OffsetsLogEntry } from '../../coordinator/offsets-records.js';
import type { LocalPartitions } from '../broker-contracts.js';
import { InternalTopicLoadError, readInternalPartition } from '../internal-topics/internal-topic-reader.js';
import { decodeOffsetsBatches, OFFSETS_TOPIC } from './offsets-batches.js';

export class OffsetsLoadError extends InternalTopicLoadError {
  override readonly name = 'OffsetsLoadError';
}

export function readOffsetsPartition(
  partitions: LocalPartitions,
  partition: number,
  loadBufferBytes: number,
  /** Checked between reads: false stops the load (leadership moved on). */
  stillWanted: () => boolean = () => true,
): Promise<OffsetsLogEntry[]> {
  return readInternalPartition(partitions, OFFSETS_TOPIC, partition, loadBufferBytes, decodeOffsetsBatches, stillWanted, OffsetsLoadError);
}
