// The log-directory half of kafka-reassign-partitions (Kafka 2.8's executeMoves, findLogDirMoveStates and
// replicaMoveStatesToString): replicas given a dir other than "any" are moved there with AlterReplicaLogDirs, retried
// while their broker answers REPLICA_NOT_AVAILABLE (the replica is created there by the reassignment), and --verify
// reports each move from DescribeLogDirs.
import type { KafkaCluster } from '../../client/cluster/kafka-cluster.js';
import { alterReplicaLogDirs, describeReplicaLogDirs, replicaName, type TopicPartitionReplica } from '../../client/admin/admin-log-dirs.js';
import { ReplicaNotAvailableError } from '../../client/errors/index.js';
import { ReassignCommandError, TerseReassignmentFailure } from './reassign-json.js';
import { plural } from './reassign-throttles.js';

export type ReplicaMove = TopicPartitionReplica & { dir: string };

export type LogDirMoveState =
  | { kind: 'missing-log-dir'; targetLogDir: string }
  | { kind: 'missing-replica'; targetLogDir: string }
  | { kind: 'active'; currentLogDir: string; targetLogDir: string; futureLogDir: string }
  | { kind: 'cancelled'; currentLogDir: string; targetLogDir: string }
  | { kind: 'completed'; targetLogDir: string };

/** The `topic-partition-broker` → dir map of the reassignment JSON, as replicas. */
export function replicaMoves(logDirs: ReadonlyMap<string, string>): ReplicaMove[] {
  return [...logDirs].map(([key, dir]) => {
    const b = key.lastIndexOf('-');
    const p = key.lastIndexOf('-', b - 1);
    return { topic: key.slice(0, p), partition: Number(key.slice(p + 1, b)), brokerId: Number(key.slice(b + 1)), dir };
  });
}

/** compareTopicPartitionReplicas: by broker, then topic, then partition. */
export function compareReplicas(a: TopicPartitionReplica, b: TopicPartitionReplica): number {
  if (a.brokerId !== b.brokerId) return a.brokerId - b.brokerId;
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  return a.partition - b.partition;
}

const sortedNames = (replicas: Iterable<TopicPartitionReplica>): string => [...replicas].sort(compareReplicas).map(replicaName).join(',');

/** executeMoves: AlterReplicaLogDirs until every replica accepted its move, or the timeout. */
export async function executeMoves(
  cluster: KafkaCluster, moves: readonly ReplicaMove[], timeoutMs: number, say: (line: string) => void, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
): Promise<void> {
  const started = Date.now();
  let pending = [...moves];
  for (;;) {
    const results = await alterReplicaLogDirs(cluster, pending);
    const completed: ReplicaMove[] = [];
    for (const m of pending) {
      const err = results.get(replicaName(m));
      if (err === null) completed.push(m);
      else if (!(err instanceof ReplicaNotAvailableError)) {
        throw new ReassignCommandError(`Failed to alter dir for ${replicaName(m)}`);
      }
    }
    if (completed.length > 0) say(`Successfully started log directory move${plural(completed.length)} for: ${sortedNames(completed)}`);
    pending = pending.filter((m) => !completed.includes(m));
    if (pending.length === 0) return;
    if (Date.now() >= started + timeoutMs) {
      throw new TerseReassignmentFailure(`Timed out before log directory move${plural(pending.length)} could be started for: ${sortedNames(pending)}`);
    }
    await sleep(100);
  }
}

/** findLogDirMoveStates. */
export async function findLogDirMoveStates(cluster: KafkaCluster, moves: readonly ReplicaMove[]): Promise<Map<ReplicaMove, LogDirMoveState>> {
  const infos = moves.length === 0 ? new Map() : await describeReplicaLogDirs(cluster, moves);
  const out = new Map<ReplicaMove, LogDirMoveState>();
  for (const m of moves) {
    const info = infos.get(replicaName(m));
    const targetLogDir = m.dir;
    if (!info) out.set(m, { kind: 'missing-replica', targetLogDir });
    else if (info.currentReplicaLogDir === null) out.set(m, { kind: 'missing-log-dir', targetLogDir });
    else if (info.futureReplicaLogDir === null) {
      out.set(m, info.currentReplicaLogDir === targetLogDir ? { kind: 'completed', targetLogDir } : { kind: 'cancelled', currentLogDir: info.currentReplicaLogDir, targetLogDir });
    } else {
      out.set(m, { kind: 'active', currentLogDir: info.currentReplicaLogDir, targetLogDir, futureLogDir: info.futureReplicaLogDir });
    }
  }
  return out;
}

export const moveDone = (s: LogDirMoveState): boolean => s.kind !== 'active';

/** replicaMoveStatesToString. */
export function replicaMoveStatesText(states: ReadonlyMap<ReplicaMove, LogDirMoveState>): string {
  const lines: string[] = [];
  for (const r of [...states.keys()].sort(compareReplicas)) {
    const s = states.get(r)!;
    const tp = `${r.topic}-${r.partition}`;
    switch (s.kind) {
      case 'missing-log-dir':
        lines.push(`Partition ${tp} is not found in any live log dir on broker ${r.brokerId}. There is likely an offline log directory on the broker.`);
        break;
      case 'missing-replica':
        lines.push(`Partition ${tp} cannot be found in any live log directory on broker ${r.brokerId}.`);
        break;
      case 'active':
        lines.push(
          s.targetLogDir === s.futureLogDir
            ? `Reassignment of replica ${replicaName(r)} is still in progress.`
            : `Partition ${tp} on broker ${r.brokerId} is being moved to log dir ${s.futureLogDir} instead of ${s.targetLogDir}.`,
        );
        break;
      case 'cancelled':
        lines.push(`Partition ${tp} on broker ${r.brokerId} is not being moved from log dir ${s.currentLogDir} to ${s.targetLogDir}.`);
        break;
      case 'completed':
        lines.push(`Reassignment of replica ${replicaName(r)} completed successfully.`);
        break;
    }
  }
  return lines.join('\n');
}
