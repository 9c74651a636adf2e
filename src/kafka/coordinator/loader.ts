// Loading a __consumer_offsets partition's groups and offsets when this broker becomes its leader, and
// dropping them when leadership moves away (GroupMetadataManager.loadGroupsAndOffsets /
// removeGroupsForPartition). Transaction markers and transactional batches are not handled: the adapter
// passes only non-transactional records.

import type { GroupCoordinator } from './coordinator.js';
import { ErrorCode } from './error-codes.js';
import { GroupMetadata, topicPartitionKey, type CommittedOffset, type MemberMetadata } from './group.js';
import { invokeJoin, prepareRebalance } from './membership.js';
import type { GroupMetadataValue, OffsetsLogRecord } from './offsets-records.js';

export function beginLoad(c: GroupCoordinator, partition: number, leaderEpoch: number): void {
  const current = c.partitions.get(partition);
  if (current && current.leaderEpoch > leaderEpoch) return;
  c.partitions.set(partition, { state: 'loading', leaderEpoch });
}

export function completeLoad(c: GroupCoordinator, partition: number, leaderEpoch: number, records: Iterable<OffsetsLogRecord>): void {
  const owned = c.partitions.get(partition);
  if (!owned || owned.state !== 'loading' || owned.leaderEpoch !== leaderEpoch) return;
  const offsets = new Map<string, Map<string, CommittedOffset>>();
  const groups = new Map<string, GroupMetadataValue>();
  let seq = 0;
  // Last write wins; a tombstone removes.
  for (const r of records) {
    if (r.key.type === 'offset') {
      const byTp = offsets.get(r.key.group) ?? new Map<string, CommittedOffset>();
      offsets.set(r.key.group, byTp);
      const key = topicPartitionKey(r.key.topic, r.key.partition);
      if (r.value === null) byTp.delete(key);
      else {
        const v = r.value as Exclude<typeof r.value, GroupMetadataValue>;
        byTp.set(key, {
          offset: v.offset,
          leaderEpoch: v.leaderEpoch,
          metadata: v.metadata,
          commitTimestampMs: Number(v.commitTimestampMs),
          expireTimestampMs: Number(v.expireTimestampMs),
          appendSeq: -++seq,
        });
      }
    } else if (r.value === null) {
      groups.delete(r.key.group);
    } else {
      groups.set(r.key.group, r.value as GroupMetadataValue);
    }
  }
  const loaded: GroupMetadata[] = [];
  for (const [groupId, value] of groups) {
    if (c.groups.has(groupId)) continue;
    const group = groupFromValue(c, groupId, value);
    for (const [k, o] of offsets.get(groupId) ?? []) group.offsets.set(k, o);
    loaded.push(c.addGroup(group));
  }
  // Offsets without group metadata (standalone commits, or metadata tombstoned) make Empty groups.
  for (const [groupId, byTp] of offsets) {
    if (groups.has(groupId) || byTp.size === 0 || c.groups.has(groupId)) continue;
    const group = new GroupMetadata(groupId, c.nowMs);
    for (const [k, o] of byTp) group.offsets.set(k, o);
    c.addGroup(group);
  }
  c.partitions.set(partition, { state: 'loaded', leaderEpoch });
  for (const group of loaded) onGroupLoaded(c, group);
}

function groupFromValue(c: GroupCoordinator, groupId: string, v: GroupMetadataValue): GroupMetadata {
  const group = new GroupMetadata(groupId, null);
  group.state = v.members.length === 0 ? 'Empty' : 'Stable';
  group.generationId = v.generation;
  group.protocolType = v.protocolType === '' ? null : v.protocolType;
  group.protocolName = v.protocol;
  group.currentStateTimestampMs = v.currentStateTimestampMs === -1n ? null : Number(v.currentStateTimestampMs);
  for (const m of v.members) {
    const member: MemberMetadata = {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      protocolType: v.protocolType,
      protocols: v.protocol === null ? [] : [{ name: v.protocol, metadata: m.subscription }],
      assignment: m.assignment,
      awaitingJoinRequestId: null,
      awaitingSyncRequestId: null,
      isNew: false,
      latestHeartbeatMs: c.nowMs,
      heartbeatDeadlineMs: null,
    };
    group.add(member);
    if (m.groupInstanceId !== null) group.staticMembers.set(m.groupInstanceId, m.memberId);
  }
  group.leaderId = v.leader;
  group.subscribedTopics = group.computeSubscribedTopics();
  return group;
}

function onGroupLoaded(c: GroupCoordinator, group: GroupMetadata): void {
  // Over capacity after a lowered group.max.size: rebalance so the members can commit and shed.
  if (group.members.size > c.config.groupMaxSize) prepareRebalance(c, group);
  for (const m of group.members.values()) c.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
}

export function unload(c: GroupCoordinator, partition: number, leaderEpoch: number | null): void {
  const owned = c.partitions.get(partition);
  if (owned && leaderEpoch !== null && owned.leaderEpoch > leaderEpoch) return;
  c.partitions.delete(partition);
  for (const group of [...c.groups.values()]) {
    if (c.partitionFor(group.groupId) !== partition) continue;
    const previous = group.state;
    group.transitionTo('Dead', c.nowMs);
    for (const m of group.members.values()) {
      if (previous === 'PreparingRebalance') {
        invokeJoin(c, group, m, {
          api: 'JoinGroup',
          errorCode: ErrorCode.NOT_COORDINATOR,
          generationId: -1,
          protocolType: null,
          protocolName: null,
          leader: '',
          memberId: m.memberId,
          members: [],
        });
      }
      if (m.awaitingSyncRequestId !== null) {
        c.respond(m.awaitingSyncRequestId, { api: 'SyncGroup', errorCode: ErrorCode.NOT_COORDINATOR, protocolType: null, protocolName: null, assignment: new Uint8Array(0) });
        m.awaitingSyncRequestId = null;
      }
    }
    c.clearGroupTimers(group);
    c.groups.delete(group.groupId);
  }
}
