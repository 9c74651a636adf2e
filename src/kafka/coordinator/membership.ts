// JoinGroup, SyncGroup, Heartbeat and LeaveGroup, and the rebalance/session deadlines, following Kafka
// 2.8's GroupCoordinator (same checks in the same order, same error codes).

import { NEW_MEMBER_JOIN_TIMEOUT_MS, type GroupCoordinator } from './coordinator.js';
import { ErrorCode } from './error-codes.js';
import { GroupMetadata, type MemberMetadata } from './group.js';
import { storeGroup } from './group-store.js';
import type { HeartbeatRequest, JoinGroupProtocol, JoinGroupRequest, JoinGroupResponse, LeaveGroupRequest, SyncGroupRequest } from './types.js';

const EMPTY = new Uint8Array(0);

function joinError(memberId: string, errorCode: number): JoinGroupResponse {
  return { api: 'JoinGroup', errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [] };
}

function joinResult(group: GroupMetadata, memberId: string, leader: string | null, withMembers: boolean): JoinGroupResponse {
  return {
    api: 'JoinGroup',
    errorCode: ErrorCode.NONE,
    generationId: group.generationId,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    leader: leader ?? '',
    memberId,
    members: withMembers ? group.currentMemberMetadata() : [],
  };
}

function syncResult(group: GroupMetadata | null, errorCode: number, assignment: Uint8Array = EMPTY) {
  return {
    api: 'SyncGroup' as const,
    errorCode,
    protocolType: errorCode === ErrorCode.NONE && group ? group.protocolType : null,
    protocolName: errorCode === ErrorCode.NONE && group ? group.protocolName : null,
    assignment,
  };
}

/** Answers the member's awaiting JoinGroup, if it has one. */
export function invokeJoin(c: GroupCoordinator, group: GroupMetadata, member: MemberMetadata, response: JoinGroupResponse): boolean {
  const requestId = group.takeJoinRequest(member);
  if (requestId === null) return false;
  c.respond(requestId, response);
  return true;
}

function invokeSync(c: GroupCoordinator, member: MemberMetadata, response: ReturnType<typeof syncResult>): boolean {
  const requestId = member.awaitingSyncRequestId;
  if (requestId === null) return false;
  member.awaitingSyncRequestId = null;
  c.respond(requestId, response);
  return true;
}

export function handleJoinGroup(c: GroupCoordinator, requestId: number, req: JoinGroupRequest): void {
  const { groupId, memberId, groupInstanceId } = req;
  const rebalanceTimeoutMs = req.apiVersion === 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs;
  const status = c.validateGroupStatus(groupId, 'JoinGroup');
  if (status !== null) return c.respond(requestId, joinError(memberId, status));
  if (req.sessionTimeoutMs < c.config.groupMinSessionTimeoutMs || req.sessionTimeoutMs > c.config.groupMaxSessionTimeoutMs) {
    return c.respond(requestId, joinError(memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
  }
  // Static members never need the MEMBER_ID_REQUIRED round trip.
  const requireKnownMemberId = req.apiVersion >= 4 && groupInstanceId === null;
  const isUnknownMember = memberId === '';
  let group = c.groups.get(groupId);
  if (!group) {
    if (!isUnknownMember) return c.respond(requestId, joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    group = c.addGroup(new GroupMetadata(groupId, c.nowMs));
  }
  if (!acceptJoiningMember(c, group, memberId)) {
    if (group.has(memberId)) {
      const m = group.get(memberId);
      c.forget(group.takeJoinRequest(m));
      c.cancelHeartbeat(group, memberId);
    }
    group.remove(memberId);
    if (groupInstanceId !== null) group.staticMembers.delete(groupInstanceId);
    c.respond(requestId, joinError('', ErrorCode.GROUP_MAX_SIZE_REACHED));
  } else if (isUnknownMember) {
    doUnknownJoinGroup(c, group, requestId, req, rebalanceTimeoutMs, requireKnownMemberId);
  } else {
    doJoinGroup(c, group, requestId, req, rebalanceTimeoutMs);
  }
  if (group.is('PreparingRebalance')) tryCompleteJoin(c, group);
}

function acceptJoiningMember(c: GroupCoordinator, group: GroupMetadata, memberId: string): boolean {
  const max = c.config.groupMaxSize;
  switch (group.state) {
    case 'Empty':
    case 'Dead':
      return true;
    case 'PreparingRebalance':
      return (group.has(memberId) && group.get(memberId).awaitingJoinRequestId !== null) || group.numMembersAwaitingJoin < max;
    case 'CompletingRebalance':
    case 'Stable':
      return group.has(memberId) || group.members.size < max;
  }
}

function doUnknownJoinGroup(
  c: GroupCoordinator,
  group: GroupMetadata,
  requestId: number,
  req: JoinGroupRequest,
  rebalanceTimeoutMs: number,
  requireKnownMemberId: boolean,
): void {
  if (group.is('Dead')) return c.respond(requestId, joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
  if (!group.supportsProtocols(req.protocolType, req.protocols)) {
    return c.respond(requestId, joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  const newMemberId = c.newMemberId(req.groupInstanceId ?? req.clientId);
  if (req.groupInstanceId !== null && group.hasStaticMember(req.groupInstanceId)) {
    updateStaticMemberAndRebalance(c, group, requestId, newMemberId, req.groupInstanceId, req.protocols);
  } else if (requireKnownMemberId) {
    c.schedulePendingMemberExpiry(group, newMemberId, req.sessionTimeoutMs);
    c.respond(requestId, joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
  } else {
    addMemberAndRebalance(c, group, requestId, req, newMemberId, rebalanceTimeoutMs);
  }
}

function doJoinGroup(c: GroupCoordinator, group: GroupMetadata, requestId: number, req: JoinGroupRequest, rebalanceTimeoutMs: number): void {
  const { memberId, groupInstanceId } = req;
  if (group.is('Dead')) return c.respond(requestId, joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
  if (!group.supportsProtocols(req.protocolType, req.protocols)) {
    return c.respond(requestId, joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
  }
  if (group.pendingMembers.has(memberId)) {
    // A pending member is always dynamic: static members skip MEMBER_ID_REQUIRED.
    if (groupInstanceId !== null) return c.respond(requestId, joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    return addMemberAndRebalance(c, group, requestId, req, memberId, rebalanceTimeoutMs);
  }
  if (group.isStaticMemberFenced(memberId, groupInstanceId)) {
    return c.respond(requestId, joinError(memberId, ErrorCode.FENCED_INSTANCE_ID));
  }
  if (!group.has(memberId) || (groupInstanceId !== null && !group.hasStaticMember(groupInstanceId))) {
    return c.respond(requestId, joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  }
  const member = group.get(memberId);
  switch (group.state) {
    case 'PreparingRebalance':
      return updateMemberAndRebalance(c, group, member, req.protocols, requestId);
    case 'CompletingRebalance':
      if (matches(member, req.protocols)) {
        // Same metadata: the member probably lost our JoinGroup answer; repeat it.
        return c.respond(requestId, joinResult(group, memberId, group.leaderId, group.isLeader(memberId)));
      }
      return updateMemberAndRebalance(c, group, member, req.protocols, requestId);
    case 'Stable':
      // The leader rejoining forces a rebalance (e.g. topic metadata changed); so does changed metadata.
      if (group.isLeader(memberId) || !matches(member, req.protocols)) {
        return updateMemberAndRebalance(c, group, member, req.protocols, requestId);
      }
      return c.respond(requestId, joinResult(group, memberId, group.leaderId, false));
    case 'Empty':
    case 'Dead':
      return c.respond(requestId, joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
  }
}

function matches(member: MemberMetadata, protocols: readonly JoinGroupProtocol[]): boolean {
  if (member.protocols.length !== protocols.length) return false;
  return member.protocols.every(
    (p, i) => p.name === protocols[i]!.name && Buffer.compare(Buffer.from(p.metadata), Buffer.from(protocols[i]!.metadata)) === 0,
  );
}

function addMemberAndRebalance(
  c: GroupCoordinator,
  group: GroupMetadata,
  requestId: number,
  req: JoinGroupRequest,
  memberId: string,
  rebalanceTimeoutMs: number,
): void {
  const member: MemberMetadata = {
    memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: req.clientId,
    clientHost: req.clientHost,
    rebalanceTimeoutMs,
    sessionTimeoutMs: req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols,
    assignment: EMPTY,
    awaitingJoinRequestId: requestId,
    awaitingSyncRequestId: null,
    isNew: true,
    latestHeartbeatMs: c.nowMs,
    heartbeatDeadlineMs: null,
  };
  // Lets the initial delayed join wait once more for further members.
  if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true;
  group.add(member);
  // New members cannot heartbeat before they learn their id, so only a generous join timeout applies.
  c.scheduleHeartbeat(group, member, NEW_MEMBER_JOIN_TIMEOUT_MS);
  if (member.groupInstanceId !== null) group.staticMembers.set(member.groupInstanceId, memberId);
  else {
    group.pendingMembers.delete(memberId);
    c.cancelPendingMemberExpiry(group, memberId);
  }
  maybePrepareRebalance(c, group);
}

function updateMemberAndRebalance(
  c: GroupCoordinator,
  group: GroupMetadata,
  member: MemberMetadata,
  protocols: JoinGroupProtocol[],
  requestId: number,
): void {
  c.forget(group.updateMember(member, protocols, requestId));
  maybePrepareRebalance(c, group);
}

function updateStaticMemberAndRebalance(
  c: GroupCoordinator,
  group: GroupMetadata,
  requestId: number,
  newMemberId: string,
  groupInstanceId: string,
  protocols: JoinGroupProtocol[],
): void {
  const currentLeader = group.leaderId;
  const oldMemberId = group.staticMembers.get(groupInstanceId)!;
  const old = group.get(oldMemberId);
  // The old instance's waiting requests are answered as fenced.
  invokeJoin(c, group, old, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
  invokeSync(c, old, syncResult(group, ErrorCode.FENCED_INSTANCE_ID));
  c.cancelHeartbeat(group, oldMemberId);
  const member = group.replaceGroupInstance(oldMemberId, newMemberId, groupInstanceId);
  c.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
  const oldProtocols = member.protocols;
  c.forget(group.updateMember(member, protocols, requestId));
  switch (group.state) {
    case 'Stable': {
      // Persist the new member id unless the selected protocol would change, which needs a rebalance.
      if (group.protocolName !== group.selectProtocol()) return maybePrepareRebalance(c, group);
      const generation = group.generationId;
      storeGroup(c, group, null, (errorCode) => {
        if (errorCode !== ErrorCode.NONE) {
          // Could not persist the new member id: put the old one back.
          const rid = group.updateMember(member, oldProtocols, null);
          if (!group.has(newMemberId)) {
            if (rid !== null) c.respond(rid, { ...joinError('', errorCode), generationId: generation });
            return;
          }
          c.cancelHeartbeat(group, newMemberId);
          const restored = group.replaceGroupInstance(newMemberId, oldMemberId, groupInstanceId);
          c.scheduleHeartbeat(group, restored, restored.sessionTimeoutMs);
          if (rid !== null) {
            c.respond(rid, {
              ...joinResult(group, '', currentLeader, false),
              errorCode,
            });
          }
        } else if (group.has(newMemberId)) {
          invokeJoin(c, group, member, joinResult(group, newMemberId, currentLeader, false));
        }
      });
      return;
    }
    case 'CompletingRebalance':
      // The leader may already be assigning to the old id; rebalance so the new id gets an assignment.
      return maybePrepareRebalance(c, group);
    case 'PreparingRebalance':
      return;
    case 'Empty':
    case 'Dead':
      throw new Error(`group ${group.groupId}: static member rejoin in state ${group.state}`);
  }
}

export function maybePrepareRebalance(c: GroupCoordinator, group: GroupMetadata): void {
  if (group.canRebalance()) prepareRebalance(c, group);
}

export function prepareRebalance(c: GroupCoordinator, group: GroupMetadata): void {
  if (group.is('CompletingRebalance')) resetAndPropagateAssignmentError(c, group, ErrorCode.REBALANCE_IN_PROGRESS);
  const rebalanceTimeoutMs = group.rebalanceTimeoutMs();
  if (group.is('Empty')) {
    // InitialDelayedJoin: wait group.initial.rebalance.delay.ms, again while new members keep arriving,
    // but never longer than the rebalance timeout in total.
    const delayMs = c.config.groupInitialRebalanceDelayMs;
    group.join = { initial: true, delayMs, remainingMs: Math.max(rebalanceTimeoutMs - delayMs, 0), deadlineMs: c.nowMs + delayMs };
  } else {
    group.join = { initial: false, delayMs: rebalanceTimeoutMs, remainingMs: 0, deadlineMs: c.nowMs + rebalanceTimeoutMs };
  }
  group.transitionTo('PreparingRebalance', c.nowMs);
  c.setJoinTimer(group, group.join.deadlineMs);
  tryCompleteJoin(c, group);
}

/** DelayedJoin.tryComplete: the rebalance completes early once every member rejoined (not the initial delay). */
export function tryCompleteJoin(c: GroupCoordinator, group: GroupMetadata): void {
  if (group.join && !group.join.initial && group.hasAllMembersJoined()) {
    group.join = null;
    c.setJoinTimer(group, null);
    onCompleteJoin(c, group);
  }
}

export function onExpireJoin(c: GroupCoordinator, group: GroupMetadata): void {
  const join = group.join;
  if (!join) return;
  if (join.initial && group.newMemberAdded && join.remainingMs !== 0) {
    group.newMemberAdded = false;
    const delayMs = Math.min(join.delayMs, join.remainingMs);
    group.join = { initial: true, delayMs: join.delayMs, remainingMs: Math.max(join.remainingMs - delayMs, 0), deadlineMs: c.nowMs + delayMs };
    c.setJoinTimer(group, group.join.deadlineMs);
    return;
  }
  group.join = null;
  onCompleteJoin(c, group);
}

function onCompleteJoin(c: GroupCoordinator, group: GroupMetadata): void {
  // Dynamic members that did not rejoin in time are dropped; static ones keep their place.
  for (const failed of group.notYetRejoinedMembers()) {
    if (failed.groupInstanceId !== null) continue;
    c.cancelHeartbeat(group, failed.memberId);
    c.forget(failed.awaitingSyncRequestId);
    failed.awaitingSyncRequestId = null;
    group.remove(failed.memberId);
  }
  if (group.is('Dead')) return;
  if (!group.maybeElectNewJoinedLeader() && group.members.size > 0) {
    // Nobody rejoined (only static members remain): wait another rebalance timeout.
    const timeoutMs = group.rebalanceTimeoutMs();
    group.join = { initial: false, delayMs: timeoutMs, remainingMs: 0, deadlineMs: c.nowMs + timeoutMs };
    c.setJoinTimer(group, group.join.deadlineMs);
    tryCompleteJoin(c, group);
    return;
  }
  group.initNextGeneration(c.nowMs);
  if (group.is('Empty')) {
    // A failed write only means the previous generation may come back after a failover; nobody waits on it.
    storeGroup(c, group, new Map(), () => {});
    return;
  }
  for (const member of group.members.values()) {
    invokeJoin(c, group, member, joinResult(group, member.memberId, group.leaderId, group.isLeader(member.memberId)));
    c.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
    member.isNew = false;
  }
}

export function handleSyncGroup(c: GroupCoordinator, requestId: number, req: SyncGroupRequest): void {
  const status = c.validateGroupStatus(req.groupId, 'SyncGroup');
  // A loading coordinator lost the rebalance; older clients do not expect LOAD_IN_PROGRESS here.
  if (status === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return c.respond(requestId, syncResult(null, ErrorCode.REBALANCE_IN_PROGRESS));
  if (status !== null) return c.respond(requestId, syncResult(null, status));
  const group = c.groups.get(req.groupId);
  if (!group) return c.respond(requestId, syncResult(null, ErrorCode.UNKNOWN_MEMBER_ID));
  const fail = (code: number) => c.respond(requestId, syncResult(group, code));
  if (group.is('Dead')) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return fail(ErrorCode.FENCED_INSTANCE_ID);
  if (!group.has(req.memberId)) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
  if (req.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
  if (req.protocolType !== null && group.protocolType !== req.protocolType) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  if (req.protocolName !== null && group.protocolName !== req.protocolName) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const member = group.get(req.memberId);
  switch (group.state) {
    case 'Empty':
      return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    case 'PreparingRebalance':
      return fail(ErrorCode.REBALANCE_IN_PROGRESS);
    case 'Stable':
      c.respond(requestId, syncResult(group, ErrorCode.NONE, member.assignment));
      c.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
      return;
    case 'CompletingRebalance': {
      c.forget(member.awaitingSyncRequestId);
      member.awaitingSyncRequestId = requestId;
      if (!group.isLeader(req.memberId)) return;
      const assignment = new Map<string, Uint8Array>();
      for (const a of req.assignments) assignment.set(a.memberId, a.assignment);
      for (const id of group.members.keys()) if (!assignment.has(id)) assignment.set(id, EMPTY);
      const generation = group.generationId;
      storeGroup(c, group, assignment, (errorCode) => {
        // Another member may have joined meanwhile: only the same generation, still completing, proceeds.
        if (!group.is('CompletingRebalance') || group.generationId !== generation) return;
        if (errorCode !== ErrorCode.NONE) {
          resetAndPropagateAssignmentError(c, group, errorCode);
          maybePrepareRebalance(c, group);
        } else {
          for (const m of group.members.values()) m.assignment = assignment.get(m.memberId) ?? EMPTY;
          propagateAssignment(c, group, ErrorCode.NONE);
          group.transitionTo('Stable', c.nowMs);
        }
      });
      return;
    }
    case 'Dead':
      throw new Error(`group ${group.groupId}: sync in Dead state`);
  }
}

function resetAndPropagateAssignmentError(c: GroupCoordinator, group: GroupMetadata, errorCode: number): void {
  for (const m of group.members.values()) m.assignment = EMPTY;
  propagateAssignment(c, group, errorCode);
}

function propagateAssignment(c: GroupCoordinator, group: GroupMetadata, errorCode: number): void {
  for (const m of group.members.values()) {
    // Sessions that ran out while waiting for the assignment restart now.
    if (invokeSync(c, m, syncResult(group, errorCode, m.assignment))) c.scheduleHeartbeat(group, m, m.sessionTimeoutMs);
  }
}

export function handleHeartbeat(c: GroupCoordinator, requestId: number, req: HeartbeatRequest): void {
  const reply = (errorCode: number) => c.respond(requestId, { api: 'Heartbeat', errorCode });
  const status = c.validateGroupStatus(req.groupId, 'Heartbeat');
  // While loading Kafka answers heartbeats blindly.
  if (status === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) return reply(ErrorCode.NONE);
  if (status !== null) return reply(status);
  const group = c.groups.get(req.groupId);
  if (!group) return reply(ErrorCode.UNKNOWN_MEMBER_ID);
  if (group.is('Dead')) return reply(ErrorCode.COORDINATOR_NOT_AVAILABLE);
  if (group.isStaticMemberFenced(req.memberId, req.groupInstanceId)) return reply(ErrorCode.FENCED_INSTANCE_ID);
  if (!group.has(req.memberId)) return reply(ErrorCode.UNKNOWN_MEMBER_ID);
  if (req.generationId !== group.generationId) return reply(ErrorCode.ILLEGAL_GENERATION);
  const member = group.get(req.memberId);
  switch (group.state) {
    case 'Empty':
      return reply(ErrorCode.UNKNOWN_MEMBER_ID);
    case 'CompletingRebalance':
    case 'Stable':
      c.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
      return reply(ErrorCode.NONE);
    case 'PreparingRebalance':
      c.scheduleHeartbeat(group, member, member.sessionTimeoutMs);
      return reply(ErrorCode.REBALANCE_IN_PROGRESS);
    case 'Dead':
      throw new Error(`group ${group.groupId}: heartbeat in Dead state`);
  }
}

export function handleLeaveGroup(c: GroupCoordinator, requestId: number, req: LeaveGroupRequest): void {
  const status = c.validateGroupStatus(req.groupId, 'LeaveGroup');
  if (status !== null) return c.respond(requestId, { api: 'LeaveGroup', errorCode: status, members: [] });
  const group = c.groups.get(req.groupId);
  if (!group) {
    const members = req.members.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID }));
    return c.respond(requestId, { api: 'LeaveGroup', errorCode: ErrorCode.NONE, members });
  }
  if (group.is('Dead')) return c.respond(requestId, { api: 'LeaveGroup', errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] });
  const results = req.members.map(({ memberId, groupInstanceId }) => {
    const result = (errorCode: number) => ({ memberId, groupInstanceId, errorCode });
    if (memberId !== '' && group.isStaticMemberFenced(memberId, groupInstanceId)) return result(ErrorCode.FENCED_INSTANCE_ID);
    if (group.pendingMembers.has(memberId)) {
      if (groupInstanceId !== null) return result(ErrorCode.UNKNOWN_MEMBER_ID);
      removePendingMember(c, group, memberId);
      return result(ErrorCode.NONE);
    }
    const staticId = groupInstanceId !== null ? group.staticMembers.get(groupInstanceId) : undefined;
    if (!group.has(memberId) && staticId === undefined) return result(ErrorCode.UNKNOWN_MEMBER_ID);
    const member = group.get(staticId ?? memberId);
    c.cancelHeartbeat(group, member.memberId);
    removeMemberAndUpdateGroup(c, group, member);
    return result(ErrorCode.NONE);
  });
  c.respond(requestId, { api: 'LeaveGroup', errorCode: ErrorCode.NONE, members: results });
}

function removePendingMember(c: GroupCoordinator, group: GroupMetadata, memberId: string): void {
  group.pendingMembers.delete(memberId);
  c.cancelPendingMemberExpiry(group, memberId);
  if (group.is('PreparingRebalance')) tryCompleteJoin(c, group);
}

export function removeMemberAndUpdateGroup(c: GroupCoordinator, group: GroupMetadata, member: MemberMetadata): void {
  // A new member may time out while its JoinGroup waits; UNKNOWN_MEMBER_ID makes it rejoin if still alive.
  invokeJoin(c, group, member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
  c.forget(member.awaitingSyncRequestId);
  member.awaitingSyncRequestId = null;
  group.remove(member.memberId);
  if (member.groupInstanceId !== null) group.staticMembers.delete(member.groupInstanceId);
  switch (group.state) {
    case 'Dead':
    case 'Empty':
      return;
    case 'Stable':
    case 'CompletingRebalance':
      return maybePrepareRebalance(c, group);
    case 'PreparingRebalance':
      return tryCompleteJoin(c, group);
  }
}

/** MemberMetadata.shouldKeepAlive: members waiting in a rebalance are governed by its timeout instead. */
function shouldKeepAlive(member: MemberMetadata, deadlineMs: number): boolean {
  if (member.awaitingJoinRequestId !== null) return !member.isNew || member.latestHeartbeatMs + NEW_MEMBER_JOIN_TIMEOUT_MS > deadlineMs;
  if (member.awaitingSyncRequestId !== null) return true;
  return member.latestHeartbeatMs + member.sessionTimeoutMs > deadlineMs;
}

export function onExpireHeartbeat(c: GroupCoordinator, group: GroupMetadata, memberId: string): void {
  const member = group.members.get(memberId);
  if (!member || member.heartbeatDeadlineMs === null) return;
  const deadline = member.heartbeatDeadlineMs;
  member.heartbeatDeadlineMs = null;
  if (!shouldKeepAlive(member, deadline)) removeMemberAndUpdateGroup(c, group, member);
}

export function onExpirePendingMember(c: GroupCoordinator, group: GroupMetadata, memberId: string): void {
  if (group.pendingMembers.has(memberId)) removePendingMember(c, group, memberId);
}
