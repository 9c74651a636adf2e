// The Kafka client library: producer, consumers (assign mode and consumer groups) and admin client over the Kafka protocol, with typed
// errors (one class per Kafka error code). Works against Apache Kafka 2.x/3.x brokers and zkafka's.
export * from './errors/index.js';
export { KafkaProducer, type ProducerRecord, type RecordMetadata } from './producer/kafka-producer.js';
export type { ProducerOptions, CompressionName } from './producer/producer-options.js';
export { DefaultPartitioner, keyedPartition, type Partitioner } from './producer/partitioner.js';
export { murmur2, toPositive } from './producer/murmur2.js';
export { KafkaConsumer, type ConsumerOptions, type ConsumerRecord, type PartitionAssignment, type OffsetResetPolicy } from './consumer/kafka-consumer.js';
export { forEachFetched, FetchedBatch, type FetchedChunk } from './consumer/fetched-records.js';
export { KafkaGroupConsumer, type GroupConsumerOptions, type RebalanceListener } from './consumer/kafka-group-consumer.js';
export { CooperativeStickyAssignor } from './consumer/group/cooperative-sticky-assignor.js';
export { RangeAssignor, RoundRobinAssignor, KafkajsRoundRobinAssignor, type PartitionAssignor, type GroupMemberSubscription } from './consumer/group/assignors.js';
export { encodeSubscription, decodeSubscription, encodeAssignment, decodeAssignment, type Subscription, type Assignment } from './consumer/group/consumer-protocol.js';
export type { OffsetToCommit } from './consumer/group/group-requests.js';
export type { PartitionRef } from './cluster/leader-requests.js';
export { KafkaAdmin, type AdminOptions, type ClusterDescription, type ConfigEntry, type PartitionReassignment } from './admin/kafka-admin.js';
export type { GroupDescription, GroupListing, GroupMember, CommittedOffset } from './admin/admin-groups.js';
export { ConfigResourceType, type ConfigResource, type ConfigOp, type NewTopic, type NewPartitions } from './admin/admin-requests.js';
export { KafkaCluster } from './cluster/kafka-cluster.js';
export type { ClientOptions } from './cluster/client-options.js';
export type { BrokerNode, TopicMetadata, PartitionMetadata } from './cluster/cluster-metadata.js';
export { BrokerConnection } from './network/broker-connection.js';
