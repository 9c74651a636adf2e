// Turning a group into __consumer_offsets records (GroupMetadataManager.storeGroup and tombstones).

import type { GroupCoordinator } from './coordinator.js';
import { ErrorCode, groupAppendError } from './error-codes.js';
import type { CommittedOffset, GroupMetadata } from './group.js';
import {
  encodeGroupMetadataKey,
  encodeGroupMetadataValue,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  offsetCommitValueVersionFor,
} from './offsets-records.js';
import type { AppendRecord } from './types.js';

const EMPTY = new Uint8Array(0);

export function groupMetadataRecord(group: GroupMetadata, assignment: ReadonlyMap<string, Uint8Array> | null): AppendRecord {
  const protocol = group.protocolName;
  const members = [...group.members.values()].map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    sessionTimeoutMs: m.sessionTimeoutMs,
    subscription: protocol === null ? EMPTY : group.memberMetadataFor(m, protocol),
    assignment: (assignment ? assignment.get(m.memberId) : m.assignment) ?? EMPTY,
  }));
  const value = encodeGroupMetadataValue({
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol,
    leader: group.leaderId,
    currentStateTimestampMs: BigInt(group.currentStateTimestampMs ?? -1),
    members,
  });
  return { key: encodeGroupMetadataKey(group.groupId), value };
}

export function offsetCommitRecord(groupId: string, topic: string, partition: number, o: CommittedOffset): AppendRecord {
  const expire = BigInt(o.expireTimestampMs);
  const value = encodeOffsetCommitValue(
    {
      offset: o.offset,
      leaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      commitTimestampMs: BigInt(o.commitTimestampMs),
      expireTimestampMs: expire,
    },
    offsetCommitValueVersionFor(expire),
  );
  return { key: encodeOffsetCommitKey(groupId, topic, partition), value };
}

/**
 * Appends the group's metadata (with this assignment, or the members' current one when null) and calls
 * onDone with the error the members should see once the append completes.
 */
export function storeGroup(
  c: GroupCoordinator,
  group: GroupMetadata,
  assignment: ReadonlyMap<string, Uint8Array> | null,
  onDone: (errorCode: number) => void,
): void {
  const record = groupMetadataRecord(group, assignment);
  c.append(c.partitionFor(group.groupId), [record], (appendError) => {
    onDone(appendError === ErrorCode.NONE ? ErrorCode.NONE : groupAppendError(appendError));
  });
}
