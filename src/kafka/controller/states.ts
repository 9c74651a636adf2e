// The controller's per-partition and per-replica states and the transitions Kafka 2.8 allows between them
// (PartitionStateMachine.scala, ReplicaStateMachine.scala). A change from a state not listed is invalid: it is
// reported and skipped, never applied.

export type PartitionStateName = 'NonExistentPartition' | 'NewPartition' | 'OnlinePartition' | 'OfflinePartition';

export type ReplicaStateName =
  | 'NonExistentReplica'
  | 'NewReplica'
  | 'OnlineReplica'
  | 'OfflineReplica'
  | 'ReplicaDeletionStarted'
  | 'ReplicaDeletionSuccessful'
  | 'ReplicaDeletionIneligible';

/** Target state → the states it may be entered from. */
export const PARTITION_VALID_PREVIOUS: Readonly<Record<PartitionStateName, readonly PartitionStateName[]>> = {
  NewPartition: ['NonExistentPartition'],
  OnlinePartition: ['NewPartition', 'OnlinePartition', 'OfflinePartition'],
  OfflinePartition: ['NewPartition', 'OnlinePartition', 'OfflinePartition'],
  NonExistentPartition: ['OfflinePartition'],
};

export const REPLICA_VALID_PREVIOUS: Readonly<Record<ReplicaStateName, readonly ReplicaStateName[]>> = {
  NewReplica: ['NonExistentReplica'],
  OnlineReplica: ['NewReplica', 'OnlineReplica', 'OfflineReplica', 'ReplicaDeletionIneligible'],
  OfflineReplica: ['NewReplica', 'OnlineReplica', 'OfflineReplica', 'ReplicaDeletionIneligible'],
  ReplicaDeletionStarted: ['OfflineReplica'],
  ReplicaDeletionSuccessful: ['ReplicaDeletionStarted'],
  ReplicaDeletionIneligible: ['OfflineReplica', 'ReplicaDeletionStarted'],
  NonExistentReplica: ['ReplicaDeletionSuccessful'],
};

export const isValidPartitionTransition = (from: PartitionStateName, to: PartitionStateName): boolean =>
  PARTITION_VALID_PREVIOUS[to].includes(from);

export const isValidReplicaTransition = (from: ReplicaStateName, to: ReplicaStateName): boolean => REPLICA_VALID_PREVIOUS[to].includes(from);
