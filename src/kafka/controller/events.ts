// Events the controller consumes, in the order its single queue receives them. ZooKeeper watch callbacks and API
// handlers turn into these; the adapters read whatever ZooKeeper data the event carries before enqueuing it.
import type { BrokerRegistration, PartitionState, ReplicaAssignment, TopicPartition } from '../zk/zk-data.js';

export interface RegisteredBroker {
  registration: BrokerRegistration;
  /** czxid of /brokers/ids/<id> (the broker epoch). */
  epoch: bigint;
}

export interface TopicSnapshot {
  topic: string;
  topicId: string | null;
  partitions: ReadonlyMap<number, ReplicaAssignment>;
}

/** Everything failover loads from ZooKeeper (KafkaController.initializeControllerContext). */
export interface ClusterSnapshot {
  brokers: readonly RegisteredBroker[];
  topics: readonly TopicSnapshot[];
  /** Existing partition state znodes with their Stat.version. */
  partitionStates: readonly { topic: string; partition: number; state: PartitionState; zkVersion: number }[];
  /** Children of /admin/delete_topics. */
  topicsToDelete: readonly string[];
  /** Sequence numbers of /isr_change_notification children, deleted on failover. */
  isrChangeSequenceNumbers: readonly string[];
  /** Contents of /admin/preferred_replica_election if present. */
  pendingPreferredElection: readonly TopicPartition[] | null;
}

export interface AlterIsrPartition {
  partitionIndex: number;
  leaderEpoch: number;
  newIsr: number[];
  currentIsrVersion: number;
}

export type ControllerEvent =
  /** This broker won the election (the adapter ran the create-/controller + bump-/controller_epoch multi). */
  | { type: 'BecomeController'; controllerEpoch: number; epochZkVersion: number; snapshot: ClusterSnapshot }
  /** /controller now names another broker, the session expired, or the adapter resigns for another reason. */
  | { type: 'Resign' }
  /** A fenced write failed (see effects.ts); the controller resigns and asks for /controller to be deleted. */
  | { type: 'ZkWriteFailed'; reason: 'controllerMoved' | 'badVersion' | 'other'; message: string }
  /** The current children of /brokers/ids with their registrations and epochs. */
  | { type: 'BrokerChange'; brokers: readonly RegisteredBroker[] }
  /** Data of /brokers/ids/<id> changed (endpoints or features). */
  | { type: 'BrokerModification'; broker: RegisteredBroker }
  /** The current children of /brokers/topics, with the assignments of (at least) the topics new to the controller. */
  | { type: 'TopicChange'; topics: readonly string[]; assignments: readonly TopicSnapshot[] }
  /** Data of /brokers/topics/<t> changed (partitions added). */
  | { type: 'PartitionModifications'; topic: TopicSnapshot }
  /** The current children of /admin/delete_topics. */
  | { type: 'TopicDeletion'; topics: readonly string[] }
  /** StopReplica(delete=true) answered: per partition error code (0 = deleted). */
  | { type: 'TopicDeletionStopReplicaResponse'; brokerId: number; partitions: readonly (TopicPartition & { errorCode: number })[] }
  /** Leaders wrote ISR changes themselves (pre-AlterIsr IBP): the states they wrote, re-read by the adapter. */
  | {
      type: 'IsrChangeNotification';
      sequenceNumbers: readonly string[];
      partitions: readonly { topic: string; partition: number; state: PartitionState; zkVersion: number }[];
    }
  | { type: 'AlterIsr'; requestId: number; brokerId: number; brokerEpoch: bigint; topics: readonly { name: string; partitions: readonly AlterIsrPartition[] }[] }
  | { type: 'ControlledShutdown'; requestId: number; brokerId: number; brokerEpoch: bigint }
  /**
   * Preferred leader election for the given partitions: from the ElectLeaders API (requestId set) or from
   * /admin/preferred_replica_election (source 'zk', znode deleted afterwards).
   */
  | { type: 'PreferredReplicaElection'; source: 'api' | 'zk'; requestId?: number; partitions: readonly TopicPartition[] }
  /** ElectLeaders with election type UNCLEAN: partitions without a live leader get the first live replica. */
  | { type: 'UncleanReplicaElection'; requestId: number; partitions: readonly TopicPartition[] }
  /** AlterPartitionReassignments (API 45): target replicas per partition, null to cancel. */
  | {
      type: 'PartitionReassignment';
      requestId: number;
      reassignments: readonly { topic: string; partition: number; replicas: readonly number[] | null }[];
    }
  /** /admin/reassign_partitions was created (or found at failover): its target replicas per partition. */
  | { type: 'ZkPartitionReassignment'; reassignments: readonly (TopicPartition & { replicas: readonly number[] })[] }
  /** unclean.leader.election.enable was switched on (for one topic or the broker default): retry offline partitions. */
  | { type: 'UncleanLeaderElectionEnable'; topic: string | null }
  /** The periodic leader-imbalance check (leader.imbalance.check.interval.seconds); the adapter owns the timer. */
  | { type: 'AutoPreferredReplicaLeaderElection' };
