// Builds the transaction coordinator's part of a broker from the broker's configuration and its injected parts (the
// replica manager's LocalPartitions, the admin side's TopicCreator, the metadata, the producer id manager), on the
// system clock and Node timers; markers go to the partition leaders over the inter-broker listener.
import type { KafkaConfig } from '../../../config/kafka-config.js';
import { transactionStateTopicConfigs, type TransactionStateTopicConfig } from '../../admin/auto-create.js';
import { partitionForGroup } from '../../coordinator/group-partition.js';
import { TRANSACTION_STATE_TOPIC } from '../../coordinator/txn/txn-log-records.js';
import { systemClock, TimerScheduler } from '../../storage/scheduler.js';
import type { LocalPartitions, TopicCreator } from '../broker-contracts.js';
import type { BrokerLog } from '../broker-log.js';
import type { BrokerMetadata } from '../broker-metadata.js';
import { InternalTopicLocator, type InternalTopicSpec } from '../internal-topics/internal-topic-locator.js';
import { BrokerNetworkClient } from '../network-client.js';
import type { MarkerChannel } from './txn-marker-sender.js';
import { TXN_COORDINATOR_LOGGER, TxnCoordinatorService } from './txn-coordinator-service.js';
import type { TxnHandlerDeps } from './txn-handler-deps.js';

export interface TxnCoordinatorParts {
  deps: TxnHandlerDeps;
  shutdown(): void;
}

/** __transaction_state as Kafka 2.8 creates it (TransactionStateManager.transactionTopicConfigs), once rf brokers are alive. */
export function transactionStateTopicSpec(config: TransactionStateTopicConfig): InternalTopicSpec {
  return {
    name: TRANSACTION_STATE_TOPIC,
    numPartitions: config.transactionStateLogNumPartitions,
    replicationFactor: config.transactionStateLogReplicationFactor,
    configs: transactionStateTopicConfigs(config),
    minAliveBrokers: config.transactionStateLogReplicationFactor,
  };
}

export function startTxnCoordinator(opts: {
  config: KafkaConfig;
  brokerId: number;
  partitions: LocalPartitions;
  topics: TopicCreator;
  metadata: BrokerMetadata;
  producerIds: { generateProducerId(): Promise<bigint> };
  log: BrokerLog;
}): TxnCoordinatorParts {
  const { config, brokerId } = opts;
  const scheduler = new TimerScheduler((name, err) => opts.log('ERROR', `Uncaught error in scheduled task '${name}': ${(err as Error)?.stack ?? String(err)}`, TXN_COORDINATOR_LOGGER));
  const connect = (peerId: number, host: string, port: number): MarkerChannel => {
    const client = new BrokerNetworkClient(host, port, `broker-${brokerId}-txn-marker-sender-${peerId}`, config.requestTimeoutMs);
    return { send: (apiKey, apiVersion, body) => client.send(apiKey, apiVersion, body as never), close: () => client.close() };
  };
  const txn = new TxnCoordinatorService({
    config, partitions: opts.partitions, clock: systemClock, scheduler, log: opts.log, brokerId, producerIds: opts.producerIds,
    markers: { metadata: opts.metadata, interBrokerListenerName: config.interBrokerListenerName, connect },
  });
  const locator = new InternalTopicLocator(opts.metadata, opts.topics, transactionStateTopicSpec(config), opts.log);
  return {
    deps: { txn, locator, metadata: opts.metadata, groupPartitionFor: (groupId) => partitionForGroup(groupId, config.offsetsTopicNumPartitions) },
    shutdown() {
      txn.shutdown();
      scheduler.shutdown();
    },
  };
}
