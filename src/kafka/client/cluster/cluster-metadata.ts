// What the client knows of the cluster from Metadata responses: brokers, controller, topics and their partition
// leaders. Immutable; a refresh builds a new one (a refresh for some topics keeps what it did not ask about).
import type { MetadataResponse } from '../../protocol/schemas/metadata.js';

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionMetadata {
  partition: number;
  errorCode: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicMetadata {
  name: string;
  errorCode: number;
  topicId: string | null;
  isInternal: boolean;
  /** Sorted by partition number. */
  partitions: PartitionMetadata[];
}

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export class ClusterMetadata {
  /** availablePartitions per topic, computed once: this metadata never changes (a refresh makes a new one). */
  private readonly available = new Map<string, readonly number[]>();

  constructor(
    readonly clusterId: string | null,
    readonly controllerId: number,
    readonly brokers: ReadonlyMap<number, BrokerNode>,
    readonly topics: ReadonlyMap<string, TopicMetadata>,
  ) {}

  static empty(): ClusterMetadata {
    return new ClusterMetadata(null, -1, new Map(), new Map());
  }

  static fromResponse(response: MetadataResponse): ClusterMetadata {
    const brokers = new Map<number, BrokerNode>();
    for (const b of response.brokers) brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null });
    const topics = new Map<string, TopicMetadata>();
    for (const t of response.topics) {
      if (t.name === null) continue;
      const partitions = t.partitions
        .map((p) => ({
          partition: p.partitionIndex,
          errorCode: p.errorCode,
          leader: p.leaderId,
          leaderEpoch: p.leaderEpoch ?? -1,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas ?? [],
        }))
        .sort((a, b) => a.partition - b.partition);
      const topicId = t.topicId === undefined || t.topicId === ZERO_UUID ? null : t.topicId;
      topics.set(t.name, { name: t.name, errorCode: t.errorCode, topicId, isInternal: t.isInternal ?? false, partitions });
    }
    return new ClusterMetadata(response.clusterId ?? null, response.controllerId ?? -1, brokers, topics);
  }

  /** This metadata with `newer`'s brokers and controller, and its topics replacing or adding to ours. */
  mergedWith(newer: ClusterMetadata, requestedAll: boolean): ClusterMetadata {
    if (requestedAll) return newer;
    const topics = new Map(this.topics);
    for (const [name, t] of newer.topics) topics.set(name, t);
    return new ClusterMetadata(newer.clusterId, newer.controllerId, newer.brokers, topics);
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  partitionCount(topic: string): number | undefined {
    const t = this.topics.get(topic);
    return t === undefined || t.errorCode !== 0 ? undefined : t.partitions.length;
  }

  /** The leader's node id, or -1 when the partition has none (or is unknown). */
  leaderOf(topic: string, partition: number): number {
    const p = this.topics.get(topic)?.partitions.find((x) => x.partition === partition);
    return p === undefined ? -1 : p.leader;
  }

  /** Partitions with a live leader: where a record with no key may go. */
  availablePartitions(topic: string): readonly number[] {
    let available = this.available.get(topic);
    if (available === undefined) {
      const t = this.topics.get(topic);
      if (t === undefined) return [];
      available = t.partitions.filter((p) => p.leader >= 0 && this.brokers.has(p.leader)).map((p) => p.partition);
      this.available.set(topic, available);
    }
    return available;
  }
}
