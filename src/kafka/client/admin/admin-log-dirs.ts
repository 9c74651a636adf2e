// The admin client's log-dir calls, each sent to the broker that owns the replicas (as the Java AdminClient does):
// alterReplicaLogDirs (AlterReplicaLogDirs) and describeReplicaLogDirs (DescribeLogDirs filtered to the partitions
// asked about, read as each replica's current and future dir).
import { ApiKey } from '../../protocol/schemas/index.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import { kafkaError } from '../errors/index.js';

export interface TopicPartitionReplica {
  topic: string;
  partition: number;
  brokerId: number;
}

/** TopicPartitionReplica.toString: `topic-partition-broker`. */
export const replicaName = (r: TopicPartitionReplica): string => `${r.topic}-${r.partition}-${r.brokerId}`;

export interface ReplicaLogDirInfo {
  /** Null when no live log dir of the broker holds the replica. */
  currentReplicaLogDir: string | null;
  currentReplicaOffsetLag: bigint;
  futureReplicaLogDir: string | null;
  futureReplicaOffsetLag: bigint;
}

function byBroker<T extends TopicPartitionReplica>(items: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const i of items) {
    const list = out.get(i.brokerId) ?? [];
    list.push(i);
    out.set(i.brokerId, list);
  }
  return out;
}

/** Moves each replica to the dir given; the error (or null) per replica, keyed by replicaName. */
export async function alterReplicaLogDirs(cluster: KafkaCluster, moves: readonly (TopicPartitionReplica & { dir: string })[]): Promise<Map<string, Error | null>> {
  const out = new Map<string, Error | null>();
  for (const [brokerId, list] of byBroker(moves)) {
    const dirs = new Map<string, Map<string, number[]>>();
    for (const m of list) {
      const topics = dirs.get(m.dir) ?? new Map<string, number[]>();
      topics.set(m.topic, [...(topics.get(m.topic) ?? []), m.partition]);
      dirs.set(m.dir, topics);
    }
    try {
      const conn = await cluster.nodeConnection(brokerId);
      const r = await conn.send(ApiKey.AlterReplicaLogDirs, {
        dirs: [...dirs].map(([path, topics]) => ({ path, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) })),
      });
      for (const t of r.results) {
        for (const p of t.partitions) {
          const key = replicaName({ topic: t.topicName, partition: p.partitionIndex, brokerId });
          out.set(key, p.errorCode === 0 ? null : kafkaError(p.errorCode, null, key));
        }
      }
    } catch (err) {
      for (const m of list) out.set(replicaName(m), err as Error);
    }
  }
  return out;
}

/** Where each replica lives on its broker, keyed by replicaName; a broker that cannot be asked throws. */
export async function describeReplicaLogDirs(cluster: KafkaCluster, replicas: readonly TopicPartitionReplica[]): Promise<Map<string, ReplicaLogDirInfo>> {
  const out = new Map<string, ReplicaLogDirInfo>();
  for (const [brokerId, list] of byBroker(replicas)) {
    const topics = new Map<string, number[]>();
    for (const r of list) topics.set(r.topic, [...(topics.get(r.topic) ?? []), r.partition]);
    const conn = await cluster.nodeConnection(brokerId);
    const response = await conn.send(ApiKey.DescribeLogDirs, { topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) });
    for (const r of list) out.set(replicaName(r), { currentReplicaLogDir: null, currentReplicaOffsetLag: -1n, futureReplicaLogDir: null, futureReplicaOffsetLag: -1n });
    for (const dir of response.results) {
      if (dir.errorCode !== 0) continue;
      for (const t of dir.topics) {
        for (const p of t.partitions) {
          const info = out.get(replicaName({ topic: t.name, partition: p.partitionIndex, brokerId }));
          if (!info) continue;
          if (p.isFutureKey) {
            info.futureReplicaLogDir = dir.logDir;
            info.futureReplicaOffsetLag = p.offsetLag;
          } else {
            info.currentReplicaLogDir = dir.logDir;
            info.currentReplicaOffsetLag = p.offsetLag;
          }
        }
      }
    }
  }
  return out;
}
