// ListGroups, DescribeGroups and DeleteGroups.

import type { GroupCoordinator } from './coordinator.js';
import { ErrorCode } from './error-codes.js';
import type { GroupMetadata } from './group.js';
import { cleanupGroupMetadata, removeAllOffsets } from './offset-ops.js';
import type { DescribedGroup } from './types.js';

const EMPTY = new Uint8Array(0);

export function handleListGroups(c: GroupCoordinator, requestId: number, statesFilter: string[] | null): void {
  const states = new Set(statesFilter ?? []);
  const groups = [...c.groups.values()]
    .filter((g) => c.partitions.get(c.partitionFor(g.groupId))?.state === 'loaded')
    .filter((g) => states.size === 0 || states.has(g.state))
    .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', groupState: g.state }));
  const errorCode = c.isLoading() ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS : ErrorCode.NONE;
  c.respond(requestId, { api: 'ListGroups', errorCode, groups });
}

export function describeGroup(c: GroupCoordinator, groupId: string): DescribedGroup {
  const status = c.validateGroupStatus(groupId, 'DescribeGroups');
  if (status !== null) return { errorCode: status, groupId, groupState: '', protocolType: '', protocolData: '', members: [] };
  const group = c.groups.get(groupId);
  if (!group) return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [] };
  return summary(group);
}

/** Member metadata and assignments are only shown once the group is Stable. */
function summary(group: GroupMetadata): DescribedGroup {
  const stable = group.is('Stable') && group.protocolName !== null;
  const protocol = group.protocolName;
  return {
    errorCode: ErrorCode.NONE,
    groupId: group.groupId,
    groupState: group.state,
    protocolType: group.protocolType ?? '',
    protocolData: stable ? protocol! : '',
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: stable ? group.memberMetadataFor(m, protocol!) : EMPTY,
      memberAssignment: stable ? m.assignment : EMPTY,
    })),
  };
}

export function handleDescribeGroups(c: GroupCoordinator, requestId: number, groupIds: string[]): void {
  c.respond(requestId, { api: 'DescribeGroups', groups: groupIds.map((id) => describeGroup(c, id)) });
}

export function handleDeleteGroups(c: GroupCoordinator, requestId: number, groupIds: string[]): void {
  const errors = new Map<string, number>();
  const eligible: GroupMetadata[] = [];
  for (const groupId of new Set(groupIds)) {
    const status = c.validateGroupStatus(groupId, 'DeleteGroups');
    if (status !== null) {
      errors.set(groupId, status);
      continue;
    }
    const group = c.groups.get(groupId);
    if (!group || group.is('Dead')) {
      errors.set(groupId, c.groupNotExists(groupId) ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NOT_COORDINATOR);
    } else if (group.is('Empty')) {
      group.transitionTo('Dead', c.nowMs);
      eligible.push(group);
    } else {
      errors.set(groupId, ErrorCode.NON_EMPTY_GROUP);
    }
  }
  if (eligible.length > 0) {
    cleanupGroupMetadata(c, eligible, removeAllOffsets);
    for (const g of eligible) errors.set(g.groupId, ErrorCode.NONE);
  }
  c.respond(requestId, { api: 'DeleteGroups', results: [...errors].map(([groupId, errorCode]) => ({ groupId, errorCode })) });
}
