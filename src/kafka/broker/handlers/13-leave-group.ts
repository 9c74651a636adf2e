// LeaveGroup (key 13), versions 0-4: Kafka 2.8.2's range. v0-v2 name one member, whose error becomes the answer's
// error; v3+ (KIP-345) name a batch of members (by member id or group.instance.id), each answered. v5 (a leave
// reason per member) is not advertised.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { LeaveGroupResponse as WireLeaveGroupResponse } from '../../protocol/schemas/leave-group.js';
import type { LeaveGroupResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import type { GroupHandlerDeps } from '../groups/group-handler-deps.js';

function toWire(r: LeaveGroupResponse, version: number): WireLeaveGroupResponse {
  if (version >= 3) return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
  const memberError = r.members[0]?.errorCode ?? ErrorCode.NONE;
  return { throttleTimeMs: 0, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : memberError };
}

export function leaveGroupHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.LeaveGroup> {
  return {
    apiKey: ApiKey.LeaveGroup,
    minVersion: 0,
    maxVersion: 4,
    async handle(request, ctx) {
      const members =
        ctx.apiVersion >= 3
          ? (request.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
          : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
      const response = await deps.groups.request<LeaveGroupResponse>((c, now, id) => c.leaveGroup(now, id, { groupId: request.groupId, members }));
      return toWire(response, ctx.apiVersion);
    },
    errorResponse(_request, errorCode, ctx) {
      return toWire({ api: 'LeaveGroup', errorCode, members: [] }, ctx.apiVersion);
    },
  };
}
