// SyncGroup (key 14), versions 0-5: Kafka 2.8.2's range (v3 adds group.instance.id, v4 is flexible, v5 checks and
// answers the protocol type and name). Followers' answers wait for the leader's assignment.
import { ApiKey } from '../../protocol/index.js';
import type { SyncGroupResponse as WireSyncGroupResponse } from '../../protocol/schemas/sync-group.js';
import type { SyncGroupResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import { asBuffer, type GroupHandlerDeps } from '../groups/group-handler-deps.js';

function toWire(r: SyncGroupResponse): WireSyncGroupResponse {
  return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: asBuffer(r.assignment) };
}

export function syncGroupHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.SyncGroup> {
  return {
    apiKey: ApiKey.SyncGroup,
    minVersion: 0,
    maxVersion: 5,
    async handle(request, ctx) {
      const response = await deps.groups.request<SyncGroupResponse>((c, now, id) =>
        c.syncGroup(now, id, {
          apiVersion: ctx.apiVersion,
          groupId: request.groupId,
          generationId: request.generationId,
          memberId: request.memberId,
          groupInstanceId: request.groupInstanceId ?? null,
          protocolType: ctx.apiVersion >= 5 ? (request.protocolType ?? null) : null,
          protocolName: ctx.apiVersion >= 5 ? (request.protocolName ?? null) : null,
          assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: a.assignment })),
        }),
      );
      return toWire(response);
    },
    errorResponse(_request, errorCode) {
      return toWire({ api: 'SyncGroup', errorCode, protocolType: null, protocolName: null, assignment: new Uint8Array(0) });
    },
  };
}
