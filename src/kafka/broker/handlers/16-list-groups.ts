// ListGroups (key 16), versions 0-4: Kafka 2.8.2's range. v4 (KIP-518) filters by group state and answers each
// group's state; an empty filter means every state. v5 (group types) is not advertised.
import { ApiKey } from '../../protocol/index.js';
import type { ListGroupsResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import type { GroupHandlerDeps } from '../groups/group-handler-deps.js';

export function listGroupsHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.ListGroups> {
  return {
    apiKey: ApiKey.ListGroups,
    minVersion: 0,
    maxVersion: 4,
    async handle(request, ctx) {
      const filter = ctx.apiVersion >= 4 ? (request.statesFilter ?? []) : [];
      const response = await deps.groups.request<ListGroupsResponse>((c, now, id) => c.listGroups(now, id, filter));
      return { throttleTimeMs: 0, errorCode: response.errorCode, groups: response.groups };
    },
    errorResponse(_request, errorCode) {
      return { throttleTimeMs: 0, errorCode, groups: [] };
    },
  };
}
