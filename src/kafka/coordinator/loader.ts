// Loading a __consumer_offsets partition's groups and offsets when this broker becomes its leader, and
// dropping them when leadership moves away (GroupMetadataManager.loadGroupsAndOffsets /
// removeGroupsForPartition). Offsets of transactional batches stay pending until their producer's marker:
// COMMIT applies them (unless a later plain commit is already loaded), ABORT drops them, and a transaction
// still open at the log end leaves them pending. Markers written while the partition loads are applied
// once it is loaded (the load may have read them already: applying one twice does nothing).

import type { GroupCoordinator } from './coordinator.js';
import { ErrorCode } from './error-codes.js';
import { GroupMetadata, topicPartitionKey, type CommittedOffset, type MemberMetadata } from './group.js';
import { invokeJoin, prepareRebalance } from './membership.js';
import { isTxnMarker, type GroupMetadataValue, type OffsetCommitValue, type OffsetsLogEntry } from './offsets-records.js';
import { completeTxn } from './txn-offset-ops.js';

export function beginLoad(c: GroupCoordinator, partition: number, leaderEpoch: number): void {
  const current = c.partitions.get(partition);
  if (current && current.leaderEpoch > leaderEpoch) return;
  c.partitions.set(partition, { state: 'loading', leaderEpoch });
}

type OffsetsByGroup = Map<string, Map<string, CommittedOffset>>;

function entryOf<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = create()));
  return v;
}

function loadedOffset(c: GroupCoordinator, v: OffsetCommitValue): CommittedOffset {
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestampMs: Number(v.commitTimestampMs),
    expireTimestampMs: Number(v.expireTimestampMs),
    // In log order, and below every commit made after the load.
    appendSeq: c.nextAppendSeq(),
  };
}

export function completeLoad(c: GroupCoordinator, partition: number, leaderEpoch: number, entries: Iterable<OffsetsLogEntry>): void {
  const owned = c.partitions.get(partition);
  if (!owned || owned.state !== 'loading' || owned.leaderEpoch !== leaderEpoch) return;
  const offsets: OffsetsByGroup = new Map();
  /** Offsets of open transactions: producer id → group → topic-partition. */
  const pending = new Map<number, OffsetsByGroup>();
  const groups = new Map<string, GroupMetadataValue>();
  const newMap = () => new Map();
  // Last write wins; a tombstone removes.
  for (const r of entries) {
    if (isTxnMarker(r)) {
      const ended = pending.get(r.producerId);
      pending.delete(r.producerId);
      if (!r.commit || !ended) continue;
      for (const [groupId, byTp] of ended) {
        const committed = entryOf(offsets, groupId, newMap);
        for (const [key, o] of byTp) {
          const current = committed.get(key);
          if (!current || current.appendSeq < o.appendSeq) committed.set(key, o);
        }
      }
    } else if (r.key.type === 'offset') {
      const target = r.producerId === undefined ? offsets : entryOf(pending, r.producerId, newMap);
      const byTp = entryOf(target, r.key.group, newMap);
      const key = topicPartitionKey(r.key.topic, r.key.partition);
      if (r.value === null) byTp.delete(key);
      else byTp.set(key, loadedOffset(c, r.value as OffsetCommitValue));
    } else if (r.value === null) {
      groups.delete(r.key.group);
    } else {
      groups.set(r.key.group, r.value as GroupMetadataValue);
    }
  }
  const pendingByGroup = new Map<string, Map<number, Map<string, CommittedOffset>>>();
  for (const [producerId, byGroup] of pending) {
    for (const [groupId, byTp] of byGroup) if (byTp.size > 0) entryOf(pendingByGroup, groupId, newMap).set(producerId, byTp);
  }
  const fill = (group: GroupMetadata) => {
    for (const [k, o] of offsets.get(group.groupId) ?? []) group.offsets.set(k, o);
    for (const [producerId, byTp] of pendingByGroup.get(group.groupId) ?? []) {
      for (const [k, o] of byTp) group.prepareTxnOffsetCommit(producerId, k, o, true);
    }
  };
  const loaded: GroupMetadata[] = [];
  for (const [groupId, value] of groups) {
    if (c.groups.has(groupId)) continue;
    const group = groupFromValue(c, groupId, value);
    fill(group);
    loaded.push(c.addGroup(group));
  }
  // Offsets without group metadata (standalone commits, or metadata tombstoned) make Empty groups.
  const offsetsOnly = new Set([...[...offsets].filter(([, byTp]) => byTp.size > 0).map(([g]) => g), ...pendingByGroup.keys()]);
  for (const groupId of offsetsOnly) {
    if (groups.has(groupId) || c.groups.has(groupId)) continue;
    const group = new GroupMetadata(groupId, c.nowMs);
    fill(group);
    c.addGroup(group);
  }
  c.partitions.set(partition, { state: 'loaded', leaderEpoch });
  for (const group of loaded) onGroupLoaded(c, group);
  const deferred = c.deferredTxnMarkers.get(partition) ?? [];
  c.deferredTxnMarkers.delete(partition);
  for (const m of deferred) completeTxn(c, partition, m.producerId, m.commit);
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
  c.deferredTxnMarkers.delete(partition);
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
