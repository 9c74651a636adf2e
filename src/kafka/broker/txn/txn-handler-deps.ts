// What the transaction coordinator's API handlers share: the running coordinator, FindCoordinator's locator for
// __transaction_state, the metadata (AddPartitionsToTxn answers UNKNOWN_TOPIC_OR_PARTITION for partitions it does not
// know) and the group partition function (AddOffsetsToTxn adds the group's __consumer_offsets partition).
import type { BrokerMetadata } from '../broker-metadata.js';
import type { InternalTopicLocator } from '../internal-topics/internal-topic-locator.js';
import type { TxnCoordinatorService } from './txn-coordinator-service.js';

export interface TxnHandlerDeps {
  txn: TxnCoordinatorService;
  locator: InternalTopicLocator;
  metadata: BrokerMetadata;
  /** The __consumer_offsets partition of a group (offsets.topic.num.partitions). */
  groupPartitionFor(groupId: string): number;
}
