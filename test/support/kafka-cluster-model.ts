// A model of the ZooKeeper data a Kafka controller writes, for tests of the pure controller: it applies the
// controller's ZkWrite effects with ZooKeeper's version rules and records every violation (stale zkVersion, stale
// controller epoch fence, creating what exists).
import type { Effect, ZkWrite } from '../../src/kafka/controller/effects.js';
import type { RegisteredBroker, TopicSnapshot } from '../../src/kafka/controller/events.js';
import type { PartitionState, ReplicaAssignment } from '../../src/kafka/zk/zk-data.js';

export function broker(id: number, epoch: bigint, rack: string | null = null): RegisteredBroker {
  return {
    epoch,
    registration: {
      id,
      version: 5,
      endpoints: [{ listenerName: 'PLAINTEXT', host: `b${id}`, port: 9092 + id, securityProtocol: 'PLAINTEXT' }],
      rack,
      jmxPort: -1,
      timestamp: '0',
      features: {},
    },
  };
}

export function topicSnapshot(topic: string, replicas: number[][], topicId: string | null = `id-${topic}`.padEnd(22, 'A').slice(0, 22)): TopicSnapshot {
  return {
    topic,
    topicId,
    partitions: new Map(replicas.map((r, p) => [p, { replicas: r, addingReplicas: [], removingReplicas: [] } as ReplicaAssignment])),
  };
}

/** Deterministic bytes for topic ids. */
export function counterBytes(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    counter++;
    const b = Buffer.alloc(n);
    b.writeUInt32BE(counter, 0);
    return b;
  };
}

export interface ModelPartitionState {
  state: PartitionState;
  zkVersion: number;
}

export class ZkModel {
  controllerEpochZkVersion = 0;
  readonly partitionStates = new Map<string, ModelPartitionState>();
  readonly topics = new Map<string, TopicSnapshot>();
  readonly deleteMarkers = new Set<string>();
  readonly violations: string[] = [];

  apply(effects: readonly Effect[]): void {
    for (const e of effects) if (e.type === 'zkWrite') this.write(e.controllerEpochZkVersion, e.write);
  }

  write(fence: number, w: ZkWrite): void {
    if (fence !== this.controllerEpochZkVersion) {
      this.violations.push(`write ${w.kind} fenced with /controller_epoch version ${fence}, current ${this.controllerEpochZkVersion}`);
      return;
    }
    switch (w.kind) {
      case 'createPartitionState': {
        const key = `${w.topic}:${w.partition}`;
        if (this.partitionStates.has(key)) this.violations.push(`create of existing state ${key}`);
        this.partitionStates.set(key, { state: w.state, zkVersion: 0 });
        return;
      }
      case 'updatePartitionState': {
        const key = `${w.topic}:${w.partition}`;
        const cur = this.partitionStates.get(key);
        if (!cur) return void this.violations.push(`update of missing state ${key}`);
        if (cur.zkVersion !== w.expectedZkVersion) {
          return void this.violations.push(`stale zkVersion for ${key}: expected ${w.expectedZkVersion}, znode has ${cur.zkVersion}`);
        }
        this.partitionStates.set(key, { state: w.state, zkVersion: cur.zkVersion + 1 });
        return;
      }
      case 'setTopicAssignment':
        this.topics.set(w.topic, { topic: w.topic, topicId: w.topicId, partitions: new Map(w.partitions) });
        return;
      case 'deleteTopic':
        this.topics.delete(w.topic);
        for (const key of [...this.partitionStates.keys()]) if (key.startsWith(`${w.topic}:`)) this.partitionStates.delete(key);
        this.deleteMarkers.delete(w.topic);
        return;
      case 'deleteTopicDeletionMarker':
        this.deleteMarkers.delete(w.topic);
        return;
      case 'deleteIsrChangeNotifications':
      case 'deletePreferredReplicaElection':
        return;
    }
  }
}
