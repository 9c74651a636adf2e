// What the active controller knows (Kafka's ControllerContext): live brokers with their epochs, topics with ids and
// assignments, each partition's leadership (leader, ISR, leader epoch, controller epoch, zk version) and the state
// of every partition and replica in the two state machines.
import type { BrokerRegistration, PartitionState, ReplicaAssignment } from '../zk/zk-data.js';
import type { PartitionStateName, ReplicaStateName } from './states.js';

export interface LiveBroker {
  registration: BrokerRegistration;
  /** czxid of /brokers/ids/<id>. */
  epoch: bigint;
}

export interface Leadership {
  state: PartitionState;
  /** Stat.version of the partition state znode: the fence of every conditional write of it. */
  zkVersion: number;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

export interface PartitionRef {
  topic: string;
  partition: number;
}

export interface ReplicaRef extends PartitionRef {
  broker: number;
}

export class ControllerContext {
  epoch = 0;
  epochZkVersion = 0;
  readonly liveBrokers = new Map<number, LiveBroker>();
  readonly shuttingDownBrokerIds = new Set<number>();
  readonly topicIds = new Map<string, string | null>();
  readonly assignments = new Map<string, Map<number, ReplicaAssignment>>();
  readonly leadership = new Map<string, Leadership>();
  readonly partitionStates = new Map<string, PartitionStateName>();
  /** partition key → broker → state. */
  readonly replicaStates = new Map<string, Map<number, ReplicaStateName>>();
  readonly topicsToBeDeleted = new Set<string>();
  readonly topicsIneligibleForDeletion = new Set<string>();
  /** Partitions of the active /admin/reassign_partitions request (partition key → target replicas). */
  readonly zkReassignments = new Map<string, { topic: string; partition: number; replicas: number[] }>();

  clear(): void {
    this.epoch = 0;
    this.epochZkVersion = 0;
    for (const m of [this.liveBrokers, this.topicIds, this.assignments, this.leadership, this.partitionStates, this.replicaStates, this.zkReassignments]) m.clear();
    for (const s of [this.shuttingDownBrokerIds, this.topicsToBeDeleted, this.topicsIneligibleForDeletion]) s.clear();
  }

  /** Registered and not shutting down: what elections may pick. */
  isLive = (broker: number): boolean => this.liveBrokers.has(broker) && !this.shuttingDownBrokerIds.has(broker);
  isLiveOrShuttingDown = (broker: number): boolean => this.liveBrokers.has(broker);
  isShuttingDown = (broker: number): boolean => this.shuttingDownBrokerIds.has(broker);

  liveOrShuttingDownBrokerIds(): number[] {
    return [...this.liveBrokers.keys()].sort((a, b) => a - b);
  }

  assignment(topic: string, partition: number): ReplicaAssignment | undefined {
    return this.assignments.get(topic)?.get(partition);
  }

  replicas(p: PartitionRef): number[] {
    return this.assignment(p.topic, p.partition)?.replicas ?? [];
  }

  allPartitions(): PartitionRef[] {
    const out: PartitionRef[] = [];
    for (const [topic, parts] of this.assignments) for (const partition of parts.keys()) out.push({ topic, partition });
    return out;
  }

  partitionsOfTopic(topic: string): PartitionRef[] {
    return [...(this.assignments.get(topic)?.keys() ?? [])].map((partition) => ({ topic, partition }));
  }

  replicasOfTopic(topic: string): ReplicaRef[] {
    return this.partitionsOfTopic(topic).flatMap((p) => this.replicas(p).map((broker) => ({ ...p, broker })));
  }

  partitionsOnBroker(broker: number): PartitionRef[] {
    return this.allPartitions().filter((p) => this.replicas(p).includes(broker));
  }

  replicasOnBrokers(brokers: ReadonlySet<number>): ReplicaRef[] {
    return this.allPartitions().flatMap((p) => this.replicas(p).filter((b) => brokers.has(b)).map((broker) => ({ ...p, broker })));
  }

  getLeadership(p: PartitionRef): Leadership | undefined {
    return this.leadership.get(partitionKey(p.topic, p.partition));
  }

  partitionState(p: PartitionRef): PartitionStateName {
    return this.partitionStates.get(partitionKey(p.topic, p.partition)) ?? 'NonExistentPartition';
  }

  setPartitionState(p: PartitionRef, state: PartitionStateName): void {
    this.partitionStates.set(partitionKey(p.topic, p.partition), state);
  }

  replicaState(r: ReplicaRef): ReplicaStateName {
    return this.replicaStates.get(partitionKey(r.topic, r.partition))?.get(r.broker) ?? 'NonExistentReplica';
  }

  setReplicaState(r: ReplicaRef, state: ReplicaStateName): void {
    const key = partitionKey(r.topic, r.partition);
    let m = this.replicaStates.get(key);
    if (!m) this.replicaStates.set(key, (m = new Map()));
    if (state === 'NonExistentReplica') m.delete(r.broker);
    else m.set(r.broker, state);
  }

  /** A reassignment is in progress: the assignment lists adding or removing replicas. */
  isReassigning(p: PartitionRef): boolean {
    const a = this.assignment(p.topic, p.partition);
    return a !== undefined && (a.addingReplicas.length > 0 || a.removingReplicas.length > 0);
  }

  isTopicQueuedForDeletion(topic: string): boolean {
    return this.topicsToBeDeleted.has(topic);
  }

  removeTopic(topic: string): void {
    for (const p of this.partitionsOfTopic(topic)) {
      const key = partitionKey(topic, p.partition);
      this.leadership.delete(key);
      this.partitionStates.delete(key);
      this.replicaStates.delete(key);
    }
    this.assignments.delete(topic);
    this.topicIds.delete(topic);
    this.topicsToBeDeleted.delete(topic);
    this.topicsIneligibleForDeletion.delete(topic);
  }
}
