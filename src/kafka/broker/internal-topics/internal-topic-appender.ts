// Writes a coordinator's appends to its internal topic (__consumer_offsets, __transaction_state) through the local
// leader. Batches are built (and compressed) off the caller's path, so appends are handed to the partition in the
// order the coordinator emitted them; an append that is not acknowledged within its timeout completes as
// REQUEST_TIMED_OUT, as Kafka's delayed produce does. Every append is the coordinator's own (Kafka's
// AppendOrigin.Coordinator), so the partition does not check sequence numbers on it.
import type { AppendRecord, TxnProducer } from '../../coordinator/types.js';
import { ErrorCode } from '../../protocol/index.js';
import { buildRecordBatch } from '../../protocol/records/index.js';
import type { Scheduler } from '../../storage/scheduler.js';
import type { LocalPartitions } from '../broker-contracts.js';

export interface InternalTopicAppenderConfig {
  topic: string;
  /** Codec of the batches (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
  compression: number;
  /** acks of the appends the coordinator waits on. */
  requiredAcks: number;
  /** Default wait for an awaited append's acknowledgement. */
  timeoutMs: number;
}

export interface InternalTopicAppend {
  partition: number;
  records: readonly AppendRecord[];
  timestampMs: number;
  /** True when the coordinator waits for the outcome; other appends are written with acks=1. */
  awaited: boolean;
  /** This append's wait instead of the configured one (a transaction's timeout, as Kafka's appendTransactionToLog). */
  timeoutMs?: number;
  /** A TxnOffsetCommit's append: written as this producer's transactional batch. */
  producer?: TxnProducer;
}

/**
 * The coordinator's records as one create-time batch stamped `timestampMs`; with a producer, that producer's
 * transactional batch at base sequence 0, as Kafka's GroupMetadataManager.storeOffsets builds it.
 */
export function encodeCoordinatorBatch(records: readonly AppendRecord[], timestampMs: number, compression: number, producer?: TxnProducer): Promise<Buffer> {
  const txn = producer ? { producerId: producer.producerId, producerEpoch: producer.producerEpoch, baseSequence: 0, isTransactional: true } : {};
  return buildRecordBatch(
    records.map((r) => ({ key: r.key, value: r.value, timestamp: timestampMs })),
    { compression, now: timestampMs, ...txn },
  );
}

/** The error code a failed append reports: the Kafka error carried by the failure, else UNKNOWN_SERVER_ERROR. */
export function appendFailureCode(err: unknown): number {
  const code = (err as { errorCode?: unknown } | null)?.errorCode;
  return typeof code === 'number' && code !== ErrorCode.NONE ? code : ErrorCode.UNKNOWN_SERVER_ERROR;
}

export class InternalTopicAppender {
  private readonly queues = new Map<number, Promise<void>>();

  constructor(
    private readonly partitions: LocalPartitions,
    private readonly scheduler: Scheduler,
    private readonly config: InternalTopicAppenderConfig,
  ) {}

  /** Queues the append; `done` gets its error code (NONE once acknowledged) exactly once. */
  append(request: InternalTopicAppend, done: (errorCode: number) => void): void {
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
        batch = await encodeCoordinatorBatch(request.records, request.timestampMs, this.config.compression, request.producer);
      } catch (err) {
        finish(appendFailureCode(err));
        return;
      }
      // Appends nobody waits on (the group coordinator's expiry tombstones) are written locally without waiting for replicas.
      const acks = request.awaited ? this.config.requiredAcks : 1;
      if (request.awaited) cancelTimeout = this.scheduler.schedule(`${this.config.topic}-append-timeout`, () => finish(ErrorCode.REQUEST_TIMED_OUT), request.timeoutMs ?? this.config.timeoutMs);
      let appended: Promise<{ errorCode: number }>;
      try {
        // Called here, in queue order, so the partition sees the appends in the order the coordinator made them.
        appended = this.partitions.appendAsLeader(this.config.topic, request.partition, batch, acks, 'coordinator');
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
