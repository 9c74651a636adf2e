// Request bodies a group member sends to its coordinator, filled for any version (fields a version lacks are
// ignored by the codec). Pure functions.
import type { JoinGroupRequest } from '../../../protocol/schemas/join-group.js';
import type { SyncGroupRequest } from '../../../protocol/schemas/sync-group.js';
import type { HeartbeatRequest } from '../../../protocol/schemas/heartbeat.js';
import type { LeaveGroupRequest } from '../../../protocol/schemas/leave-group.js';
import type { OffsetCommitRequest } from '../../../protocol/schemas/offset-commit.js';
import { CONSUMER_PROTOCOL_TYPE } from './consumer-protocol.js';

export interface MemberIdentity {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  generationId: number;
}

export function joinGroupRequest(
  m: MemberIdentity,
  sessionTimeoutMs: number,
  rebalanceTimeoutMs: number,
  protocols: readonly { name: string; metadata: Buffer }[],
  reason: string | null,
): JoinGroupRequest {
  return {
    groupId: m.groupId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    protocolType: CONSUMER_PROTOCOL_TYPE,
    protocols: protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
    reason,
  };
}

export function syncGroupRequest(m: MemberIdentity, protocolName: string | null, assignments: ReadonlyMap<string, Buffer>): SyncGroupRequest {
  return {
    groupId: m.groupId,
    generationId: m.generationId,
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    protocolType: CONSUMER_PROTOCOL_TYPE,
    protocolName,
    assignments: [...assignments].map(([memberId, assignment]) => ({ memberId, assignment })),
  };
}

export function heartbeatRequest(m: MemberIdentity): HeartbeatRequest {
  return { groupId: m.groupId, generationId: m.generationId, memberId: m.memberId, groupInstanceId: m.groupInstanceId };
}

export function leaveGroupRequest(m: MemberIdentity, version: number, reason: string | null): LeaveGroupRequest {
  if (version >= 3) return { groupId: m.groupId, members: [{ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason }] };
  return { groupId: m.groupId, memberId: m.memberId };
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch?: number;
  metadata?: string | null;
}

/** OffsetCommit as a member of the current generation (v1 has a per-partition timestamp: -1, the broker's time). */
export function memberOffsetCommitRequest(m: MemberIdentity, offsets: readonly OffsetToCommit[]): OffsetCommitRequest {
  const topics = new Map<string, OffsetCommitRequest['topics'][number]['partitions']>();
  for (const o of offsets) {
    let parts = topics.get(o.topic);
    if (parts === undefined) topics.set(o.topic, (parts = []));
    parts.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch ?? -1, commitTimestamp: -1n, committedMetadata: o.metadata ?? '' });
  }
  return {
    groupId: m.groupId,
    generationIdOrMemberEpoch: m.generationId,
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    retentionTimeMs: -1n,
    topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
  };
}
