// What the transaction coordinator takes in and gives back. The broker adapter calls it with the current time and
// an opaque requestId, and carries out the returned effects:
//
//   respond         send this answer for requestId (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn
//                   answer once their __transaction_state record is acknowledged)
//   needProducerId  InitProducerId(requestId) needs a fresh producer id: call initProducerId again with one
//   append          append these records to __transaction_state partition p as one batch with acks=-1 within
//                   timeoutMs, then report appendCompleted(appendId, errorCode)
//   sendMarkers     write this transaction's markers to the leaders of its partitions; report each partition done
//                   (or dropped: its topic is gone) with markersWritten, and a fenced one with markersFenced
//   cancelMarkers   stop sending the markers of this transactional id (or of every id of a __transaction_state
//                   partition that was unloaded)
//   timer           call tick(nowMs) at or after deadlineMs (null: nothing scheduled)
//   log             a line for the broker's log (TransactionCoordinator / TransactionStateManager)
import type { KafkaConfig } from '../../../config/kafka-config.js';
import type { AppendRecord } from '../types.js';
import type { TopicPartition } from './txn-metadata.js';

export type TxnCoordinatorConfig = Pick<
  KafkaConfig,
  | 'transactionStateLogNumPartitions'
  | 'transactionMaxTimeoutMs'
  | 'transactionalIdExpirationMs'
  | 'transactionAbortTimedOutTransactionCleanupIntervalMs'
  | 'transactionRemoveExpiredTransactionCleanupIntervalMs'
>;

export interface TxnResponse {
  errorCode: number;
  /** InitProducerId only: -1 unless NONE. */
  producerId: bigint;
  producerEpoch: number;
}

export interface TxnMarker {
  transactionalId: string;
  /** The __transaction_state partition of the transactional id. */
  txnPartition: number;
  /** The leader epoch of that partition when its load began (Kafka's coordinatorEpoch). */
  coordinatorEpoch: number;
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  partitions: TopicPartition[];
}

export type TxnEffect =
  | { kind: 'respond'; requestId: number; response: TxnResponse }
  | { kind: 'needProducerId'; requestId: number }
  | { kind: 'append'; appendId: number; partition: number; timestampMs: number; timeoutMs: number; records: AppendRecord[] }
  | { kind: 'sendMarkers'; marker: TxnMarker }
  | { kind: 'cancelMarkers'; transactionalId: string }
  | { kind: 'cancelPartitionMarkers'; txnPartition: number }
  | { kind: 'timer'; deadlineMs: number | null }
  | { kind: 'log'; level: 'INFO' | 'WARN' | 'ERROR'; message: string };

export interface InitProducerIdCall {
  transactionalId: string;
  transactionTimeoutMs: number;
  /** v3+: the producer's current id and epoch, or undefined (Kafka's expectedProducerIdAndEpoch). */
  expected: { producerId: bigint; producerEpoch: number } | undefined;
}

export interface AddPartitionsCall {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  partitions: TopicPartition[];
}

export interface EndTxnCall {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
}
