// What the controller asks its adapters to do. The controller is pure: it returns these as data, in order, and
// the ZooKeeper adapter (src/kafka/zk) and the broker channel adapter carry them out.
//
// Ordering contract for the adapters:
// - Effects are applied in the order returned. ZooKeeper writes come before the broker requests that announce them.
// - Every ZooKeeper write is fenced: the adapter sends it as one multi whose first op is
//   check(/controller_epoch, controllerEpochZkVersion). A failed check means another controller exists; a
//   BADVERSION/NONODE/NODEEXISTS on the write itself means the controller's view is stale. Either way the adapter
//   stops applying the rest of the batch and feeds back `ZkWriteFailed`; the controller then resigns (and the
//   adapter re-runs the election, whose failover reloads everything from ZooKeeper).
// - Broker requests go to each broker's queue, in order, with retries until the broker leaves the live set.
import type { PartitionState, ReplicaAssignment } from '../zk/zk-data.js';

// ---------------------------------------------------------------------------------------------------------------
// ZooKeeper writes

export type ZkWrite =
  /** Create `/brokers/topics/<t>/partitions`, `.../partitions/<p>` (null data, existing ones are fine) and `.../state`. */
  | { kind: 'createPartitionState'; topic: string; partition: number; state: PartitionState }
  /** Conditional setData of `.../partitions/<p>/state`; on success its zkVersion becomes expectedZkVersion + 1. */
  | { kind: 'updatePartitionState'; topic: string; partition: number; state: PartitionState; expectedZkVersion: number }
  /** Rewrite `/brokers/topics/<t>` (revert of partitions added to a topic being deleted, or a topic id assigned). */
  | { kind: 'setTopicAssignment'; topic: string; topicId: string | null; partitions: ReadonlyMap<number, ReplicaAssignment> }
  /** Delete `/brokers/topics/<t>` with its subtree, then `/config/topics/<t>`, then `/admin/delete_topics/<t>`. */
  | { kind: 'deleteTopic'; topic: string }
  /** Delete `/admin/delete_topics/<t>` only (topic unknown, or delete.topic.enable=false). */
  | { kind: 'deleteTopicDeletionMarker'; topic: string }
  /** Delete processed `/isr_change_notification/isr_change_<seq>` children. */
  | { kind: 'deleteIsrChangeNotifications'; sequenceNumbers: string[] }
  /** Delete `/admin/preferred_replica_election` after acting on it. */
  | { kind: 'deletePreferredReplicaElection' }
  /** Rewrite `/admin/reassign_partitions` with the partitions still to be moved; delete it when there are none. */
  | { kind: 'setReassignPartitions'; partitions: { topic: string; partition: number; replicas: number[] }[] };

// ---------------------------------------------------------------------------------------------------------------
// Controller → broker requests, with the fields (camelCase) of the Kafka request schemas. The broker adapter
// picks the version (LeaderAndIsr v5, UpdateMetadata v7, StopReplica v3 at IBP 2.8) and encodes them.

export interface LeaderAndIsrPartitionState {
  partitionIndex: number;
  controllerEpoch: number;
  leader: number;
  leaderEpoch: number;
  isr: number[];
  /** Named PartitionEpoch in newer schemas; the partition state znode's version. */
  zkVersion: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
  isNew: boolean;
}

export interface LeaderAndIsrRequest {
  api: 'LeaderAndIsr';
  controllerId: number;
  controllerEpoch: number;
  /** The recipient's broker epoch (czxid of its registration). */
  brokerEpoch: bigint;
  /** 0 = incremental (all a ZooKeeper-mode controller sends). */
  type: 0;
  topicStates: { topicName: string; topicId: string | null; partitionStates: LeaderAndIsrPartitionState[] }[];
  /** Endpoints of the leaders named above, on the inter-broker listener. */
  liveLeaders: { brokerId: number; hostName: string; port: number }[];
}

export interface UpdateMetadataPartitionState {
  partitionIndex: number;
  controllerEpoch: number;
  /** −2 (LEADER_DURING_DELETE) tells brokers the topic is being deleted. */
  leader: number;
  leaderEpoch: number;
  isr: number[];
  zkVersion: number;
  replicas: number[];
  offlineReplicas: number[];
}

export interface UpdateMetadataBroker {
  id: number;
  endpoints: { port: number; host: string; listener: string; securityProtocol: string }[];
  rack: string | null;
}

export interface UpdateMetadataRequest {
  api: 'UpdateMetadata';
  controllerId: number;
  controllerEpoch: number;
  brokerEpoch: bigint;
  topicStates: { topicName: string; topicId: string | null; partitionStates: UpdateMetadataPartitionState[] }[];
  liveBrokers: UpdateMetadataBroker[];
}

export interface StopReplicaRequest {
  api: 'StopReplica';
  controllerId: number;
  controllerEpoch: number;
  brokerEpoch: bigint;
  topicStates: { topicName: string; partitionStates: { partitionIndex: number; leaderEpoch: number; deletePartition: boolean }[] }[];
}

export type BrokerRequest = LeaderAndIsrRequest | UpdateMetadataRequest | StopReplicaRequest;

/** UpdateMetadata leader of a partition whose topic is being deleted. */
export const LEADER_DURING_DELETE = -2;
/** StopReplica leader epoch meaning "delete whatever epoch you have". */
export const EPOCH_DURING_DELETE = -2;
/** StopReplica leader epoch when the partition has no known state. */
export const NO_EPOCH = -1;

// ---------------------------------------------------------------------------------------------------------------
// Replies to requests the controller handles (AlterIsr, ControlledShutdown, ElectLeaders, AlterPartitionReassignments).

export interface AlterIsrPartitionResult {
  partitionIndex: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  isr: number[];
  currentIsrVersion: number;
}

export interface AlterIsrResponse {
  api: 'AlterIsr';
  errorCode: number;
  topics: { name: string; partitions: AlterIsrPartitionResult[] }[];
}

export interface ControlledShutdownResponse {
  api: 'ControlledShutdown';
  errorCode: number;
  remainingPartitions: { topicName: string; partitionIndex: number }[];
}

export interface ElectLeadersResponse {
  api: 'ElectLeaders';
  errorCode: number;
  replicaElectionResults: { topic: string; partitionResult: { partitionId: number; errorCode: number; errorMessage: string | null }[] }[];
}

export interface AlterPartitionReassignmentsResponse {
  api: 'AlterPartitionReassignments';
  errorCode: number;
  errorMessage: string | null;
  responses: { name: string; partitions: { partitionIndex: number; errorCode: number; errorMessage: string | null }[] }[];
}

export type Reply = AlterIsrResponse | ControlledShutdownResponse | ElectLeadersResponse | AlterPartitionReassignmentsResponse;

export type Effect =
  | { type: 'zkWrite'; controllerEpochZkVersion: number; write: ZkWrite }
  | { type: 'sendRequest'; brokerId: number; request: BrokerRequest }
  /** Answer the request the event carried `requestId` for. */
  | { type: 'reply'; requestId: number; reply: Reply }
  /** Open (or close) the request channel to a broker; requests are only sent to brokers with an open channel. */
  | { type: 'addBrokerChannel'; brokerId: number }
  | { type: 'removeBrokerChannel'; brokerId: number }
  /** Stop acting as controller: drop controller watches, close channels; delete `/controller` if asked. */
  | { type: 'resigned'; deleteControllerZnode: boolean };
