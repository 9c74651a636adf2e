// Writes the group coordinator's appends to __consumer_offsets through the local leader, compressed with
// offsets.topic.compression.codec, awaited appends with offsets.commit.required.acks within offsets.commit.timeout.ms.
// A TxnOffsetCommit's append is its producer's transactional batch.
import type { Scheduler } from '../../storage/scheduler.js';
import type { LocalPartitions } from '../broker-contracts.js';
import { InternalTopicAppender, type InternalTopicAppend } from '../internal-topics/internal-topic-appender.js';
import { OFFSETS_TOPIC } from './offsets-batches.js';

export { appendFailureCode } from '../internal-topics/internal-topic-appender.js';

export interface OffsetsAppenderConfig {
  /** offsets.topic.compression.codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  compression: number;
  /** offsets.commit.required.acks, for appends the coordinator waits on. */
  requiredAcks: number;
  /** offsets.commit.timeout.ms. */
  timeoutMs: number;
}

export type OffsetsAppend = InternalTopicAppend;

export class OffsetsAppender extends InternalTopicAppender {
  constructor(partitions: LocalPartitions, scheduler: Scheduler, config: OffsetsAppenderConfig) {
    super(partitions, scheduler, { topic: OFFSETS_TOPIC, ...config });
  }
}
