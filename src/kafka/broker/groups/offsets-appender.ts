// Writes the group coordinator's appends to __consumer_offsets through the local leader. Batches are built (and
// compressed) off the caller's path, so appends are handed to the partition in the order the coordinator emitted
// them; an append that is not acknowledged within offsets.commit.timeout.ms completes as REQUEST_TIMED_OUT, as
// Kafka's delayed produce does. Every append is the coordinator's own (Kafka's AppendOrigin.Coordinator): a
// TxnOffsetCommit's transactional batch carries no sequence number.
import type { AppendRecord, TxnProducer } from '../../coordinator/types.js';
import { ErrorCode } from '../../protocol/index.js';
import type { Scheduler } from '../../storage/scheduler.js';
import type { LocalPartitions } from '../broker-contracts.js';
import { encodeOffsetsBatch, OFFSETS_TOPIC } from './offsets-batches.js';

export interface OffsetsAppenderConfig {
  /** offsets.topic.compression.codec (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  compression: number;
  /** offsets.commit.required.acks, for appends the coordinator waits on. */
  requiredAcks: number;
  /** offsets.commit.timeout.ms. */
  timeoutMs: number;
}

export interface OffsetsAppend {
  partition: number;
  records: readonly AppendRecord[];
  timestampMs: number;
  /** True when the coordinator waits for the outcome (offset commits, group metadata). */
  awaited: boolean;
  /** A TxnOffsetCommit's append: written as this producer's transactional batch. */
  producer?: TxnProducer;
}

/** The error code a failed append reports: the Kafka error carried by the failure, else UNKNOWN_SERVER_ERROR. */
export function appendFailureCode(err: unknown): number {
  const code = (err as { errorCode?: unknown } | null)?.errorCode;
  return typeof code === 'number' && code !== ErrorCode.NONE ? code : ErrorCode.UNKNOWN_SERVER_ERROR;
}

export class OffsetsAppender {
  private readonly queues = new Map<number, Promise<void>>();

  constructor(
    private readonly partitions: LocalPartitions,
    private readonly scheduler: Scheduler,
    private readonly config: OffsetsAppenderConfig,
  ) {}

  /** Queues the append; `done` gets its error code (NONE once acknowledged) exactly once. */
  append(request: OffsetsAppend, done: (errorCode: number) => void): void {
    let finished = false;
    let cancelTimeout: (() => void) | undefined;
    const finish = (errorCode: number) => {
      if (finished) return;
      finished = true;
      cancelTimeout?.();
      done(errorCode);
    };
    const previous = this.queues.get(request.partition) ?? Promise.resolve();
    const submitted = previous.then(async () => {
      let batch: Buffer;
      try {
        batch = await encodeOffsetsBatch(request.records, request.timestampMs, this.config.compression, request.producer);
      } catch (err) {
        finish(appendFailureCode(err));
        return;
      }
      // Coordinator-internal appends (expiry and deletion tombstones) are written locally without waiting for replicas.
      const acks = request.awaited ? this.config.requiredAcks : 1;
      if (request.awaited) cancelTimeout = this.scheduler.schedule('offsets-commit-timeout', () => finish(ErrorCode.REQUEST_TIMED_OUT), this.config.timeoutMs);
      let appended: Promise<{ errorCode: number }>;
      try {
        // Called here, in queue order, so the partition sees the appends in the order the coordinator made them.
        appended = this.partitions.appendAsLeader(OFFSETS_TOPIC, request.partition, batch, acks, 'coordinator');
      } catch (err) {
        finish(appendFailureCode(err));
        return;
      }
      appended.then(
        (result) => finish(result.errorCode),
        (err) => finish(appendFailureCode(err)),
      );
    });
    this.queues.set(request.partition, submitted);
    void submitted.then(() => {
      if (this.queues.get(request.partition) === submitted) this.queues.delete(request.partition);
    });
  }
}
