// The Kafka group coordinator: membership, rebalances and committed offsets as a pure state machine.
export { GroupCoordinator, NEW_MEMBER_JOIN_TIMEOUT_MS } from './coordinator.js';
export type { GroupApi, PartitionOwnership } from './coordinator.js';
export { ErrorCode } from './error-codes.js';
export type { GroupState } from './group.js';
export { partitionForGroup, javaStringHashCode } from './group-partition.js';
export * from './offsets-records.js';
export { subscribedTopicsOf, encodeConsumerSubscription, CONSUMER_PROTOCOL_TYPE } from './consumer-subscription.js';
export type * from './types.js';
