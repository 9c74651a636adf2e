// DeleteGroups (key 42), versions 0-2: Kafka 2.8.2's range (v2 is flexible). Each named group is answered on its own.
import { ApiKey } from '../../protocol/index.js';
import type { DeleteGroupsResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import type { GroupHandlerDeps } from '../groups/group-handler-deps.js';

export function deleteGroupsHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.DeleteGroups> {
  return {
    apiKey: ApiKey.DeleteGroups,
    minVersion: 0,
    maxVersion: 2,
    async handle(request) {
      const response = await deps.groups.request<DeleteGroupsResponse>((c, now, id) => c.deleteGroups(now, id, request.groupsNames));
      return { throttleTimeMs: 0, results: response.results };
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, results: request.groupsNames.map((groupId) => ({ groupId, errorCode })) };
    },
  };
}
