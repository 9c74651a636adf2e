// The ZooKeeper-mode metadata cache (Kafka 2.8's ZkMetadataCache): what the controller last told this broker in
// UpdateMetadata — the live brokers with their endpoints per listener, the controller id, every partition's leader,
// epochs, replicas, ISR and offline replicas, and the topic ids. Metadata, FindCoordinator and the admin APIs answer
// from it; handlers that wait for a topic to show (or go) subscribe to its updates.
import { ErrorCode } from '../protocol/index.js';
import { ZERO_UUID, type BrokerMetadata, type MetadataBroker, type MetadataPartition, type MetadataTopic } from './broker-metadata.js';
import type { MetadataUpdates } from './broker-contracts.js';

/** UpdateMetadata's leader for a partition of a topic being deleted: the cache drops it. */
export const LEADER_DURING_DELETE = -2;
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

export interface CachedPartitionState {
  partition: number;
  controllerEpoch: number;
  leader: number;
  leaderEpoch: number;
  isr: readonly number[];
  zkVersion: number;
  replicas: readonly number[];
  offlineReplicas: readonly number[];
}

export interface CachedBroker {
  id: number;
  rack: string | null;
  /** Listener name → advertised endpoint. */
  endpoints: ReadonlyMap<string, { host: string; port: number }>;
}

/** An UpdateMetadata request in the shape common to all its versions. */
export interface MetadataUpdate {
  controllerId: number;
  controllerEpoch: number;
  liveBrokers: readonly CachedBroker[];
  topicStates: readonly { topicName: string; topicId: string; partitionStates: readonly CachedPartitionState[] }[];
}

export class ZkMetadataCache implements BrokerMetadata, MetadataUpdates {
  private controller = -1;
  private brokers = new Map<number, CachedBroker>();
  private readonly partitions = new Map<string, Map<number, CachedPartitionState>>();
  private readonly topicIds = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly cluster: string) {}

  /** Applies an UpdateMetadata; returns the partitions it removed (their topics are being deleted). */
  update(request: MetadataUpdate): { topic: string; partition: number }[] {
    this.controller = request.controllerId < 0 ? -1 : request.controllerId;
    this.brokers = new Map(request.liveBrokers.map((b) => [b.id, b]));
    const deleted: { topic: string; partition: number }[] = [];
    for (const t of request.topicStates) {
      if (t.topicId !== ZERO_UUID) this.topicIds.set(t.topicName, t.topicId);
      for (const s of t.partitionStates) {
        if (s.leader === LEADER_DURING_DELETE) {
          this.removePartition(t.topicName, s.partition);
          deleted.push({ topic: t.topicName, partition: s.partition });
          continue;
        }
        let byPartition = this.partitions.get(t.topicName);
        if (!byPartition) this.partitions.set(t.topicName, (byPartition = new Map()));
        byPartition.set(s.partition, s);
      }
    }
    for (const listener of [...this.listeners]) listener();
    return deleted;
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clusterId(): string {
    return this.cluster;
  }

  controllerId(): number {
    return this.controller;
  }

  aliveBrokers(listenerName: string): MetadataBroker[] {
    const out: MetadataBroker[] = [];
    for (const b of [...this.brokers.values()].sort((x, y) => x.id - y.id)) {
      const e = b.endpoints.get(listenerName);
      if (e) out.push({ id: b.id, host: e.host, port: e.port, rack: b.rack });
    }
    return out;
  }

  isAlive(brokerId: number): boolean {
    return this.brokers.has(brokerId);
  }

  aliveEndpoint(brokerId: number, listenerName: string): { host: string; port: number } | undefined {
    return this.brokers.get(brokerId)?.endpoints.get(listenerName);
  }

  partitionState(topic: string, partition: number): CachedPartitionState | undefined {
    return this.partitions.get(topic)?.get(partition);
  }

  topic(name: string): MetadataTopic | undefined {
    const byPartition = this.partitions.get(name);
    if (!byPartition) return undefined;
    return {
      name,
      topicId: this.topicIds.get(name) ?? ZERO_UUID,
      isInternal: INTERNAL_TOPICS.has(name),
      partitions: [...byPartition.values()].sort((a, b) => a.partition - b.partition).map((s) => this.describe(s)),
    };
  }

  *allTopics(): Iterable<MetadataTopic> {
    for (const name of [...this.partitions.keys()].sort()) yield this.topic(name)!;
  }

  /** Kafka's getPartitionMetadata without a listener: a leader that is not alive is reported as none. */
  private describe(s: CachedPartitionState): MetadataPartition {
    const leaderAlive = this.brokers.has(s.leader);
    return {
      partition: s.partition,
      leaderId: leaderAlive ? s.leader : -1,
      leaderEpoch: s.leaderEpoch,
      replicas: s.replicas,
      isr: s.isr,
      offlineReplicas: s.offlineReplicas,
      errorCode: leaderAlive ? ErrorCode.NONE : ErrorCode.LEADER_NOT_AVAILABLE,
    };
  }

  private removePartition(topic: string, partition: number): void {
    const byPartition = this.partitions.get(topic);
    if (!byPartition) return;
    byPartition.delete(partition);
    if (byPartition.size === 0) {
      this.partitions.delete(topic);
      this.topicIds.delete(topic);
    }
  }
}
