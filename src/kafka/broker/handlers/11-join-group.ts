// JoinGroup (key 11), versions 0-7: Kafka 2.8.2's range. v8 (a leave reason) and v9 are not advertised.
// v0 has no rebalance timeout (the session timeout stands in); v4+ answers a new member MEMBER_ID_REQUIRED with its
// id; v5+ carries group.instance.id (static membership); v7 answers the protocol type, and below v7 a missing
// protocol name is answered as "" (Kafka's GroupCoordinator.NoProtocol). The answer may come when the rebalance
// completes, from the coordinator's timers: other requests go on meanwhile.
import { ApiKey } from '../../protocol/index.js';
import type { JoinGroupResponse as WireJoinGroupResponse } from '../../protocol/schemas/join-group.js';
import type { JoinGroupResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import { asBuffer, clientHostOf, type GroupHandlerDeps } from '../groups/group-handler-deps.js';

function toWire(r: JoinGroupResponse, version: number): WireJoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    protocolName: version >= 7 ? r.protocolName : (r.protocolName ?? ''),
    leader: r.leader,
    memberId: r.memberId,
    members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: asBuffer(m.metadata) })),
  };
}

export function joinGroupHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.JoinGroup> {
  return {
    apiKey: ApiKey.JoinGroup,
    minVersion: 0,
    maxVersion: 7,
    async handle(request, ctx) {
      const response = await deps.groups.request<JoinGroupResponse>((c, now, id) =>
        c.joinGroup(now, id, {
          apiVersion: ctx.apiVersion,
          groupId: request.groupId,
          sessionTimeoutMs: request.sessionTimeoutMs,
          rebalanceTimeoutMs: ctx.apiVersion >= 1 ? (request.rebalanceTimeoutMs ?? request.sessionTimeoutMs) : request.sessionTimeoutMs,
          memberId: request.memberId,
          groupInstanceId: request.groupInstanceId ?? null,
          protocolType: request.protocolType,
          protocols: request.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
          clientId: ctx.header.clientId ?? '',
          clientHost: clientHostOf(ctx),
        }),
      );
      return toWire(response, ctx.apiVersion);
    },
    errorResponse(request, errorCode, ctx) {
      return toWire({ api: 'JoinGroup', errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId: request.memberId, members: [] }, ctx.apiVersion);
    },
  };
}
