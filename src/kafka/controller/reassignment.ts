// Partition reassignment (AlterPartitionReassignments, API 45), as KafkaController.onPartitionReassignment does it.
// With ORS = original replicas and TRS = target: the assignment becomes RS = TRS then ORS − TRS, with
// AR = TRS − ORS adding and RR = ORS − TRS removing, written to /brokers/topics/<t>. Until TRS ⊆ ISR the leader
// epoch is bumped and the new replicas start; once it is, RS := TRS, leadership moves if needed, RR are stopped and
// deleted, and the topic znode is rewritten without AR/RR. Completion is checked whenever the ISR changes.
// Reassignments asked for through /admin/reassign_partitions run the same way; each partition leaves that znode when
// it completes or fails (the znode goes when it is empty), and a later API request for a partition takes it over.
import { partitionKey, type PartitionRef } from './context.js';
import type { Machines } from './controller.js';
import type { AlterPartitionReassignmentsResponse } from './effects.js';
import { Errors } from './error-codes.js';

export const isReassigning = (m: Machines, p: PartitionRef): boolean => m.env.ctx.isReassigning(p);

const originalReplicas = (replicas: number[], adding: number[]): number[] => replicas.filter((r) => !adding.includes(r));

/** Validates and starts (or, with null, cancels) reassignments; answers per partition. */
export function handleReassignments(
  m: Machines,
  requests: readonly { topic: string; partition: number; replicas: readonly number[] | null }[],
): AlterPartitionReassignmentsResponse {
  // The latest request wins: partitions the API now moves leave the znode request.
  removeFromZkReassignment(m, (key) => requests.some((r) => partitionKey(r.topic, r.partition) === key));
  return startReassignments(m, requests);
}

/** The partitions of /admin/reassign_partitions: started as the API would; those refused leave the znode. */
export function handleZkReassignment(m: Machines, requests: readonly { topic: string; partition: number; replicas: readonly number[] }[]): void {
  const { ctx } = m.env;
  ctx.zkReassignments.clear();
  for (const r of requests) ctx.zkReassignments.set(partitionKey(r.topic, r.partition), { topic: r.topic, partition: r.partition, replicas: [...r.replicas] });
  const reply = startReassignments(m, requests);
  const failed = new Set(reply.responses.flatMap((t) => t.partitions.filter((p) => p.errorCode !== Errors.NONE).map((p) => partitionKey(t.name, p.partitionIndex))));
  for (const t of reply.responses) {
    for (const p of t.partitions) if (p.errorCode !== Errors.NONE) m.env.log('warn', `Failed reassignment through zk of ${t.name}-${p.partitionIndex}: ${p.errorMessage ?? p.errorCode}`);
  }
  removeFromZkReassignment(m, (key) => failed.has(key));
}

/** Drops matching partitions from the znode request, rewriting (or deleting) /admin/reassign_partitions if any went. */
function removeFromZkReassignment(m: Machines, matches: (key: string) => boolean): void {
  const { ctx } = m.env;
  const gone = [...ctx.zkReassignments.keys()].filter(matches);
  if (gone.length === 0) return;
  for (const key of gone) ctx.zkReassignments.delete(key);
  m.env.zkWrite({ kind: 'setReassignPartitions', partitions: [...ctx.zkReassignments.values()].map((r) => ({ ...r, replicas: [...r.replicas] })) });
}

function startReassignments(
  m: Machines,
  requests: readonly { topic: string; partition: number; replicas: readonly number[] | null }[],
): AlterPartitionReassignmentsResponse {
  const { ctx } = m.env;
  const byTopic = new Map<string, { partitionIndex: number; errorCode: number; errorMessage: string | null }[]>();
  const answer = (topic: string, partitionIndex: number, errorCode: number, errorMessage: string | null = null) => {
    const list = byTopic.get(topic) ?? [];
    list.push({ partitionIndex, errorCode, errorMessage });
    byTopic.set(topic, list);
  };
  for (const req of requests) {
    const p = { topic: req.topic, partition: req.partition };
    const a = ctx.assignment(p.topic, p.partition);
    if (!a || ctx.isTopicQueuedForDeletion(p.topic)) {
      answer(p.topic, p.partition, Errors.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
      continue;
    }
    let target: number[];
    if (req.replicas === null) {
      if (!isReassigning(m, p)) {
        answer(p.topic, p.partition, Errors.NO_REASSIGNMENT_IN_PROGRESS, null);
        continue;
      }
      target = originalReplicas(a.replicas, a.addingReplicas);
    } else {
      target = [...req.replicas];
      const problem =
        target.length === 0
          ? 'The partition cannot have empty replicas.'
          : new Set(target).size !== target.length
            ? `The partition has duplicate replicas: ${target.join(',')}.`
            : target.some((r) => r < 0)
              ? `The partition has invalid replica ids: ${target.join(',')}.`
              : target.some((r) => !a.replicas.includes(r) && !ctx.isLiveOrShuttingDown(r))
                ? `The partition has replicas on brokers that are not alive: ${target.filter((r) => !ctx.isLiveOrShuttingDown(r)).join(',')}.`
                : null;
      if (problem !== null) {
        answer(p.topic, p.partition, Errors.INVALID_REPLICA_ASSIGNMENT, problem);
        continue;
      }
    }
    startReassignment(m, p, target);
    answer(p.topic, p.partition, Errors.NONE);
  }
  return {
    api: 'AlterPartitionReassignments',
    errorCode: Errors.NONE,
    errorMessage: null,
    responses: [...byTopic.keys()].sort().map((name) => ({ name, partitions: byTopic.get(name)!.sort((x, y) => x.partitionIndex - y.partitionIndex) })),
  };
}

function startReassignment(m: Machines, p: PartitionRef, target: number[]): void {
  const { ctx } = m.env;
  const a = ctx.assignment(p.topic, p.partition)!;
  const ors = originalReplicas(a.replicas, a.addingReplicas);
  const rs = [...target, ...ors.filter((r) => !target.includes(r))];
  // Replicas added by a replaced reassignment and no longer wanted are stopped and dropped.
  const leftovers = a.addingReplicas.filter((r) => !rs.includes(r));
  a.replicas = rs;
  a.addingReplicas = target.filter((r) => !ors.includes(r));
  a.removingReplicas = ors.filter((r) => !target.includes(r));
  m.env.writeTopicAssignment(p.topic);
  stopAndDelete(m, p, leftovers);
  // A target equal to the current replica set (perhaps in another order) completes at once.
  onPartitionReassignment(m, p, true);
}

/** Moves one reassignment forward: step 2 while the targets are not all in the ISR, step 3 once they are. */
export function onPartitionReassignment(m: Machines, p: PartitionRef, justStarted = false): void {
  const { ctx, batch } = m.env;
  const a = ctx.assignment(p.topic, p.partition);
  const l = ctx.getLeadership(p);
  if (!a || !l || !(justStarted || isReassigning(m, p))) return;
  const target = a.replicas.filter((r) => !a.removingReplicas.includes(r));
  const adding = a.addingReplicas.map((broker) => ({ ...p, broker }));
  if (!target.every((r) => l.state.isr.includes(r))) {
    // Every replica, old and new, learns the new replica set under a new leader epoch; the new ones start.
    m.env.updateLeadership(p, { ...l.state, leaderEpoch: l.state.leaderEpoch + 1, controllerEpoch: ctx.epoch });
    batch.addLeaderAndIsr(a.replicas, p, false);
    m.replicas.handleStateChanges(adding.filter((r) => ctx.replicaState(r) === 'NonExistentReplica'), 'NewReplica');
    return;
  }
  m.replicas.handleStateChanges(adding, 'OnlineReplica');
  const removing = [...a.removingReplicas];
  a.replicas = target;
  a.addingReplicas = [];
  a.removingReplicas = [];
  if (!target.includes(l.state.leader) || !ctx.isLive(l.state.leader)) {
    m.partitions.handleStateChanges([p], 'OnlinePartition', { kind: 'reassign' });
  } else {
    m.env.updateLeadership(p, { ...l.state, leaderEpoch: l.state.leaderEpoch + 1, controllerEpoch: ctx.epoch });
    batch.addLeaderAndIsr(target, p, false);
  }
  stopAndDelete(m, p, removing);
  m.env.writeTopicAssignment(p.topic);
  removeFromZkReassignment(m, (key) => key === partitionKey(p.topic, p.partition) && sameList(ctx.zkReassignments.get(key)!.replicas, target));
  batch.addUpdateMetadata(ctx.liveOrShuttingDownBrokerIds(), [p]);
}

const sameList = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * After an ISR change (KafkaController.maybeCompleteReassignment): a reassignment moves on only once every target
 * replica is in the ISR; until then nothing is sent (a new leader epoch would fence the fetching new replicas).
 */
export function maybeCompleteReassignment(m: Machines, p: PartitionRef): void {
  const a = m.env.ctx.assignment(p.topic, p.partition);
  const l = m.env.ctx.getLeadership(p);
  if (!a || !l || !isReassigning(m, p)) return;
  const target = a.replicas.filter((r) => !a.removingReplicas.includes(r));
  if (target.every((r) => l.state.isr.includes(r))) onPartitionReassignment(m, p);
}

/**
 * Removed replicas: Offline (leaves the ISR), then StopReplica(delete) without waiting for the answer. A leader
 * among them hands leadership to a remaining replica first (the partition goes offline if none can take it).
 */
function stopAndDelete(m: Machines, p: PartitionRef, brokers: readonly number[]): void {
  if (brokers.length === 0) return;
  const l = m.env.ctx.getLeadership(p);
  if (l && brokers.includes(l.state.leader)) {
    const outcome = m.partitions.handleStateChanges([p], 'OnlinePartition', { kind: 'reassign' });
    if (outcome.failed.length > 0) m.partitions.handleStateChanges([p], 'OfflinePartition');
  }
  const replicas = brokers.map((broker) => ({ ...p, broker }));
  m.replicas.handleStateChanges(replicas, 'OfflineReplica');
  m.replicas.handleStateChanges(replicas, 'ReplicaDeletionStarted');
  m.replicas.handleStateChanges(replicas, 'ReplicaDeletionSuccessful');
  m.replicas.handleStateChanges(replicas, 'NonExistentReplica');
}
