// OffsetCommit, OffsetFetch, OffsetDelete and offset expiry (GroupCoordinator + GroupMetadataManager, 2.8).
// Transactional offset commits (TxnOffsetCommit, markers) are in txn-offset-ops.ts; OffsetFetch require_stable
// answers UNSTABLE_OFFSET_COMMIT for partitions they leave pending.

import type { GroupCoordinator } from './coordinator.js';
import { ErrorCode, offsetAppendError } from './error-codes.js';
import { CONSUMER_PROTOCOL_TYPE } from './consumer-subscription.js';
import { GroupMetadata, splitTopicPartitionKey, topicPartitionKey, type CommittedOffset } from './group.js';
import { encodeGroupMetadataKey, encodeOffsetCommitKey } from './offsets-records.js';
import { offsetCommitRecord } from './group-store.js';
import type {
  AppendRecord,
  OffsetCommitRequest,
  OffsetDeleteRequest,
  OffsetFetchGroup,
  OffsetFetchGroupResult,
  OffsetFetchPartition,
} from './types.js';

type PartitionErrors = Map<string, number>;

function commitResponse(req: OffsetCommitRequest, errorOf: (topic: string, partition: number) => number) {
  return {
    api: 'OffsetCommit' as const,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorOf(t.name, p.partitionIndex) })),
    })),
  };
}

export function handleCommitOffsets(c: GroupCoordinator, requestId: number, req: OffsetCommitRequest): void {
  const all = (code: number) => c.respond(requestId, commitResponse(req, () => code));
  const status = c.validateGroupStatus(req.groupId, 'OffsetCommit');
  if (status !== null) return all(status);
  let group = c.groups.get(req.groupId);
  if (!group) {
    // Only commits from outside group management (generation < 0) may create a group.
    if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
    group = c.addGroup(new GroupMetadata(req.groupId, c.nowMs));
  }
  if (group.is('Dead')) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return all(ErrorCode.FENCED_INSTANCE_ID);
  if (req.generationId < 0 && group.is('Empty')) return storeOffsets(c, group, requestId, req);
  if (!group.has(req.memberId)) return all(ErrorCode.UNKNOWN_MEMBER_ID);
  if (req.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
  switch (group.state) {
    case 'Stable':
    case 'PreparingRebalance': {
      // Commits stay allowed while preparing: the heartbeat tells the member to rejoin.
      const member = group.get(req.memberId);
      c.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
      return storeOffsets(c, group, requestId, req);
    }
    case 'CompletingRebalance':
      return all(ErrorCode.REBALANCE_IN_PROGRESS);
    default:
      return all(ErrorCode.UNKNOWN_SERVER_ERROR);
  }
}

/** Longer than offset.metadata.max.bytes (in UTF-8). */
export function metadataTooLarge(c: GroupCoordinator, metadata: string): boolean {
  return Buffer.byteLength(metadata, 'utf8') > c.config.offsetMetadataMaxBytes;
}

function storeOffsets(c: GroupCoordinator, group: GroupMetadata, requestId: number, req: OffsetCommitRequest): void {
  const errors: PartitionErrors = new Map();
  const accepted: { topic: string; partition: number; offset: CommittedOffset }[] = [];
  for (const t of req.topics) {
    for (const p of t.partitions) {
      const key = topicPartitionKey(t.name, p.partitionIndex);
      const metadata = p.committedMetadata ?? '';
      if (metadataTooLarge(c, metadata)) {
        errors.set(key, ErrorCode.OFFSET_METADATA_TOO_LARGE);
        continue;
      }
      accepted.push({
        topic: t.name,
        partition: p.partitionIndex,
        offset: {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata,
          commitTimestampMs: p.commitTimestampMs === -1 ? c.nowMs : p.commitTimestampMs,
          expireTimestampMs: req.retentionTimeMs === -1 ? -1 : c.nowMs + req.retentionTimeMs,
          appendSeq: 0,
        },
      });
    }
  }
  const respond = () => c.respond(requestId, commitResponse(req, (t, p) => errors.get(topicPartitionKey(t, p)) ?? ErrorCode.NONE));
  if (accepted.length === 0) return respond();
  const seq = c.nextAppendSeq();
  const records: AppendRecord[] = [];
  for (const a of accepted) {
    a.offset.appendSeq = seq;
    group.pendingOffsetCommits.set(topicPartitionKey(a.topic, a.partition), a.offset);
    records.push(offsetCommitRecord(group.groupId, a.topic, a.partition, a.offset));
  }
  c.append(c.partitionFor(group.groupId), records, (appendError) => {
    const ok = appendError === ErrorCode.NONE;
    for (const a of accepted) {
      const key = topicPartitionKey(a.topic, a.partition);
      if (!group.is('Dead')) {
        // No pending entry means the offset was deleted meanwhile; its tombstone follows this record.
        if (ok && group.pendingOffsetCommits.has(key)) {
          const current = group.offsets.get(key);
          if (!current || current.appendSeq < a.offset.appendSeq) group.offsets.set(key, a.offset);
        }
        if (group.pendingOffsetCommits.get(key) === a.offset) group.pendingOffsetCommits.delete(key);
      }
      errors.set(key, ok ? ErrorCode.NONE : offsetAppendError(appendError));
    }
    respond();
  });
}

const INVALID_OFFSET = -1n;

function noOffset(partitionIndex: number, errorCode: number = ErrorCode.NONE): OffsetFetchPartition {
  return { partitionIndex, committedOffset: INVALID_OFFSET, committedLeaderEpoch: -1, metadata: '', errorCode };
}

function fetchGroup(c: GroupCoordinator, req: OffsetFetchGroup, requireStable: boolean): OffsetFetchGroupResult {
  const status = c.validateGroupStatus(req.groupId, 'OffsetFetch');
  if (status !== null) return { groupId: req.groupId, errorCode: status, topics: [] };
  const group = c.groups.get(req.groupId);
  const live = group && !group.is('Dead') ? group : null;
  if (req.topics === null) {
    const byTopic = new Map<string, OffsetFetchPartition[]>();
    for (const [key, o] of live?.offsets ?? []) {
      const { topic, partition } = splitTopicPartitionKey(key);
      const list = byTopic.get(topic) ?? [];
      if (requireStable && live!.hasPendingOffsetCommitsForTopicPartition(key)) list.push(noOffset(partition, ErrorCode.UNSTABLE_OFFSET_COMMIT));
      else list.push({ partitionIndex: partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE });
      byTopic.set(topic, list);
    }
    return { groupId: req.groupId, errorCode: ErrorCode.NONE, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) };
  }
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((p) => {
      if (!live) return noOffset(p);
      const key = topicPartitionKey(t.name, p);
      if (requireStable && live.hasPendingOffsetCommitsForTopicPartition(key)) return noOffset(p, ErrorCode.UNSTABLE_OFFSET_COMMIT);
      const o = live.offsets.get(key);
      if (!o) return noOffset(p);
      return { partitionIndex: p, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
    }),
  }));
  return { groupId: req.groupId, errorCode: ErrorCode.NONE, topics };
}

export function handleFetchOffsets(c: GroupCoordinator, requestId: number, groups: OffsetFetchGroup[], requireStable: boolean): void {
  c.respond(requestId, { api: 'OffsetFetch', groups: groups.map((g) => fetchGroup(c, g, requireStable)) });
}

export function handleDeleteOffsets(c: GroupCoordinator, requestId: number, req: OffsetDeleteRequest): void {
  const reply = (errorCode: number, errors: PartitionErrors) =>
    c.respond(requestId, {
      api: 'OffsetDelete',
      errorCode,
      topics:
        errorCode !== ErrorCode.NONE
          ? []
          : req.topics.map((t) => ({
              name: t.name,
              partitions: t.partitions.map((p) => ({ partitionIndex: p, errorCode: errors.get(topicPartitionKey(t.name, p)) ?? ErrorCode.NONE })),
            })),
    });
  const status = c.validateGroupStatus(req.groupId, 'OffsetDelete');
  if (status !== null) return reply(status, new Map());
  const group = c.groups.get(req.groupId);
  const missing = () => (c.groupNotExists(req.groupId) ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NOT_COORDINATOR);
  if (!group || group.is('Dead')) return reply(missing(), new Map());
  // A group with members may only lose offsets of topics it does not consume, and only if we can tell.
  if (!group.is('Empty') && group.protocolType !== CONSUMER_PROTOCOL_TYPE) return reply(ErrorCode.NON_EMPTY_GROUP, new Map());
  const errors: PartitionErrors = new Map();
  const eligible: string[] = [];
  for (const t of req.topics) {
    for (const p of t.partitions) {
      const key = topicPartitionKey(t.name, p);
      if (group.is('Empty')) eligible.push(key);
      else if (group.isSubscribedToTopic(t.name)) errors.set(key, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
      else eligible.push(key);
    }
  }
  if (eligible.length > 0) cleanupGroupMetadata(c, [group], (g) => removeOffsets(g, eligible));
  reply(ErrorCode.NONE, errors);
}

function removeOffsets(group: GroupMetadata, keys: Iterable<string>): Map<string, CommittedOffset> {
  const removed = new Map<string, CommittedOffset>();
  for (const key of keys) {
    const o = group.offsets.get(key);
    if (o) removed.set(key, o);
    group.offsets.delete(key);
    group.pendingOffsetCommits.delete(key);
    // As Kafka, a producer left without pending offsets keeps its (empty) entry until its marker.
    for (const byTp of group.pendingTxnOffsetCommits.values()) byTp.delete(key);
  }
  return removed;
}

export function removeAllOffsets(group: GroupMetadata): Map<string, CommittedOffset> {
  return removeOffsets(group, [...group.offsets.keys(), ...group.pendingOffsetCommits.keys()]);
}

/**
 * Removes the selected offsets of each group; an Empty group left without offsets becomes Dead and is
 * dropped. Tombstones go out fire-and-forget (a new leader would expire them again), with the group's
 * own tombstone only if it ever had a generation (offsets-only groups never wrote metadata).
 */
export function cleanupGroupMetadata(
  c: GroupCoordinator,
  groups: GroupMetadata[],
  selector: (g: GroupMetadata) => Map<string, CommittedOffset>,
): number {
  let removedCount = 0;
  for (const group of groups) {
    const removed = selector(group);
    removedCount += removed.size;
    if (group.is('Empty') && !group.hasOffsets()) group.transitionTo('Dead', c.nowMs);
    const tombstones: AppendRecord[] = [];
    for (const key of removed.keys()) {
      const { topic, partition } = splitTopicPartitionKey(key);
      tombstones.push({ key: encodeOffsetCommitKey(group.groupId, topic, partition), value: null });
    }
    if (group.is('Dead') && c.groups.get(group.groupId) === group) {
      c.groups.delete(group.groupId);
      c.clearGroupTimers(group);
      if (group.generationId > 0) tombstones.push({ key: encodeGroupMetadataKey(group.groupId), value: null });
    }
    if (tombstones.length > 0) c.append(c.partitionFor(group.groupId), tombstones, null);
  }
  return removedCount;
}

/** Offsets past retention (GroupMetadata.removeExpiredOffsets, Kafka 2.8 rules). */
function expiredOffsets(group: GroupMetadata, nowMs: number, retentionMs: number): string[] {
  let base: ((o: CommittedOffset) => number) | null;
  let keep = new Set<string>();
  if (group.protocolType !== null && group.is('Empty')) {
    // Nobody consumes: the clock starts when the group became empty.
    base = (o) => group.currentStateTimestampMs ?? o.commitTimestampMs;
  } else if (group.protocolType === CONSUMER_PROTOCOL_TYPE && group.subscribedTopics !== null) {
    // Active consumers: only topics no member subscribes to expire, counted from their commit.
    base = (o) => o.commitTimestampMs;
    keep = group.subscribedTopics;
  } else if (group.protocolType === null) {
    // Offsets-only (standalone) group: counted from each commit.
    base = (o) => o.commitTimestampMs;
  } else {
    base = null;
  }
  if (base === null) return [];
  const out: string[] = [];
  for (const [key, o] of group.offsets) {
    if (keep.has(splitTopicPartitionKey(key).topic) || group.pendingOffsetCommits.has(key)) continue;
    const expired = o.expireTimestampMs === -1 ? nowMs - base(o) >= retentionMs : nowMs >= o.expireTimestampMs;
    if (expired) out.push(key);
  }
  return out;
}

export function expireOffsets(c: GroupCoordinator): number {
  const loaded = [...c.groups.values()].filter((g) => c.partitions.get(c.partitionFor(g.groupId))?.state === 'loaded');
  return cleanupGroupMetadata(c, loaded, (g) => removeOffsets(g, expiredOffsets(g, c.nowMs, c.config.offsetsRetentionMs)));
}
