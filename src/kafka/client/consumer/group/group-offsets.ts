// Committed offsets of a group member: OffsetFetch when partitions are assigned, OffsetCommit of positions
// (manual or automatic), each sent to the coordinator with retries while it loads, moves or is unreachable.
import { ErrorCode } from '../../../protocol/errors.js';
import { ApiKey } from '../../../protocol/schemas/index.js';
import { backoffMs, sleep } from '../../cluster/retry.js';
import { partitionKey, type PartitionRef } from '../../cluster/leader-requests.js';
import { offsetFetchRequest } from '../../admin/admin-requests.js';
import { KafkaConnectionError, KafkaRequestTimeoutError, kafkaError } from '../../errors/index.js';
import type { GroupMembership } from './group-membership.js';
import { memberOffsetCommitRequest, type OffsetToCommit } from './group-requests.js';

const RETRY: ReadonlySet<number> = new Set([
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.UNSTABLE_OFFSET_COMMIT,
  ErrorCode.REQUEST_TIMED_OUT,
]);
/** The commit belongs to a generation the coordinator has moved past: the member must rejoin. */
const STALE_GENERATION: ReadonlySet<number> = new Set([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID]);

/** Retries `op` while it answers a retriable error code; UNSTABLE_OFFSET_COMMIT is not counted until `unstableUntilMs`. */
async function retrying<T>(membership: GroupMembership, op: () => Promise<T | number>, unstableUntilMs = 0): Promise<T> {
  const retries = Math.max(5, membership.cluster.retry.retries);
  for (let attempt = 0, counted = 0; ; attempt++) {
    let code: number;
    try {
      const r = await op();
      if (typeof r !== 'number') return r;
      code = r;
      membership.noteCoordinatorError(code);
    } catch (err) {
      if (!(err instanceof KafkaConnectionError || err instanceof KafkaRequestTimeoutError) || counted >= retries) throw err;
      code = -2;
    }
    const waitingForTxn = code === ErrorCode.UNSTABLE_OFFSET_COMMIT && Date.now() < unstableUntilMs;
    if (code >= 0 && !waitingForTxn && (!RETRY.has(code) || counted >= retries)) throw kafkaError(code, null, `group ${membership.options.groupId}`);
    if (!waitingForTxn) counted++;
    await sleep(backoffMs(attempt, membership.cluster.retry));
  }
}

/**
 * Committed offsets of the partitions (null where the group has none). As the Java consumer, only stable ones are
 * asked for: while a transaction's offsets for a partition await its marker the fetch is retried, for up to
 * max.poll.interval.ms.
 */
export async function fetchCommittedOffsets(membership: GroupMembership, partitions: readonly PartitionRef[]): Promise<Map<string, bigint | null>> {
  const out = new Map<string, bigint | null>(partitions.map((p) => [partitionKey(p), null]));
  if (partitions.length === 0) return out;
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  const topics = [...byTopic].map(([topic, list]) => ({ topic, partitions: list }));
  const groupId = membership.options.groupId;
  return retrying(membership, async () => {
    const r = await membership.send(ApiKey.OffsetFetch, (v) => offsetFetchRequest(groupId, topics, v, true));
    const group = r.groups !== undefined && r.groups.length > 0 ? r.groups[0] : undefined;
    const topLevel = group?.errorCode ?? r.errorCode ?? 0;
    if (topLevel !== 0) return topLevel;
    for (const t of group !== undefined ? group.topics : r.topics ?? []) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) return p.errorCode;
        out.set(partitionKey({ topic: t.name, partition: p.partitionIndex }), p.committedOffset >= 0n ? p.committedOffset : null);
      }
    }
    return out;
  }, Date.now() + membership.options.rebalanceTimeoutMs);
}

/** Commits as a member of the current generation; a stale generation asks for a rejoin and throws. */
export async function commitOffsets(membership: GroupMembership, offsets: readonly OffsetToCommit[]): Promise<void> {
  if (offsets.length === 0) return;
  if (membership.generationId < 0) throw kafkaError(ErrorCode.UNKNOWN_MEMBER_ID, 'the consumer is not a member of the group (a rebalance is needed before commit)');
  await retrying(membership, async () => {
    const r = await membership.send(ApiKey.OffsetCommit, () => memberOffsetCommitRequest(membership.identity, offsets));
    for (const t of r.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === 0) continue;
        if (STALE_GENERATION.has(p.errorCode)) {
          membership.requestRejoin(p.errorCode !== ErrorCode.REBALANCE_IN_PROGRESS);
          throw kafkaError(p.errorCode, 'Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member', `${t.name}-${p.partitionIndex}`);
        }
        return p.errorCode;
      }
    }
    return true;
  });
}
