// Where FindCoordinator sends a group: the leader of its __consumer_offsets partition. A missing __consumer_offsets
// is created with offsets.topic.num.partitions, offsets.topic.replication.factor and GroupMetadataManager's topic
// configs.
import type { KafkaConfig } from '../../../config/kafka-config.js';
import type { TopicCreator } from '../broker-contracts.js';
import type { BrokerLog } from '../broker-log.js';
import type { BrokerMetadata } from '../broker-metadata.js';
import { InternalTopicLocator } from '../internal-topics/internal-topic-locator.js';
import { OFFSETS_TOPIC } from './offsets-batches.js';

export { NO_NODE, type CoordinatorNode } from '../internal-topics/internal-topic-locator.js';

export type LocatorConfig = Pick<KafkaConfig, 'offsetsTopicNumPartitions' | 'offsetsTopicReplicationFactor' | 'offsetsTopicSegmentBytes'>;

export class CoordinatorLocator extends InternalTopicLocator {
  constructor(metadata: BrokerMetadata, topics: TopicCreator, config: LocatorConfig, log: BrokerLog) {
    super(metadata, topics, {
      name: OFFSETS_TOPIC,
      numPartitions: config.offsetsTopicNumPartitions,
      replicationFactor: config.offsetsTopicReplicationFactor,
      // GroupMetadataManager.offsetsTopicConfigs.
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(config.offsetsTopicSegmentBytes), 'compression.type': 'producer' },
      // Left to the topic creation, which refuses a replication factor above the brokers alive.
      minAliveBrokers: 0,
    }, log);
  }
}
