// The group coordinator as a pure state machine: every call takes the current time and returns the
// effects the broker adapter must carry out (see types.ts). No clocks, timers, randomness or I/O here;
// member ids come from the injected uuid source.

import { ErrorCode } from './error-codes.js';
import { GroupMetadata, type MemberMetadata } from './group.js';
import { partitionForGroup } from './group-partition.js';
import { TimerQueue } from './timer-queue.js';
import * as admin from './admin-ops.js';
import * as loader from './loader.js';
import * as membership from './membership.js';
import * as offsets from './offset-ops.js';
import * as txnOffsets from './txn-offset-ops.js';
import type { OffsetsLogEntry } from './offsets-records.js';
import type {
  AppendRecord,
  CoordinatorConfig,
  CoordinatorResponse,
  Effect,
  HeartbeatRequest,
  JoinGroupRequest,
  LeaveGroupRequest,
  OffsetCommitRequest,
  OffsetDeleteRequest,
  OffsetFetchGroup,
  SyncGroupRequest,
  TxnOffsetCommitRequest,
  TxnProducer,
} from './types.js';

/** Kafka's GroupCoordinator.NewMemberJoinTimeoutMs: how long a new member's first JoinGroup may wait. */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export type GroupApi =
  | 'JoinGroup'
  | 'SyncGroup'
  | 'Heartbeat'
  | 'LeaveGroup'
  | 'OffsetCommit'
  | 'TxnOffsetCommit'
  | 'OffsetFetch'
  | 'OffsetDelete'
  | 'DescribeGroups'
  | 'DeleteGroups';

type TimerKey = ['hb', string, string] | ['pending', string, string] | ['join', string] | ['expire'];

export interface PartitionOwnership {
  state: 'loading' | 'loaded';
  leaderEpoch: number;
}

export class GroupCoordinator {
  readonly groups = new Map<string, GroupMetadata>();
  readonly partitions = new Map<number, PartitionOwnership>();
  /** Transaction markers written to a partition while it loads, applied once it is loaded. */
  readonly deferredTxnMarkers = new Map<number, { producerId: number; commit: boolean }[]>();
  private readonly timers = new TimerQueue();
  private readonly appendHandlers = new Map<number, (errorCode: number) => void>();
  private effects: Effect[] = [];
  private emittedDeadlineMs: number | null = null;
  private nextAppendId = 1;
  private appendSeq = 0;
  /** The time of the call being processed. */
  nowMs = 0;

  constructor(readonly config: CoordinatorConfig, private readonly newUuid: () => string) {}

  // ---- entry points -------------------------------------------------------------------------------

  /** Starts the periodic offset expiry (offsets.retention.check.interval.ms). */
  startup(nowMs: number): Effect[] {
    return this.run(nowMs, () => this.setTimer(['expire'], nowMs + this.config.offsetsRetentionCheckIntervalMs));
  }

  joinGroup(nowMs: number, requestId: number, req: JoinGroupRequest): Effect[] {
    return this.run(nowMs, () => membership.handleJoinGroup(this, requestId, req));
  }

  syncGroup(nowMs: number, requestId: number, req: SyncGroupRequest): Effect[] {
    return this.run(nowMs, () => membership.handleSyncGroup(this, requestId, req));
  }

  heartbeat(nowMs: number, requestId: number, req: HeartbeatRequest): Effect[] {
    return this.run(nowMs, () => membership.handleHeartbeat(this, requestId, req));
  }

  leaveGroup(nowMs: number, requestId: number, req: LeaveGroupRequest): Effect[] {
    return this.run(nowMs, () => membership.handleLeaveGroup(this, requestId, req));
  }

  commitOffsets(nowMs: number, requestId: number, req: OffsetCommitRequest): Effect[] {
    return this.run(nowMs, () => offsets.handleCommitOffsets(this, requestId, req));
  }

  /** TxnOffsetCommit: the offsets are written as the producer's transactional batch and pending until its marker. */
  txnCommitOffsets(nowMs: number, requestId: number, req: TxnOffsetCommitRequest): Effect[] {
    return this.run(nowMs, () => txnOffsets.handleTxnCommitOffsets(this, requestId, req));
  }

  /** A COMMIT or ABORT marker of this producer was written to __consumer_offsets partition p. */
  txnMarkerWritten(nowMs: number, partition: number, producerId: number, commit: boolean): Effect[] {
    return this.run(nowMs, () => txnOffsets.completeTxn(this, partition, producerId, commit));
  }

  /** OffsetFetch for one group (v0-v7) or several (v8). requireStable is v7+. */
  fetchOffsets(nowMs: number, requestId: number, groups: OffsetFetchGroup[], requireStable: boolean): Effect[] {
    return this.run(nowMs, () => offsets.handleFetchOffsets(this, requestId, groups, requireStable));
  }

  deleteOffsets(nowMs: number, requestId: number, req: OffsetDeleteRequest): Effect[] {
    return this.run(nowMs, () => offsets.handleDeleteOffsets(this, requestId, req));
  }

  /** statesFilter: ListGroups v4 (empty or null = every state). */
  listGroups(nowMs: number, requestId: number, statesFilter: string[] | null): Effect[] {
    return this.run(nowMs, () => admin.handleListGroups(this, requestId, statesFilter));
  }

  describeGroups(nowMs: number, requestId: number, groupIds: string[]): Effect[] {
    return this.run(nowMs, () => admin.handleDescribeGroups(this, requestId, groupIds));
  }

  deleteGroups(nowMs: number, requestId: number, groupIds: string[]): Effect[] {
    return this.run(nowMs, () => admin.handleDeleteGroups(this, requestId, groupIds));
  }

  /** The append with this id is replicated (errorCode 0) or failed with the produce error code. */
  appendCompleted(nowMs: number, appendId: number, errorCode: number): Effect[] {
    return this.run(nowMs, () => {
      const handler = this.appendHandlers.get(appendId);
      if (!handler) return;
      this.appendHandlers.delete(appendId);
      handler(errorCode);
    });
  }

  /** Fires every deadline at or before nowMs: session expiries, join completions, offset expiry. */
  tick(nowMs: number): Effect[] {
    return this.run(nowMs, () => {
      for (let key = this.timers.popDue(nowMs); key !== null; key = this.timers.popDue(nowMs)) {
        this.fire(JSON.parse(key) as TimerKey);
      }
    });
  }

  /** This broker became leader of __consumer_offsets partition p: groups there answer LOAD_IN_PROGRESS. */
  beginLoad(nowMs: number, partition: number, leaderEpoch: number): Effect[] {
    return this.run(nowMs, () => loader.beginLoad(this, partition, leaderEpoch));
  }

  /** The partition's records and transaction markers from log start to log end, in order; ignored if the epoch is stale. */
  completeLoad(nowMs: number, partition: number, leaderEpoch: number, records: Iterable<OffsetsLogEntry>): Effect[] {
    return this.run(nowMs, () => loader.completeLoad(this, partition, leaderEpoch, records));
  }

  /** Leadership of partition p moved away: its groups are dropped and waiting members told NOT_COORDINATOR. */
  unload(nowMs: number, partition: number, leaderEpoch: number | null): Effect[] {
    return this.run(nowMs, () => loader.unload(this, partition, leaderEpoch));
  }

  /** Where FindCoordinator should send a group: its __consumer_offsets partition. */
  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.config.offsetsTopicNumPartitions);
  }

  nextDeadlineMs(): number | null {
    return this.timers.nextDeadlineMs();
  }

  pendingAppendCount(): number {
    return this.appendHandlers.size;
  }

  // ---- helpers for the handler modules ------------------------------------------------------------

  private run(nowMs: number, body: () => void): Effect[] {
    this.nowMs = nowMs;
    this.effects = [];
    body();
    const deadline = this.timers.nextDeadlineMs();
    if (deadline !== this.emittedDeadlineMs) {
      this.emittedDeadlineMs = deadline;
      this.effects.push({ kind: 'timer', deadlineMs: deadline });
    }
    const out = this.effects;
    this.effects = [];
    return out;
  }

  respond(requestId: number, response: CoordinatorResponse): void {
    this.effects.push({ kind: 'respond', requestId, response });
  }

  forget(requestId: number | null): void {
    if (requestId !== null) this.effects.push({ kind: 'forget', requestId });
  }

  /**
   * Appends one batch (a transactional one of `producer` when given); onDone runs with the (raw) produce error code
   * when acks is 'all'.
   */
  append(partition: number, records: AppendRecord[], onDone: ((errorCode: number) => void) | null, producer?: TxnProducer): void {
    const appendId = this.nextAppendId++;
    const acks = onDone ? 'all' : 'none';
    this.effects.push({ kind: 'append', appendId, partition, acks, timestampMs: this.nowMs, records, ...(producer ? { producer } : {}) });
    if (onDone) this.appendHandlers.set(appendId, onDone);
  }

  nextAppendSeq(): number {
    return ++this.appendSeq;
  }

  newMemberId(prefix: string): string {
    return `${prefix}-${this.newUuid()}`;
  }

  isValidGroupId(groupId: string | null, api: GroupApi): boolean {
    if (groupId === null) return false;
    if (api === 'OffsetCommit' || api === 'OffsetFetch' || api === 'DescribeGroups' || api === 'DeleteGroups') return true;
    return groupId !== '';
  }

  /** Kafka's validateGroupStatus: INVALID_GROUP_ID, then COORDINATOR_LOAD_IN_PROGRESS, then NOT_COORDINATOR. */
  validateGroupStatus(groupId: string, api: GroupApi): number | null {
    if (!this.isValidGroupId(groupId, api)) return ErrorCode.INVALID_GROUP_ID;
    const owned = this.partitions.get(this.partitionFor(groupId));
    if (owned?.state === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (!owned) return ErrorCode.NOT_COORDINATOR;
    return null;
  }

  isLoading(): boolean {
    for (const p of this.partitions.values()) if (p.state === 'loading') return true;
    return false;
  }

  /** True when the group's partition is owned here and the group is absent or Dead. */
  groupNotExists(groupId: string): boolean {
    if (this.partitions.get(this.partitionFor(groupId))?.state !== 'loaded') return false;
    const g = this.groups.get(groupId);
    return g === undefined || g.is('Dead');
  }

  addGroup(group: GroupMetadata): GroupMetadata {
    const existing = this.groups.get(group.groupId);
    if (existing) return existing;
    this.groups.set(group.groupId, group);
    return group;
  }

  /** Session (or new-member join) expiry for a member: deadline = now + timeoutMs. */
  scheduleHeartbeat(group: GroupMetadata, member: MemberMetadata, timeoutMs: number): void {
    member.latestHeartbeatMs = this.nowMs;
    member.heartbeatDeadlineMs = this.nowMs + timeoutMs;
    this.setTimer(['hb', group.groupId, member.memberId], member.heartbeatDeadlineMs);
  }

  cancelHeartbeat(group: GroupMetadata, memberId: string): void {
    const m = group.members.get(memberId);
    if (m) m.heartbeatDeadlineMs = null;
    this.timers.clear(JSON.stringify(['hb', group.groupId, memberId]));
  }

  schedulePendingMemberExpiry(group: GroupMetadata, memberId: string, timeoutMs: number): void {
    group.pendingMembers.set(memberId, this.nowMs + timeoutMs);
    this.setTimer(['pending', group.groupId, memberId], this.nowMs + timeoutMs);
  }

  cancelPendingMemberExpiry(group: GroupMetadata, memberId: string): void {
    this.timers.clear(JSON.stringify(['pending', group.groupId, memberId]));
  }

  setJoinTimer(group: GroupMetadata, deadlineMs: number | null): void {
    const key = JSON.stringify(['join', group.groupId]);
    if (deadlineMs === null) this.timers.clear(key);
    else this.timers.set(key, deadlineMs);
  }

  /** Drops every timer of a group (it is unloaded or removed). */
  clearGroupTimers(group: GroupMetadata): void {
    for (const id of group.members.keys()) this.cancelHeartbeat(group, id);
    for (const id of group.pendingMembers.keys()) this.cancelPendingMemberExpiry(group, id);
    this.setJoinTimer(group, null);
    group.join = null;
  }

  private setTimer(key: TimerKey, deadlineMs: number): void {
    this.timers.set(JSON.stringify(key), deadlineMs);
  }

  private fire(key: TimerKey): void {
    switch (key[0]) {
      case 'hb': {
        const group = this.groups.get(key[1]);
        if (group) membership.onExpireHeartbeat(this, group, key[2]);
        return;
      }
      case 'pending': {
        const group = this.groups.get(key[1]);
        if (group) membership.onExpirePendingMember(this, group, key[2]);
        return;
      }
      case 'join': {
        const group = this.groups.get(key[1]);
        if (group) membership.onExpireJoin(this, group);
        return;
      }
      case 'expire':
        offsets.expireOffsets(this);
        this.setTimer(['expire'], this.nowMs + this.config.offsetsRetentionCheckIntervalMs);
        return;
    }
  }
}
