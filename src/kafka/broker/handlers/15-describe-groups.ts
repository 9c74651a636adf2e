// DescribeGroups (key 15), versions 0-5: Kafka 2.8.2's range (v3 adds authorized operations, v4 group.instance.id,
// v5 is flexible). Without an authorizer every group operation (READ, DELETE, DESCRIBE) is authorized when asked for;
// otherwise the field keeps Kafka's "not requested" value.
import { ApiKey } from '../../protocol/index.js';
import type { DescribeGroupsResponseDescribedGroup as WireGroup } from '../../protocol/schemas/describe-groups.js';
import type { DescribedGroup, DescribeGroupsResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import { asBuffer, type GroupHandlerDeps } from '../groups/group-handler-deps.js';

const NOT_REQUESTED = -2147483648;
/** 1 << READ(3) | 1 << DELETE(6) | 1 << DESCRIBE(8): AclEntry.supportedOperations(GROUP). */
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 6) | (1 << 8);

function toWire(g: DescribedGroup, authorizedOperations: number): WireGroup {
  return {
    errorCode: g.errorCode,
    groupId: g.groupId,
    groupState: g.groupState,
    protocolType: g.protocolType,
    protocolData: g.protocolData,
    members: g.members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      memberMetadata: asBuffer(m.memberMetadata),
      memberAssignment: asBuffer(m.memberAssignment),
    })),
    authorizedOperations,
  };
}

export function describeGroupsHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.DescribeGroups> {
  return {
    apiKey: ApiKey.DescribeGroups,
    minVersion: 0,
    maxVersion: 5,
    async handle(request) {
      const response = await deps.groups.request<DescribeGroupsResponse>((c, now, id) => c.describeGroups(now, id, request.groups));
      const operations = request.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : NOT_REQUESTED;
      return { throttleTimeMs: 0, groups: response.groups.map((g) => toWire(g, g.errorCode === 0 ? operations : NOT_REQUESTED)) };
    },
    errorResponse(request, errorCode) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((groupId) => toWire({ errorCode, groupId, groupState: '', protocolType: '', protocolData: '', members: [] }, NOT_REQUESTED)),
      };
    },
  };
}
