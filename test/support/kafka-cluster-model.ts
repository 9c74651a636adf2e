// A model of the ZooKeeper data a Kafka controller writes, for tests of the pure controller: it applies the
// controller's ZkWrite effects with ZooKeeper's version rules, as the adapter would (a failed /controller_epoch
// fence stops the batch), and records every violation a correct controller never causes (stale zkVersion,
// creating what exists, a leader epoch going backwards).
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
  /** /admin/reassign_partitions: null while absent. */
  reassignPartitions: { topic: string; partition: number; replicas: number[] }[] | null = null;
  readonly violations: string[] = [];

  /** Applies the writes in order; false when a fence failed (the rest of the batch is not applied). */
  apply(effects: readonly Effect[]): boolean {
    for (const e of effects) {
      if (e.type !== 'zkWrite') continue;
      if (e.controllerEpochZkVersion !== this.controllerEpochZkVersion) return false;
      this.write(e.write);
    }
    return true;
  }

  private write(w: ZkWrite): void {
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
        if (w.state.leaderEpoch < cur.state.leaderEpoch || (w.state.leader !== cur.state.leader && w.state.leaderEpoch === cur.state.leaderEpoch)) {
          this.violations.push(`leader epoch of ${key} went from ${cur.state.leaderEpoch} (leader ${cur.state.leader}) to ${w.state.leaderEpoch} (leader ${w.state.leader})`);
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
      case 'setReassignPartitions':
        this.reassignPartitions = w.partitions.length === 0 ? null : w.partitions.map((p) => ({ ...p, replicas: [...p.replicas] }));
        return;
    }
  }
}
